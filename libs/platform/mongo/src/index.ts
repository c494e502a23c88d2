export {
  createMongoConnection,
  databaseName,
  mongoConnectOptions,
  pingMongo,
  type MongoConnectionOptions,
} from './mongo.connection';
export {
  getModelToken,
  InjectConnection,
  InjectModel,
  MONGO_CONNECTION,
  MongoHealth,
  MongoModule,
  type ModelDefinition,
  type MongoModuleAsyncOptions,
} from './mongo.module';
export {
  optimisticConcurrency,
  updateByVersion,
  VERSION_KEY,
  versionedSchemaOptions,
  versionedUpdate,
  versionKeyOf,
} from './mongo.concurrency';
export {
  DataAccessError,
  DuplicateKeyError,
  duplicateKeyIndex,
  InvalidScopeError,
  isDuplicateKeyError,
  mapDuplicateKeyError,
  NotFoundError,
  ScopeViolationError,
  VersionConflictError,
} from './mongo.errors';
export {
  applyScope,
  assertDocumentInScope,
  assertUpdateKeepsScope,
  assertValidScope,
  DataScope,
  scopeFilter,
  type Filter,
  type ScopeFields,
} from './mongo.scope';
export {
  ScopedRepository,
  type FindOptions,
  type ScopedRepositoryOptions,
  type UnscopedAccess,
} from './scoped.repository';
