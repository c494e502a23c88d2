import { Module } from '@nestjs/common';
import { CONFIG } from '@trellis/platform-config';
import { EventProducer } from '@trellis/platform-kafka';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import { MONGO_CONNECTION } from '@trellis/platform-mongo';
import { Pseudonymiser } from '@trellis/reporting-domain';
import type { Connection } from 'mongoose';
import type { ReportingConfig } from '../config';
import { ReadModelEventsConsumer } from './events.consumer';
import { FreshnessTracker } from './freshness';
import { ProjectionApplier } from './projection.service';
import { MongoReadModelStore } from './read-model.store';

function dbOf(connection: Connection) {
  if (!connection.db) throw new Error('MongoDB is not connected');
  return connection.db;
}

/** The read models: their store, freshness, the projection and its Kafka consumer. */
@Module({
  providers: [
    {
      provide: Pseudonymiser,
      inject: [CONFIG],
      useFactory: (c: ReportingConfig) => new Pseudonymiser(c.PSEUDONYM_KEY),
    },
    {
      provide: MongoReadModelStore,
      inject: [MONGO_CONNECTION, CONFIG],
      useFactory: async (connection: Connection, c: ReportingConfig) => {
        const store = new MongoReadModelStore(
          dbOf(connection),
          c.READ_MODEL_BUCKETS,
          c.TOMBSTONE_REFRESH_MS,
        );
        await store.ensureIndexes();
        return store;
      },
    },
    {
      provide: FreshnessTracker,
      inject: [MONGO_CONNECTION, CONFIG],
      useFactory: (connection: Connection, c: ReportingConfig) =>
        new FreshnessTracker(dbOf(connection), c.FRESHNESS_FLUSH_MS),
    },
    {
      provide: ProjectionApplier,
      inject: [MongoReadModelStore, Pseudonymiser, FreshnessTracker, EventProducer, CONFIG, LOGGER],
      useFactory: (
        store: MongoReadModelStore,
        pseudonyms: Pseudonymiser,
        freshness: FreshnessTracker,
        producer: EventProducer,
        c: ReportingConfig,
        logger: Logger,
      ) =>
        new ProjectionApplier(store, pseudonyms, freshness, {
          producer,
          topicPrefix: c.TOPIC_PREFIX,
          logger: logger.child({ component: 'projection' }),
        }),
    },
    ReadModelEventsConsumer,
  ],
  exports: [MongoReadModelStore, FreshnessTracker, Pseudonymiser],
})
export class ReadModelModule {}
