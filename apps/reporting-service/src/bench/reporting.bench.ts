// Benchmark (not a test) of the reporting service on the real servers:
//  1. a programme of BENCH_ENGAGEMENTS engagements (10,000) with two years of events each;
//  2. the read models of all of it (projected in memory by the same projection, then stored),
//     and the time of every report over them (loading the read models + computing);
//  3. projection throughput (events per second) on a sample of BENCH_SAMPLE_ENGAGEMENTS
//     engagements' events through Kafka, in the same run, for: a raw kafkajs consumer alone,
//     the raw MongoDB driver doing the same writes, a raw kafkajs consumer + raw driver, and
//     the service's projection (KafkaEventConsumer: contract validation, dead-letters, retries;
//     with and without dedupe by event id) — each on a fresh database, checked to give the
//     same read models;
//  4. the event → read model lag of live events.
//
//   npx nx run reporting-service:build
//   node -r ./tools/scripts/register-aliases.cjs dist/out-tsc/apps/reporting-service/src/bench/reporting.bench.js
//
// Environment: BENCH_ENGAGEMENTS (10000), BENCH_MONTHS (24), BENCH_SAMPLE_ENGAGEMENTS (300),
// BENCH_REPORT_RUNS (3), BENCH_BUCKETS (64), BENCH_DEDUPE_EVENTS (2000: events measured with
// dedupe by id, which is slow on FerretDB), BENCH_MONGO_URL / BENCH_KAFKA_BROKERS (default: the local servers of
// infra:up; a private FerretDB keeps the load off other people's tests).
import { eventDefinition, parseEvent, TOPICS, type TrellisEvent } from '@trellis/contracts';
import { EventProducer, IdempotentConsumer, KafkaEventConsumer } from '@trellis/platform-kafka';
import { createLogger } from '@trellis/platform-logging';
import {
  buildDataset,
  MemoryReadModel,
  planProjection,
  Projection,
  Pseudonymiser,
  REPORT_NAMES,
  REPORTS,
  tombstoneOf,
} from '@trellis/reporting-domain';
import { resolveEndpoints } from '@trellis/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { MongoClient, type Db, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CONSUMED_TOPICS } from '../read-model/events.consumer';
import { FreshnessTracker } from '../read-model/freshness';
import { ProjectionApplier } from '../read-model/projection.service';
import {
  bucketOf,
  collectionOfWrite,
  factCollectionName,
  MongoReadModelStore,
} from '../read-model/read-model.store';
import { simulateProgramme } from '../simulation/programme.simulator';

const ENGAGEMENTS = Number(process.env['BENCH_ENGAGEMENTS'] ?? 10_000);
const MONTHS = Number(process.env['BENCH_MONTHS'] ?? 24);
const SAMPLE = Number(process.env['BENCH_SAMPLE_ENGAGEMENTS'] ?? 300);
const RUNS = Number(process.env['BENCH_REPORT_RUNS'] ?? 3);
const BUCKETS = Number(process.env['BENCH_BUCKETS'] ?? 64);
const DEDUPE_EVENTS = Number(process.env['BENCH_DEDUPE_EVENTS'] ?? 2_000);
// Run from the workspace root (as `npm start` does); the endpoints file of `infra:up` is there.
const endpoints = resolveEndpoints(
  process.env,
  join(process.env['TRELLIS_DATA_DIR'] ?? join(process.cwd(), '.data'), 'run', 'endpoints.json'),
);
const MONGO_URL = process.env['BENCH_MONGO_URL'] ?? endpoints.mongoUrl;
const BROKERS = (process.env['BENCH_KAFKA_BROKERS'] ?? endpoints.kafkaBrokers.join(',')).split(',');
const RUN = `bench${Date.now().toString(36)}`;
const say = (m: string) => process.stdout.write(`[bench] ${m}\n`);
const pseudonyms = new Pseudonymiser(randomBytes(32));
const logger = createLogger({ service: 'reporting-bench', level: 'warn' });
const kafka = new Kafka({ clientId: RUN, brokers: BROKERS, logLevel: logLevel.ERROR });
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

async function factsOf(db: Db): Promise<string> {
  const { engagements, organisations } = await new MongoReadModelStore(db, BUCKETS).loadAll();
  const byId = (a: { _id: string }, b: { _id: string }) => (a._id < b._id ? -1 : 1);
  return canonical([engagements.sort(byId), organisations.sort(byId)]);
}

