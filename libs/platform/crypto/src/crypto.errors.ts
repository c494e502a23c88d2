/**
 * Errors of field-level encryption. Messages name organisation ids, contexts and key ids only;
 * never key material or plaintext.
 */
export abstract class CryptoError extends Error {
  /** Stable machine-readable code, e.g. for mapping to an HTTP status. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The organisation's data key was erased (crypto-shredded): its encrypted fields can no longer
 * be read and nothing new may be encrypted for it.
 */
export class OrganisationErasedError extends CryptoError {
  readonly code = 'ORGANISATION_ERASED';

  constructor(
    readonly organisationId: string,
    readonly erasedAt?: Date,
  ) {
    super(
      `the data key of organisation ${organisationId} was erased` +
        (erasedAt ? ` at ${erasedAt.toISOString()}` : '') +
        '; its encrypted data is unreadable',
    );
  }
}

/**
 * An encrypted value could not be decrypted: malformed, tampered with, moved to another
 * organisation or field, or there is no data key for the organisation.
 */
export class DecryptionError extends CryptoError {
  readonly code = 'DECRYPTION_FAILED';

  constructor(
    message: string,
    readonly organisationId: string,
    readonly context: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot decrypt ${context} of organisation ${organisationId}: ${message}`, options);
  }
}

/**
 * The master key configuration is invalid, or a wrapped data key could not be unwrapped with
 * the configured master keys (unknown key id, or the wrong key under a known id).
 */
export class MasterKeyError extends CryptoError {
  readonly code = 'MASTER_KEY';
}
