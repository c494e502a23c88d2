import { createHash, createHmac } from 'node:crypto';

/** Prefix of organisation pseudonyms (`org_` + 24 hex digits = 96 bits of a keyed hash). */
export const ORGANISATION_PSEUDONYM_PREFIX = 'org_';
/** Prefix of engagement pseudonyms (internal document ids, never shown). */
export const ENGAGEMENT_PSEUDONYM_PREFIX = 'eng_';
/** Shortest accepted pseudonym key, in bytes. */
export const MIN_PSEUDONYM_KEY_BYTES = 32;

/**
 * Stable pseudonyms: HMAC-SHA256 of an id under a secret key from configuration
 * (`PSEUDONYM_KEY`). Without the key a pseudonym cannot be linked back to the id, not even by
 * hashing candidate ids. The reporting read models store only pseudonyms, so changing the key
 * means rebuilding them (every pseudonym changes).
 */
export class Pseudonymiser {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length < MIN_PSEUDONYM_KEY_BYTES) {
      throw new RangeError(`a pseudonym key needs at least ${MIN_PSEUDONYM_KEY_BYTES} bytes`);
    }
    this.key = Buffer.from(key);
  }

  /** The organisation's pseudonym, e.g. `org_3f9c0a…` (the only organisation id reports show). */
  organisation(organisationId: string): string {
    return ORGANISATION_PSEUDONYM_PREFIX + this.mac(`organisation\u0000${organisationId}`);
  }

  /** The engagement's pseudonym (document id of its facts; never part of a report). */
  engagement(engagementId: string): string {
    return ENGAGEMENT_PSEUDONYM_PREFIX + this.mac(`engagement\u0000${engagementId}`);
  }

  private mac(input: string): string {
    return createHmac('sha256', this.key).update(input, 'utf8').digest('hex').slice(0, 24);
  }
}

/**
 * The tombstone id of an erased organisation: SHA-256 of its id under a fixed domain prefix.
 * Independent of the pseudonym key, so tombstones survive a key change and a rebuild; it
 * proves nothing about an organisation to whoever does not already know its id.
 */
export function tombstoneOf(organisationId: string): string {
  return createHash('sha256')
    .update(`trellis.reporting.erased-organisation\u0000${organisationId}`, 'utf8')
    .digest('hex');
}

/**
 * The key of a sub-record (session, follow-up, review, ...) inside a facts document: a short
 * hash of its id, so foreign ids are not stored and ids containing `.` cannot break dotted
 * update paths (16 base64url characters = 96 bits).
 */
export function recordKey(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url').slice(0, 16);
}
