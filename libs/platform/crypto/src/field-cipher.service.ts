import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { DecryptionError, MasterKeyError, OrganisationErasedError } from './crypto.errors';
import { DataKeyCache, type DataKeyCacheOptions, type UnwrappedDataKey } from './data-key.cache';
import { encryptedFieldSchema, type EncryptedField } from './encrypted-field.schema';
import type { KeyErasure, KeyStore } from './key.store';
import { MasterKeyRing, type MasterKeyConfig } from './master-key.ring';

/** Injection token of the {@link KeyStore} used by {@link FieldCipher}. */
export const KEY_STORE = 'TRELLIS_CRYPTO_KEY_STORE';
/** Injection token of the {@link FieldCipherOptions}. */
export const FIELD_CIPHER_OPTIONS = 'TRELLIS_CRYPTO_FIELD_CIPHER_OPTIONS';

/** Configuration of a {@link FieldCipher}. */
export interface FieldCipherOptions {
  /** Master keys (from configuration) that wrap the per-organisation data keys. */
  masterKeys: MasterKeyConfig | MasterKeyRing;
  /** Bounds of the cache of unwrapped data keys. */
  cache?: DataKeyCacheOptions;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Result of {@link FieldCipher.rewrapKeys}. */
export interface RewrapReport {
  /** Data keys now wrapped under the active master key. */
  rewrapped: number;
  /** Organisations whose key no configured master key opens (left as they were). */
  failed: string[];
}

const IV_BYTES = 12;
const DATA_KEY_BYTES = 32;
const REWRAP_PAGE = 100;

/**
 * Field-level envelope encryption with crypto-shredding.
 *
 * Each organisation has one random AES-256 data key, stored only wrapped under a master key
 * (see {@link MasterKeyRing}, {@link KeyStore}). Values are encrypted with AES-256-GCM under
 * that key, bound (AAD) to the organisation id, the field context (e.g. `organisation.name`)
 * and the data key id, so a value cannot be moved to another organisation or field.
 * {@link eraseOrganisationKey} removes the key: every value ever encrypted for the
 * organisation becomes unreadable, wherever copies of it live.
 *
 * Never logs; error messages carry ids and contexts only.
 */
@Injectable()
export class FieldCipher {
  private readonly ring: MasterKeyRing;
  private readonly cache: DataKeyCache;
  private readonly now: () => Date;
  private readonly loading = new Map<string, Promise<UnwrappedDataKey>>();
  /** Bumped by every erasure so a key loaded concurrently with one is not cached. */
  private erasureEpoch = 0;

  constructor(
    @Inject(KEY_STORE) private readonly keyStore: KeyStore,
    @Inject(FIELD_CIPHER_OPTIONS) options: FieldCipherOptions,
  ) {
    this.ring =
      options.masterKeys instanceof MasterKeyRing
        ? options.masterKeys
        : MasterKeyRing.fromConfig(options.masterKeys);
    this.now = options.now ?? (() => new Date());
    this.cache = new DataKeyCache(options.cache, () => this.now().getTime());
  }

  /**
   * Encrypts `plaintext` for the organisation and field `context`. Creates the organisation's
   * data key on first use; throws {@link OrganisationErasedError} after erasure.
   */
  async encrypt(
    organisationId: string,
    plaintext: string,
    context: string,
  ): Promise<EncryptedField> {
    checkIds(organisationId, context);
    if (typeof plaintext !== 'string') {
      throw new TypeError(`FieldCipher.encrypt(${context}): plaintext must be a string`);
    }
    const { keyId, key } = await this.dataKey(organisationId, 'create', context);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(fieldAad(organisationId, context, keyId));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      v: 1,
      k: keyId,
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  /**
   * Decrypts a value encrypted for this organisation and `context`. Throws
   * {@link OrganisationErasedError} after erasure and {@link DecryptionError} if the value is
   * malformed, altered, or belongs to another organisation or field.
   */
  async decrypt(organisationId: string, field: EncryptedField, context: string): Promise<string> {
    checkIds(organisationId, context);
    const parsed = encryptedFieldSchema.safeParse(field);
    if (!parsed.success) {
      throw new DecryptionError('not an encrypted field (v1)', organisationId, context);
    }
    const { k, iv, ct, tag } = parsed.data;
    const { keyId, key } = await this.dataKey(organisationId, 'existing', context);
    if (k !== keyId) {
      throw new DecryptionError(
        'encrypted under a data key the organisation does not have',
        organisationId,
        context,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(fieldAad(organisationId, context, keyId));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]);
      return plain.toString('utf8');
    } catch (cause) {
      throw new DecryptionError(
        'authentication failed (altered, or encrypted for another organisation or field)',
        organisationId,
        context,
        { cause },
      );
    }
  }

  /** Encrypts any JSON-serialisable value (e.g. a contacts object). */
  async encryptJson(
    organisationId: string,
    value: unknown,
    context: string,
  ): Promise<EncryptedField> {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new TypeError(`FieldCipher.encryptJson(${context}): value is not JSON-serialisable`);
    }
    return this.encrypt(organisationId, json, context);
  }

