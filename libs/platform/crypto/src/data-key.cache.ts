import type { KeyObject } from 'node:crypto';

/** An unwrapped data key, held as a KeyObject (not a readable buffer). */
export interface UnwrappedDataKey {
  keyId: string;
  key: KeyObject;
}

/** Limits of the in-memory cache of unwrapped data keys. */
export interface DataKeyCacheOptions {
  /** Most organisations whose keys are held at once (least recently used go first). Default 1000. */
  maxEntries?: number;
  /**
   * How long an unwrapped key is kept, in ms. Default 5 minutes. Bounds how long another
   * process keeps using a key after it was erased elsewhere (unless told through
   * `FieldCipher.forgetOrganisationKey`).
   */
  ttlMs?: number;
}

/** A bounded LRU cache with expiry, keyed by organisation id. */
export class DataKeyCache {
  private readonly entries = new Map<string, { value: UnwrappedDataKey; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(
    options: DataKeyCacheOptions = {},
    private readonly clock: () => number = Date.now,
  ) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 0) {
      throw new RangeError('cache.maxEntries must be a whole number >= 0');
    }
    if (!(this.ttlMs >= 0)) throw new RangeError('cache.ttlMs must be >= 0');
  }

  get size(): number {
    return this.entries.size;
  }

  get(organisationId: string): UnwrappedDataKey | undefined {
    const entry = this.entries.get(organisationId);
    if (!entry) return undefined;
    this.entries.delete(organisationId);
    if (entry.expiresAt <= this.clock()) return undefined;
    this.entries.set(organisationId, entry);
    return entry.value;
  }

  set(organisationId: string, value: UnwrappedDataKey): void {
    if (this.maxEntries === 0 || this.ttlMs === 0) return;
    this.entries.delete(organisationId);
    this.entries.set(organisationId, { value, expiresAt: this.clock() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(organisationId: string): void {
    this.entries.delete(organisationId);
  }

  clear(): void {
    this.entries.clear();
  }
}
