export {
  ErasureEventsConsumer,
  type ErasureConsumerDeps,
  type ErasureConsumerOptions,
} from './erasure.consumer';
export { ERASURE_EVENT_NAMESPACE, erasureEventId, uuidV5 } from './erasure.ids';
export {
  ErasureRequestConflictError,
  InMemoryErasureLedger,
  type ErasureLedger,
  type ErasureProgress,
  type ErasureReport,
  type ErasureRequest,
} from './erasure.ledger';
export {
  erasureEvent,
  PurgedReportsWatcher,
  sendEvents,
  waitUntilConsumed,
} from './erasure.testing';
export { ERASURE_MODULE_OPTIONS, ErasureModule, type ErasureModuleOptions } from './erasure.module';
export {
  ERASURE_RECORD_MODEL,
  ERASURE_RECORDS_COLLECTION,
  erasureRecordModel,
  erasureRecordSchema,
  MongoErasureLedger,
  type ErasureRecordDocument,
} from './mongo-erasure.ledger';
export {
  OrganisationEraser,
  type ErasureKeys,
  type ErasureOutcome,
  type OrganisationEraserOptions,
} from './organisation-eraser';
export { PublishingErasureLedger } from './publishing-erasure.ledger';
export {
  collectionPurger,
  matchFilter,
  type CollectionMatch,
  type CollectionPurgerSpec,
  type CollectionSource,
  type ErasureScope,
  type RecordPurger,
} from './record.purgers';
