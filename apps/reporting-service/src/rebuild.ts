import { bootOrExit, loadConfig } from '@trellis/platform-config';
import { createKafkaClient } from '@trellis/platform-kafka';
import { createLogger } from '@trellis/platform-logging';
import { Pseudonymiser } from '@trellis/reporting-domain';
import { MongoClient } from 'mongodb';
import { rebuildConfigSchema, SERVICE_NAME } from './config';
import { consumedTopics } from './read-model/events.consumer';
import { rebuildReadModels } from './read-model/rebuild';

/*
 * Rebuilds the reporting read models from scratch by replaying every topic from the
 * beginning (see README "Rebuild"):
 *
 *   npx nx run reporting-service:build
 *   node -r ./tools/scripts/register-aliases.cjs dist/out-tsc/apps/reporting-service/src/rebuild.js
 *
 * with the service's environment (MONGO_URL, MONGO_DB, KAFKA_BROKERS, PSEUDONYM_KEY,
 * TOPIC_PREFIX, KAFKA_GROUP_ID). Prints progress to stderr and a summary as JSON to stdout.
 */
bootOrExit(`${SERVICE_NAME} rebuild`, async () => {
  const config = loadConfig(rebuildConfigSchema, process.env);
  const logger = createLogger({ service: `${SERVICE_NAME}-rebuild`, level: config.LOG_LEVEL });
  const client = await MongoClient.connect(config.MONGO_URL, {
    appName: `${SERVICE_NAME}-rebuild`,
  });
  try {
    const started = Date.now();
    const result = await rebuildReadModels({
      db: client.db(config.MONGO_DB),
      kafka: createKafkaClient({
        clientId: `${SERVICE_NAME}-rebuild`,
        brokers: config.KAFKA_BROKERS,
        logger,
      }),
      topics: consumedTopics(config.TOPIC_PREFIX),
      pseudonyms: new Pseudonymiser(config.PSEUDONYM_KEY),
      buckets: config.READ_MODEL_BUCKETS,
      groupId: `${config.KAFKA_GROUP_ID}.rebuild.${Date.now()}`,
      onProgress: ({ read, total }) => {
        const seconds = (Date.now() - started) / 1000;
        const pct = total ? ((100 * read) / total).toFixed(1) : '100.0';
        process.stderr.write(
          `rebuild: ${read}/${total} messages (${pct} %), ${Math.round(read / Math.max(seconds, 0.001))} per second\n`,
        );
      },
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await client.close();
  }
});