/** Consumes the sample topics with a fresh group until `count` messages were handled. */
async function consumeAll(
  topics: string[],
  count: number,
  handle: (message: {
    topic: string;
    partition: number;
    message: {
      key: Buffer | null;
      value: Buffer | null;
      offset: string;
      headers?: Record<string, unknown>;
    };
  }) => Promise<void>,
): Promise<number> {
  const consumer: Consumer = kafka.consumer({
    groupId: `${RUN}.${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 4 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let seen = 0;
  let t0 = 0n;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: async (payload) => {
      if (seen === 0) t0 = process.hrtime.bigint();
      await handle(payload);
      seen += 1;
      if (seen === count) resolveDone();
    },
  });
  await done;
  const rate = count / seconds(t0);
  await consumer.disconnect();
  return rate;
}

async function main(): Promise<void> {
  say(`generating ${ENGAGEMENTS} engagements × ${MONTHS} months of events ...`);
  let t = process.hrtime.bigint();
  const events = simulateProgramme({
    engagements: ENGAGEMENTS,
    start: '2024-01-01T00:00:00.000Z',
    months: MONTHS + 3,
    spreadMonths: 3,
    seed: 1,
    idPrefix: 'bench',
  });
  say(
    `${events.length} events (${(events.length / ENGAGEMENTS).toFixed(1)} per engagement) in ${seconds(t).toFixed(1)} s`,
  );

  const client = await MongoClient.connect(MONGO_URL, { appName: 'reporting-bench' });
  const databases: Db[] = [];
  const database = (name: string) => {
    const db = client.db(`${RUN}_${name}`);
    databases.push(db);
    return db;
  };
  const results: Record<string, unknown> = {
    engagements: ENGAGEMENTS,
    buckets: BUCKETS,
    events: events.length,
    mongo: MONGO_URL.replace(/\/\/[^@]*@/, '//'),
  };
  try {
    // --- 2. reports at full scale
    t = process.hrtime.bigint();
    const memory = new MemoryReadModel();
    const inMemory = new Projection(memory, pseudonyms);
    for (const e of events) await inMemory.apply(e);
    const projectedInMemory = events.length / seconds(t);
    const full = database('full');
    t = process.hrtime.bigint();
    const seeded = new Map<string, Document[]>();
    for (const doc of memory.engagements()) {
      const name = factCollectionName('engagements', bucketOf(doc.organisation, BUCKETS), BUCKETS);
      seeded.set(name, [...(seeded.get(name) ?? []), doc]);
    }
    for (const doc of memory.organisations()) {
      const name = factCollectionName('organisations', bucketOf(doc._id, BUCKETS), BUCKETS);
      seeded.set(name, [...(seeded.get(name) ?? []), doc]);
    }
    for (const [name, docs] of seeded) {
      for (let i = 0; i < docs.length; i += 200) {
        await full.collection(name).insertMany(docs.slice(i, i + 200));
      }
    }
    say(
      `read models: ${memory.engagements().length} engagement and ${memory.organisations().length} organisation documents stored in ${seconds(t).toFixed(1)} s (in-memory projection ${Math.round(projectedInMemory)} events/s)`,
    );
    const store = new MongoReadModelStore(full, BUCKETS);
    // The service holds the read models in memory (loaded once, kept current by its own
    // writes): a report costs the join (after changes) and its computation; a cold start or a
    // reload costs the full read too.
    const loads: number[] = [];
    const joins: number[] = [];
    let dataset = buildDataset([], []);
    for (let run = 0; run < Math.max(1, Math.min(RUNS, 2)); run++) {
      const t0 = process.hrtime.bigint();
      const { engagements, organisations } = await store.loadAll();
      const t1 = process.hrtime.bigint();
      dataset = buildDataset(engagements, organisations);
      loads.push(Number(t1 - t0) / 1e6);
      joins.push(Number(process.hrtime.bigint() - t1) / 1e6);
    }
    const loadMs = Math.round(median(loads));
    const joinMs = Math.round(median(joins));
    say(`full read of the read models: ${loadMs} ms; joining them: ${joinMs} ms`);
    const reportTimes: Record<
      string,
      { computeMs: number; afterChangesMs: number; coldMs: number; rows: number }
    > = {};
    for (const name of REPORT_NAMES) {
      const computes: number[] = [];
      let rows = 0;
      for (let run = 0; run < RUNS; run++) {
        const t1 = process.hrtime.bigint();
        const table = REPORTS[name].build(dataset, {
          filters: {},
          groupBy: [...REPORTS[name].dimensions].slice(0, 1),
          minCellSize: 5,
          now: '2026-06-30T00:00:00.000Z',
        });
        computes.push(Number(process.hrtime.bigint() - t1) / 1e6);
        rows = table.rows.length;
      }
      const computeMs = Math.round(median(computes));
      reportTimes[name] = {
        computeMs,
        afterChangesMs: joinMs + computeMs,
        coldMs: loadMs + joinMs + computeMs,
        rows,
      };
      say(
        `report ${name}: ${computeMs} ms (${joinMs + computeMs} ms after new events, ${loadMs + joinMs + computeMs} ms cold), ${rows} rows`,
      );
    }
    results['fullReadMs'] = loadMs;
    results['joinMs'] = joinMs;
    results['reports'] = reportTimes;

    // --- 3. throughput on a sample, through Kafka
    const sampleIds = new Set(Array.from({ length: SAMPLE }, (_, i) => `bench-eng-${i}`));
    const sampleOrgs = new Set(Array.from({ length: SAMPLE }, (_, i) => `bench-org-${i}`));
    const sample = events.filter((e) =>
      e.engagementId ? sampleIds.has(e.engagementId) : sampleOrgs.has(e.organisationId ?? ''),
    );
    const prefix = `${RUN}.`;
    const topics = CONSUMED_TOPICS.map((topic) => `${prefix}${topic}`);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [...topics, `${prefix}${TOPICS.deadLetter}`].map((topic) => ({
        topic,
        numPartitions: 3,
      })),
      waitForLeaders: true,
    });
    const producer = kafka.producer();
    await producer.connect();
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const e of sample) {
      const topic = `${prefix}${topicOf(e)}`;
      byTopic.set(topic, [
        ...(byTopic.get(topic) ?? []),
        { key: e.engagementId ?? e.organisationId ?? e.id, value: JSON.stringify(e) },
      ]);
    }
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += 1000)
        await producer.send({ topic, messages: messages.slice(i, i + 1000) });
    }
    const relevant = sample.filter((e) => planProjection(e, pseudonyms).kind !== 'skip').length;
    say(
      `throughput sample: ${sample.length} events of ${SAMPLE} engagements (${relevant} write the read models)`,
    );
    const throughput: Record<string, number> = {};

    throughput['rawKafkajsConsumeOnly'] = await consumeAll(
      topics,
      sample.length,
      async ({ message }) => {
        JSON.parse(message.value?.toString('utf8') ?? '');
        await Promise.resolve();
      },
    );
    say(
      `raw kafkajs consumer (JSON.parse only): ${Math.round(throughput['rawKafkajsConsumeOnly'])} events/s`,
    );

    const rawDriverDb = database('raw_driver');
    t = process.hrtime.bigint();
    for (const e of sample) await rawWrites(rawDriverDb, e);
    throughput['rawDriverSameWrites'] = sample.length / seconds(t);
    say(
      `raw MongoDB driver, same writes, no Kafka: ${Math.round(throughput['rawDriverSameWrites'])} events/s`,
    );

    const rawDb = database('raw');
    throughput['rawKafkajsPlusDriver'] = await consumeAll(
      topics,
      sample.length,
      async ({ message }) => {
        await rawWrites(rawDb, JSON.parse(message.value?.toString('utf8') ?? '') as TrellisEvent);
      },
    );
    say(
      `raw kafkajs consumer + raw driver: ${Math.round(throughput['rawKafkajsPlusDriver'])} events/s`,
    );

    for (const dedupe of [false, true]) {
      const db = database(dedupe ? 'service_dedupe' : 'service');
      const connection = await mongoose
        .createConnection(MONGO_URL, { dbName: db.databaseName })
        .asPromise();
      const eventProducer = new EventProducer(kafka, {});
      const pipeline = new KafkaEventConsumer(
        eventProducer,
        { clientId: RUN, deadLetterTopic: `${prefix}${TOPICS.deadLetter}` },
        new IdempotentConsumer(connection),
        logger,
      );
      const applier = new ProjectionApplier(
        new MongoReadModelStore(db, BUCKETS),
        pseudonyms,
        new FreshnessTracker(db),
      );
      const key = dedupe ? 'serviceProjectionDedupe' : 'serviceProjection';
      // Dedupe by event id is measured on the first DEDUPE_EVENTS events only (it is slow).
      const count = dedupe ? Math.min(DEDUPE_EVENTS, sample.length) : sample.length;
      throughput[key] = await consumeAll(topics, count, (incoming) =>
        pipeline.process(
          incoming,
          { consumer: 'reporting-service.read-models', parse: parseEvent, idempotent: dedupe },
          async (event) => {
            await applier.apply(event);
          },
        ),
      );
      say(
        `service projection (${dedupe ? 'with' : 'without'} dedupe by event id, ${count} events): ${Math.round(throughput[key])} events/s`,
      );
      await eventProducer.disconnect();
      await connection.close();
    }
    results['throughputEventsPerSecond'] = Object.fromEntries(
      Object.entries(throughput).map(([k, v]) => [k, Math.round(v)]),
    );
    const reference = await factsOf(rawDb);
    const same = (
      await Promise.all(
        ['raw_driver', 'service'].map(
          async (n) => (await factsOf(client.db(`${RUN}_${n}`))) === reference,
        ),
      )
    ).every(Boolean);
    say(`read models identical across the raw and service pipelines: ${same}`);
    results['identicalReadModels'] = same;

    // --- 4. live lag: events published now, one every 20 ms, while the projection runs.
    const liveDb = database('live');
    const freshness = new FreshnessTracker(liveDb, 100);
    const applier = new ProjectionApplier(
      new MongoReadModelStore(liveDb, BUCKETS),
      pseudonyms,
      freshness,
    );
    const live = kafka.consumer({ groupId: `${RUN}.live`, maxWaitTimeInMs: 100 });
    await live.connect();
    await live.subscribe({ topics: [`${prefix}${TOPICS.autonomy}`], fromBeginning: false });
    let applied = 0;
    await live.run({
      eachMessage: async ({ message }) => {
        await applier.apply(parseEvent(JSON.parse(message.value?.toString('utf8') ?? '')));
        applied += 1;
      },
    });
    await new Promise((r) => setTimeout(r, 3_000));
    const reviews = sample.filter((e) => e.type === 'autonomy.review.recorded').slice(0, 200);
    for (const e of reviews) {
      const now = { ...e, id: randomUuid(), occurredAt: new Date().toISOString() };
      await producer.send({
        topic: `${prefix}${TOPICS.autonomy}`,
        messages: [{ key: e.engagementId ?? '', value: JSON.stringify(now) }],
      });
      await new Promise((r) => setTimeout(r, 20));
    }
    while (applied < reviews.length) await new Promise((r) => setTimeout(r, 50));
    await live.disconnect();
    results['liveLagMs'] = freshness.local().lag;
    say(`live lag over ${reviews.length} events: ${JSON.stringify(freshness.local().lag)}`);
    await freshness.close();

    await producer.disconnect();
    await admin
      .deleteTopics({ topics: [...topics, `${prefix}${TOPICS.deadLetter}`] })
      .catch(() => undefined);
    await admin.disconnect();
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    for (const db of databases) await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

/** The raw baseline: the same writes (same pure function) with the raw driver, no checks. */
async function rawWrites(db: Db, event: TrellisEvent): Promise<void> {
  const step = planProjection(event, pseudonyms);
  if (step.kind === 'write') {
    for (const w of step.writes) {
      const update: Record<string, unknown> = { $set: w.set ?? {} };
      if (w.min) update['$min'] = w.min;
      if (w.max) update['$max'] = w.max;
      await db
        .collection(collectionOfWrite(w, BUCKETS))
        .updateOne({ _id: w.id as never }, update, { upsert: true });
    }
  } else if (step.kind === 'erase') {
    await db
      .collection('erased')
      .updateOne(
        { _id: tombstoneOf(step.organisationId) as never },
        { $set: { at: event.occurredAt } },
        { upsert: true },
      );
  }
}

function topicOf(event: TrellisEvent): string {
  const definition = eventDefinition(event.type, event.version);
  if (!definition) throw new Error(`unknown event ${event.type}@${event.version}`);
  return definition.topic;
}

function randomUuid(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
