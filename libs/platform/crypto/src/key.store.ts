import type { WrappedDataKey } from './master-key.ring';

/**
 * What the key store holds for one organisation: its data key, wrapped under a master key, or
 * after erasure only a tombstone (no key material) so the organisation is never given a new key.
 */
export type OrganisationKeyRecord =
  | { status: 'active'; organisationId: string; key: WrappedDataKey; createdAt: Date }
  | { status: 'erased'; organisationId: string; createdAt: Date; erasedAt: Date };

/** What {@link KeyStore.erase} did. */
export interface KeyErasure {
  organisationId: string;
  erasedAt: Date;
  /** False when there was no key to remove (never used, or erased before). */
  keyRemoved: boolean;
}

/**
 * Storage of wrapped per-organisation data keys.
 *
 * In production this is a separate key database (or a KMS) that is excluded from the data
 * backups, so erasing a key also defeats every restored backup of the data.
 */
export interface KeyStore {
  /** The organisation's record, or null if it never had a key. */
  find(organisationId: string): Promise<OrganisationKeyRecord | null>;
  /**
   * Stores a new data key unless the organisation already has a record; returns the record
   * stored afterwards (another writer's key, or a tombstone, if one was there first).
   */
  create(
    organisationId: string,
    key: WrappedDataKey,
    createdAt: Date,
  ): Promise<OrganisationKeyRecord>;
  /** Removes the key material and keeps a tombstone. Idempotent (the first erasure time stays). */
  erase(organisationId: string, erasedAt: Date): Promise<KeyErasure>;
  /** Active records wrapped under another master key than `masterKeyId`, by organisation id. */
  listWrappedNotUnder(
    masterKeyId: string,
    page: { afterOrganisationId?: string; limit: number },
  ): Promise<Extract<OrganisationKeyRecord, { status: 'active' }>[]>;
  /**
   * Replaces the wrapped key if it is still the same data key wrapped under
   * `expectedMasterKeyId`; returns whether it was replaced.
   */
  rewrap(
    organisationId: string,
    expectedMasterKeyId: string,
    key: WrappedDataKey,
  ): Promise<boolean>;
}

/** A {@link KeyStore} in process memory, for unit tests and tools. */
export class InMemoryKeyStore implements KeyStore {
  private readonly records = new Map<string, OrganisationKeyRecord>();

  find(organisationId: string): Promise<OrganisationKeyRecord | null> {
    const record = this.records.get(organisationId);
    return Promise.resolve(record ? copy(record) : null);
  }

  create(
    organisationId: string,
    key: WrappedDataKey,
    createdAt: Date,
  ): Promise<OrganisationKeyRecord> {
    const existing = this.records.get(organisationId);
    if (!existing) {
      this.records.set(organisationId, {
        status: 'active',
        organisationId,
        key: { ...key },
        createdAt,
      });
    }
    return this.find(organisationId) as Promise<OrganisationKeyRecord>;
  }

  erase(organisationId: string, erasedAt: Date): Promise<KeyErasure> {
    const existing = this.records.get(organisationId);
    if (existing?.status === 'erased') {
      return Promise.resolve({ organisationId, erasedAt: existing.erasedAt, keyRemoved: false });
    }
    this.records.set(organisationId, {
      status: 'erased',
      organisationId,
      createdAt: existing?.createdAt ?? erasedAt,
      erasedAt,
    });
    return Promise.resolve({ organisationId, erasedAt, keyRemoved: existing !== undefined });
  }

  listWrappedNotUnder(
    masterKeyId: string,
    page: { afterOrganisationId?: string; limit: number },
  ): Promise<Extract<OrganisationKeyRecord, { status: 'active' }>[]> {
    const after = page.afterOrganisationId;
    const found = [...this.records.values()]
      .filter((r) => r.status === 'active' && r.key.masterKeyId !== masterKeyId)
      .filter((r) => after === undefined || r.organisationId > after)
      .sort((a, b) => (a.organisationId < b.organisationId ? -1 : 1))
      .slice(0, page.limit)
      .map(copy) as Extract<OrganisationKeyRecord, { status: 'active' }>[];
    return Promise.resolve(found);
  }

  rewrap(
    organisationId: string,
    expectedMasterKeyId: string,
    key: WrappedDataKey,
  ): Promise<boolean> {
    const existing = this.records.get(organisationId);
    if (
      existing?.status !== 'active' ||
      existing.key.masterKeyId !== expectedMasterKeyId ||
      existing.key.keyId !== key.keyId
    ) {
      return Promise.resolve(false);
    }
    this.records.set(organisationId, { ...existing, key: { ...key } });
    return Promise.resolve(true);
  }
}

function copy(record: OrganisationKeyRecord): OrganisationKeyRecord {
  return record.status === 'active'
    ? { ...record, key: { ...record.key }, createdAt: new Date(record.createdAt) }
    : { ...record, createdAt: new Date(record.createdAt), erasedAt: new Date(record.erasedAt) };
}
