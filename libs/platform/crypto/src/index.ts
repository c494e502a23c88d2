export {
  CryptoError,
  DecryptionError,
  MasterKeyError,
  OrganisationErasedError,
} from './crypto.errors';
export { CryptoModule, type CryptoModuleOptions } from './crypto.module';
export type { DataKeyCacheOptions } from './data-key.cache';
export {
  encryptedFieldSchema,
  encryptedFieldSubschema,
  isEncryptedField,
  type EncryptedField,
} from './encrypted-field.schema';
export {
  FIELD_CIPHER_OPTIONS,
  FieldCipher,
  KEY_STORE,
  type FieldCipherOptions,
  type RewrapReport,
} from './field-cipher.service';
export {
  InMemoryKeyStore,
  type KeyErasure,
  type KeyStore,
  type OrganisationKeyRecord,
} from './key.store';
export {
  generateMasterKey,
  MasterKeyRing,
  masterKeyConfigSchema,
  parseMasterKeyList,
  type MasterKeyConfig,
  type WrappedDataKey,
} from './master-key.ring';
export {
  MongooseKeyStore,
  ORGANISATION_KEYS_COLLECTION,
  type OrganisationKeyDocument,
} from './mongoose-key.store';
