import { Schema } from 'mongoose';
import { z } from 'zod';

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64OfBytes = (bytes: number) =>
  z
    .string()
    .regex(base64, 'expected base64')
    .refine((v) => Buffer.from(v, 'base64').length === bytes, `expected ${bytes} bytes`);

/**
 * An encrypted value as stored and sent: AES-256-GCM under the organisation's data key, bound
 * to the organisation id and the field context. Compact and JSON-serialisable.
 *
 * - `v`   format version (1)
 * - `k`   id of the organisation's data key that encrypted it
 * - `iv`  12-byte nonce, base64
 * - `ct`  ciphertext, base64 (empty for an empty string)
 * - `tag` 16-byte GCM authentication tag, base64
 */
export const encryptedFieldSchema = z
  .object({
    v: z.literal(1),
    k: z.string().min(1).max(64),
    iv: base64OfBytes(12),
    ct: z.string().regex(base64, 'expected base64'),
    tag: base64OfBytes(16),
  })
  .strict();

/** See {@link encryptedFieldSchema}. */
export type EncryptedField = z.infer<typeof encryptedFieldSchema>;

/** Whether `value` has the shape of an {@link EncryptedField}. */
export function isEncryptedField(value: unknown): value is EncryptedField {
  return encryptedFieldSchema.safeParse(value).success;
}

/**
 * A mongoose sub-schema for an {@link EncryptedField}, e.g.
 * `new Schema({ name: { type: encryptedFieldSubschema(), required: true } })`.
 * A new instance per call, so parent schemas never share one.
 */
export function encryptedFieldSubschema(): Schema<EncryptedField> {
  return new Schema<EncryptedField>(
    {
      v: { type: Number, required: true, enum: [1] },
      k: { type: String, required: true },
      iv: { type: String, required: true },
      // Required but may be '' (the ciphertext of an empty string).
      ct: {
        type: String,
        required: [
          function (this: EncryptedField) {
            return typeof this.ct !== 'string';
          },
          'ct is required',
        ],
      },
      tag: { type: String, required: true },
    },
    // Unknown keys are dropped, not stored. (Not `strict: 'throw'`: mongoose's cast error would
    // quote the whole offending value, which could carry plaintext into a log.)
    { _id: false, versionKey: false, strict: true },
  );
}
