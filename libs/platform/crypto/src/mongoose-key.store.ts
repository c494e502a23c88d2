import { Schema, type Connection, type Model } from 'mongoose';
import type { KeyErasure, KeyStore, OrganisationKeyRecord } from './key.store';
import type { WrappedDataKey } from './master-key.ring';

/** Default collection of {@link MongooseKeyStore}. */
export const ORGANISATION_KEYS_COLLECTION = 'organisation_keys';

/** One stored document: `_id` is the organisation id; key fields are absent once erased. */
export interface OrganisationKeyDocument {
  _id: string;
  keyId?: string;
  wrappedKey?: string;
  masterKeyId?: string;
  createdAt: Date;
  erasedAt?: Date;
}

const organisationKeySchema = new Schema<OrganisationKeyDocument>(
  {
    _id: { type: String, required: true },
    keyId: { type: String },
    wrappedKey: { type: String },
    masterKeyId: { type: String },
    createdAt: { type: Date, required: true },
    erasedAt: { type: Date },
  },
  { versionKey: false, strict: 'throw', autoIndex: false },
);

type ActiveRecord = Extract<OrganisationKeyRecord, { status: 'active' }>;

/**
 * {@link KeyStore} in a dedicated collection of the mongoose connection it is given.
 *
 * Give it a connection to a separate key database: in production that database (or a KMS
 * holding the same records) is excluded from the data backups, so erasing an organisation's
 * key makes its data unreadable in restored backups too. Erasure replaces the document with a
 * tombstone `{ _id, createdAt, erasedAt }`.
 */
export class MongooseKeyStore implements KeyStore {
  private readonly model: Model<OrganisationKeyDocument>;

  constructor(connection: Connection, collection: string = ORGANISATION_KEYS_COLLECTION) {
    const name = `TrellisOrganisationKey:${collection}`;
    this.model =
      (connection.models[name] as Model<OrganisationKeyDocument> | undefined) ??
      connection.model<OrganisationKeyDocument>(name, organisationKeySchema, collection);
  }

  async find(organisationId: string): Promise<OrganisationKeyRecord | null> {
    const doc = await this.model.findById(organisationId).lean<OrganisationKeyDocument>().exec();
    return doc ? toRecord(doc) : null;
  }

  async create(
    organisationId: string,
    key: WrappedDataKey,
    createdAt: Date,
  ): Promise<OrganisationKeyRecord> {
    try {
      await this.model.create({ _id: organisationId, ...key, createdAt });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const stored = await this.find(organisationId);
    if (!stored) throw new Error(`the key of organisation ${organisationId} was not stored`);
    return stored;
  }

  async erase(organisationId: string, erasedAt: Date): Promise<KeyErasure> {
    const existing = await this.find(organisationId);
    if (existing?.status === 'erased') {
      return { organisationId, erasedAt: existing.erasedAt, keyRemoved: false };
    }
    await this.model
      .replaceOne(
        { _id: organisationId },
        { _id: organisationId, createdAt: existing?.createdAt ?? erasedAt, erasedAt },
        { upsert: true },
      )
      .exec();
    return { organisationId, erasedAt, keyRemoved: existing !== null };
  }

  async listWrappedNotUnder(
    masterKeyId: string,
    page: { afterOrganisationId?: string; limit: number },
  ): Promise<ActiveRecord[]> {
    const filter = {
      wrappedKey: { $exists: true },
      masterKeyId: { $ne: masterKeyId },
      ...(page.afterOrganisationId === undefined ? {} : { _id: { $gt: page.afterOrganisationId } }),
    };
    const docs = await this.model
      .find(filter)
      .sort({ _id: 1 })
      .limit(page.limit)
      .lean<OrganisationKeyDocument[]>()
      .exec();
    return docs.map(toRecord).filter((r): r is ActiveRecord => r.status === 'active');
  }

  async rewrap(
    organisationId: string,
    expectedMasterKeyId: string,
    key: WrappedDataKey,
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: organisationId, keyId: key.keyId, masterKeyId: expectedMasterKeyId },
        { $set: { wrappedKey: key.wrappedKey, masterKeyId: key.masterKeyId } },
      )
      .exec();
    return result.modifiedCount === 1;
  }
}

function toRecord(doc: OrganisationKeyDocument): OrganisationKeyRecord {
  if (doc.erasedAt) {
    return {
      status: 'erased',
      organisationId: doc._id,
      createdAt: doc.createdAt,
      erasedAt: doc.erasedAt,
    };
  }
  if (!doc.keyId || !doc.wrappedKey || !doc.masterKeyId) {
    throw new Error(`the stored key of organisation ${doc._id} is incomplete`);
  }
  return {
    status: 'active',
    organisationId: doc._id,
    createdAt: doc.createdAt,
    key: { keyId: doc.keyId, wrappedKey: doc.wrappedKey, masterKeyId: doc.masterKeyId },
  };
}

/** MongoDB and FerretDB report a duplicate `_id` on insert as 11000 (FerretDB: code 1 on update). */
function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === 11000 ||
    (code === 1 && typeof message === 'string' && /UNIQUE constraint/.test(message))
  );
}
