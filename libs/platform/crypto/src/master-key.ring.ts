import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { MasterKeyError } from './crypto.errors';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_FORMAT = 1;

/**
 * Master keys from configuration: several may be present so data keys wrapped under an older
 * key can still be unwrapped; new data keys are always wrapped under `activeKeyId`.
 */
export interface MasterKeyConfig {
  /** Id of the key that wraps new data keys; must be one of `keys`. */
  activeKeyId: string;
  /** Key id → 32 random bytes, base64 (standard or URL-safe alphabet). */
  keys: Record<string, string>;
}

const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** zod schema of {@link MasterKeyConfig}; error messages name the key id, never the key. */
export const masterKeyConfigSchema = z
  .object({
    activeKeyId: z.string().regex(keyIdPattern, 'expected a key id of [A-Za-z0-9._-]'),
    keys: z.record(
      z.string().regex(keyIdPattern, 'expected a key id of [A-Za-z0-9._-]'),
      z
        .string()
        .trim()
        .refine(
          (v) => base64Pattern.test(v) && Buffer.from(v, 'base64').length === KEY_BYTES,
          `expected ${KEY_BYTES} bytes encoded as base64`,
        ),
    ),
  })
  .refine((c) => Object.hasOwn(c.keys, c.activeKeyId), {
    message: 'the active master key id is not among the configured keys',
    path: ['activeKeyId'],
  });

/**
 * Parses the compact environment form `kid1:BASE64,kid2:BASE64` (e.g. `TRELLIS_MASTER_KEYS`)
 * into the `keys` record of {@link MasterKeyConfig}.
 */
export function parseMasterKeyList(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new MasterKeyError('expected master keys as kid:base64[,kid:base64...]');
    }
    const kid = entry.slice(0, colon).trim();
    if (Object.hasOwn(keys, kid)) {
      throw new MasterKeyError(`master key id "${kid}" is given twice`);
    }
    keys[kid] = entry.slice(colon + 1).trim();
  }
  return keys;
}

/** A new random 32-byte master key, base64 (for set-up scripts, demos and tests). */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** Where and under which master key a data key is stored wrapped. */
export interface WrappedDataKey {
  /** Id of the data key; bound into the wrapping and into every field it encrypts. */
  keyId: string;
  /** base64 of `format(1) | iv(12) | tag(16) | ciphertext(32)`. */
  wrappedKey: string;
  /** Id of the master key that wrapped it. */
  masterKeyId: string;
}

/**
 * Wraps and unwraps per-organisation data keys with AES-256-GCM under the configured master
 * keys. The wrapping is bound (AAD) to the organisation, the data key id and the master key id,
 * so a wrapped key copied to another organisation's record does not unwrap.
 */
export class MasterKeyRing {
  private constructor(
    private readonly keys: ReadonlyMap<string, KeyObject>,
    /** Id of the master key that wraps new data keys. */
    readonly activeKeyId: string,
  ) {}

  /** Validates the configuration (32-byte keys, active key present) and loads the keys. */
  static fromConfig(config: MasterKeyConfig): MasterKeyRing {
    const parsed = masterKeyConfigSchema.safeParse(config);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${['masterKeys', ...i.path.map(String)].join('.')}: ${i.message}`)
        .join('; ');
      throw new MasterKeyError(`invalid master key configuration: ${problems}`);
    }
    const keys = new Map<string, KeyObject>();
    for (const [kid, value] of Object.entries(parsed.data.keys)) {
      const bytes = Buffer.from(value, 'base64');
      keys.set(kid, createSecretKey(bytes));
      bytes.fill(0);
    }
    return new MasterKeyRing(keys, parsed.data.activeKeyId);
  }

  /** Ids of every configured master key. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** Whether a master key with this id is configured. */
  has(masterKeyId: string): boolean {
    return this.keys.has(masterKeyId);
  }

  /** Wraps `dataKey` (32 bytes) under the active master key. */
  wrap(organisationId: string, keyId: string, dataKey: Buffer): WrappedDataKey {
    if (dataKey.length !== KEY_BYTES) {
      throw new MasterKeyError(`a data key must be ${KEY_BYTES} bytes`);
    }
    const masterKeyId = this.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(masterKeyId), iv);
    cipher.setAAD(wrapAad(organisationId, keyId, masterKeyId));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    const wrapped = Buffer.concat([Buffer.of(WRAP_FORMAT), iv, cipher.getAuthTag(), ct]);
    return { keyId, masterKeyId, wrappedKey: wrapped.toString('base64') };
  }

  /** Unwraps a stored data key; throws {@link MasterKeyError} if no configured key opens it. */
  unwrap(organisationId: string, wrapped: WrappedDataKey): KeyObject {
    const { keyId, masterKeyId } = wrapped;
    const bytes = Buffer.from(wrapped.wrappedKey, 'base64');
    if (bytes.length !== 1 + IV_BYTES + TAG_BYTES + KEY_BYTES || bytes[0] !== WRAP_FORMAT) {
      throw new MasterKeyError(
        `the stored data key of organisation ${organisationId} is malformed`,
      );
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const ct = bytes.subarray(1 + IV_BYTES + TAG_BYTES);
    let dataKey: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key(masterKeyId), iv);
      decipher.setAAD(wrapAad(organisationId, keyId, masterKeyId));
      decipher.setAuthTag(tag);
      dataKey = Buffer.concat([decipher.update(ct), decipher.final()]);
    } catch (cause) {
      if (cause instanceof MasterKeyError) throw cause;
      throw new MasterKeyError(
        `the data key of organisation ${organisationId} does not unwrap with master key ` +
          `"${masterKeyId}" (wrong master key, or the stored key was altered)`,
        { cause },
      );
    }
    const key = createSecretKey(dataKey);
    dataKey.fill(0);
    return key;
  }

  private key(masterKeyId: string): KeyObject {
    const key = this.keys.get(masterKeyId);
    if (!key) {
      throw new MasterKeyError(
        `master key "${masterKeyId}" is not configured (configured: ${this.keyIds.join(', ')})`,
      );
    }
    return key;
  }
}

function wrapAad(organisationId: string, keyId: string, masterKeyId: string): Buffer {
  return Buffer.from(JSON.stringify(['trellis/data-key', 1, organisationId, keyId, masterKeyId]));
}
