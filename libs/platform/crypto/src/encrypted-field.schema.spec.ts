import { model, Schema } from 'mongoose';
import {
  encryptedFieldSchema,
  encryptedFieldSubschema,
  isEncryptedField,
} from './encrypted-field.schema';

const valid = {
  v: 1 as const,
  k: 'dk1',
  iv: Buffer.alloc(12, 1).toString('base64'),
  ct: Buffer.from('cipher').toString('base64'),
  tag: Buffer.alloc(16, 2).toString('base64'),
};

describe('EncryptedField', () => {
  it('zod schema accepts the compact form and rejects anything else', () => {
    expect(encryptedFieldSchema.parse(valid)).toEqual(valid);
    expect(isEncryptedField({ ...valid, ct: '' })).toBe(true);
    expect(isEncryptedField({ ...valid, v: 2 })).toBe(false);
    expect(isEncryptedField({ ...valid, k: undefined })).toBe(false);
    expect(isEncryptedField({ ...valid, iv: Buffer.alloc(11).toString('base64') })).toBe(false);
    expect(isEncryptedField({ ...valid, ct: 'plain text' })).toBe(false);
    expect(isEncryptedField({ ...valid, plaintext: 'x' })).toBe(false);
    expect(isEncryptedField('x')).toBe(false);
  });

  it('mongoose sub-schema validates the fields and allows the empty ciphertext', async () => {
    const Doc = model(
      'EncryptedFieldSpecDoc',
      new Schema({ secret: { type: encryptedFieldSubschema(), required: true } }),
    );
    const errorsOf = async (secret: unknown) => {
      const error = await new Doc({ secret })
        .validate()
        .then(() => undefined)
        .catch((e: { errors?: Record<string, unknown> }) => e);
      return Object.keys(error?.errors ?? {});
    };
    expect(await errorsOf(valid)).toEqual([]);
    expect(await errorsOf({ ...valid, ct: '' })).toEqual([]);
    expect(await errorsOf({ ...valid, tag: undefined })).toContain('secret.tag');
    expect(await errorsOf({ ...valid, ct: undefined })).toContain('secret.ct');
    expect(await errorsOf({ ...valid, v: 2 })).toContain('secret.v');
    const withExtra = new Doc({ secret: { ...valid, plaintext: 'leak' } });
    expect(JSON.stringify(withExtra.toObject())).not.toContain('leak');
  });
});