  /**
   * Decrypts a value written by {@link encryptJson}; with `schema`, the result is validated
   * (a mismatch is a {@link DecryptionError} that does not reveal the content).
   */
  async decryptJson<T = unknown>(
    organisationId: string,
    field: EncryptedField,
    context: string,
    schema?: z.ZodType<T>,
  ): Promise<T> {
    const json = await this.decrypt(organisationId, field, context);
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw new DecryptionError('the decrypted value is not JSON', organisationId, context);
    }
    if (!schema) return value as T;
    const result = schema.safeParse(value);
    if (!result.success) {
      const paths = result.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new DecryptionError(
        `the decrypted value does not match its schema at ${paths}`,
        organisationId,
        context,
      );
    }
    return result.data;
  }

  /**
   * Crypto-shreds the organisation: removes its wrapped data key from the key store (keeping a
   * tombstone, so no new key is ever created for it) and from this process's cache. Every
   * value encrypted for it, including copies in backups, becomes unreadable. Idempotent.
   * Other processes drop their cached copy within the cache TTL, or at once when told through
   * {@link forgetOrganisationKey}.
   */
  async eraseOrganisationKey(organisationId: string): Promise<KeyErasure> {
    checkIds(organisationId, 'erase');
    this.forgetOrganisationKey(organisationId);
    try {
      return await this.keyStore.erase(organisationId, this.now());
    } finally {
      this.forgetOrganisationKey(organisationId);
    }
  }

  /** Drops the organisation's unwrapped key from this process's cache (e.g. on an erasure event). */
  forgetOrganisationKey(organisationId: string): void {
    this.erasureEpoch += 1;
    this.cache.delete(organisationId);
    this.loading.delete(`create\u0000${organisationId}`);
    this.loading.delete(`existing\u0000${organisationId}`);
  }

  /**
   * Master key rotation: re-wraps every data key that is wrapped under an older master key
   * with the active one. Field values are untouched (data keys do not change). Afterwards the
   * old master key can be removed from configuration once `failed` is empty.
   */
  async rewrapKeys(): Promise<RewrapReport> {
    const active = this.ring.activeKeyId;
    const report: RewrapReport = { rewrapped: 0, failed: [] };
    let after: string | undefined;
    for (;;) {
      const page = await this.keyStore.listWrappedNotUnder(active, {
        limit: REWRAP_PAGE,
        ...(after === undefined ? {} : { afterOrganisationId: after }),
      });
      if (page.length === 0) return report;
      for (const record of page) {
        after = record.organisationId;
        let raw: Buffer;
        try {
          raw = this.ring.unwrap(record.organisationId, record.key).export();
        } catch (error) {
          if (!(error instanceof MasterKeyError)) throw error;
          report.failed.push(record.organisationId);
          continue;
        }
        const wrapped = this.ring.wrap(record.organisationId, record.key.keyId, raw);
        raw.fill(0);
        if (await this.keyStore.rewrap(record.organisationId, record.key.masterKeyId, wrapped)) {
          report.rewrapped += 1;
        }
      }
    }
  }

  private async dataKey(
    organisationId: string,
    mode: 'create' | 'existing',
    context: string,
  ): Promise<UnwrappedDataKey> {
    const cached = this.cache.get(organisationId);
    if (cached) return cached;
    const slot = `${mode}\u0000${organisationId}`;
    let pending = this.loading.get(slot);
    if (!pending) {
      const epoch = this.erasureEpoch;
      pending = this.loadDataKey(organisationId, mode, context)
        .then((key) => {
          if (epoch === this.erasureEpoch) this.cache.set(organisationId, key);
          return key;
        })
        .finally(() => {
          if (this.loading.get(slot) === pending) this.loading.delete(slot);
        });
      this.loading.set(slot, pending);
    }
    return pending;
  }

  private async loadDataKey(
    organisationId: string,
    mode: 'create' | 'existing',
    context: string,
  ): Promise<UnwrappedDataKey> {
    let record = await this.keyStore.find(organisationId);
    if (!record) {
      if (mode === 'existing') {
        throw new DecryptionError('the organisation has no data key', organisationId, context);
      }
      const raw = randomBytes(DATA_KEY_BYTES);
      const wrapped = this.ring.wrap(organisationId, randomBytes(9).toString('base64url'), raw);
      raw.fill(0);
      record = await this.keyStore.create(organisationId, wrapped, this.now());
    }
    if (record.status === 'erased') {
      throw new OrganisationErasedError(organisationId, record.erasedAt);
    }
    return { keyId: record.key.keyId, key: this.ring.unwrap(organisationId, record.key) };
  }
}

function fieldAad(organisationId: string, context: string, keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['trellis/field', 1, organisationId, context, keyId]));
}

function checkIds(organisationId: string, context: string): void {
  if (typeof organisationId !== 'string' || organisationId.length === 0) {
    throw new TypeError('FieldCipher: organisationId must be a non-empty string');
  }
  if (typeof context !== 'string' || context.length === 0) {
    throw new TypeError('FieldCipher: context must be a non-empty string');
  }
}
