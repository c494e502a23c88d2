export {
  mongoUrlForDatabase,
  resolveEndpoints,
  workspaceRoot,
  type InfraEndpoints,
} from './endpoints';
export { isolatedTopic, testRunId, uniqueName } from './isolation';
export { createTestTopics, testKafka, testMongoose } from './servers';
export { testTemporal, timeSkippingEnvironment } from './temporal';
export { TopicWatcher, type ReceivedEvent } from './topic-watcher';
