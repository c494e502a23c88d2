import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { DecryptionError, MasterKeyError, OrganisationErasedError } from './crypto.errors';
import { CryptoModule } from './crypto.module';
import {
  encryptedFieldSchema,
  isEncryptedField,
  type EncryptedField,
} from './encrypted-field.schema';
import { FieldCipher } from './field-cipher.service';
import { InMemoryKeyStore, type KeyStore } from './key.store';
import { generateMasterKey, type MasterKeyConfig } from './master-key.ring';

const K1 = generateMasterKey();
const K2 = generateMasterKey();
const onlyK1: MasterKeyConfig = { activeKeyId: 'k1', keys: { k1: K1 } };

/** Counts key store reads, to observe the cache. */
class CountingKeyStore extends InMemoryKeyStore {
  finds = 0;
  creates = 0;
  override find(organisationId: string) {
    this.finds += 1;
    return super.find(organisationId);
  }
  override create(...args: Parameters<KeyStore['create']>) {
    this.creates += 1;
    return super.create(...args);
  }
}

function tamper(field: EncryptedField, part: 'iv' | 'ct' | 'tag'): EncryptedField {
  const bytes = Buffer.from(field[part], 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return { ...field, [part]: bytes.toString('base64') };
}

describe('FieldCipher', () => {
  let store: CountingKeyStore;
  let cipher: FieldCipher;

  beforeEach(() => {
    store = new CountingKeyStore();
    cipher = new FieldCipher(store, { masterKeys: onlyK1 });
  });

  it('round-trips text, including empty and non-ASCII strings', async () => {
    for (const text of ['Comité de Defensa — Ñuble', '', 'x'.repeat(10_000), '🛡️ 保护']) {
      const field = await cipher.encrypt('org-a', text, 'organisation.name');
      expect(await cipher.decrypt('org-a', field, 'organisation.name')).toBe(text);
    }
  });

  it('produces a compact JSON-serialisable value that does not contain the plaintext', async () => {
    const field = await cipher.encrypt('org-a', 'Asociación Tierra Viva', 'organisation.name');
    expect(Object.keys(field).sort()).toEqual(['ct', 'iv', 'k', 'tag', 'v']);
    expect(encryptedFieldSchema.parse(field)).toEqual(field);
    expect(isEncryptedField(field)).toBe(true);
    const serialised = JSON.stringify(field);
    expect(serialised).not.toContain('Tierra');
    expect(serialised).not.toContain(Buffer.from('Asociación Tierra Viva').toString('base64'));
    const restored = JSON.parse(serialised) as EncryptedField;
    expect(await cipher.decrypt('org-a', restored, 'organisation.name')).toBe(
      'Asociación Tierra Viva',
    );
  });

  it('uses a fresh nonce for every encryption', async () => {
    const a = await cipher.encrypt('org-a', 'same', 'organisation.name');
    const b = await cipher.encrypt('org-a', 'same', 'organisation.name');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('gives each organisation its own data key', async () => {
    const a = await cipher.encrypt('org-a', 'v', 'f');
    const b = await cipher.encrypt('org-b', 'v', 'f');
    expect(a.k).not.toBe(b.k);
    const [recordA, recordB] = await Promise.all([store.find('org-a'), store.find('org-b')]);
    expect(recordA?.status).toBe('active');
    expect(recordB?.status).toBe('active');
  });

  it('binds a value to its organisation: moving it to another organisation fails', async () => {
    const field = await cipher.encrypt('org-a', 'secret', 'organisation.name');
    await cipher.encrypt('org-b', 'other', 'organisation.name');
    await expect(cipher.decrypt('org-b', field, 'organisation.name')).rejects.toBeInstanceOf(
      DecryptionError,
    );
    // Even with the victim organisation's key id forged into the value.
    const bKey = (await cipher.encrypt('org-b', 'x', 'organisation.name')).k;
    await expect(
      cipher.decrypt('org-b', { ...field, k: bKey }, 'organisation.name'),
    ).rejects.toBeInstanceOf(DecryptionError);
  });

  it('binds a value to its field context: moving it to another field fails', async () => {
    const field = await cipher.encrypt('org-a', 'Calle 5, Bogotá', 'organisation.address');
    await expect(cipher.decrypt('org-a', field, 'organisation.name')).rejects.toThrow(
      /cannot decrypt organisation\.name of organisation org-a: authentication failed/,
    );
  });

  it.each(['iv', 'ct', 'tag'] as const)('detects a tampered %s', async (part) => {
    const field = await cipher.encrypt('org-a', 'threat narrative', 'threat.facts');
    const error = await cipher
      .decrypt('org-a', tamper(field, part), 'threat.facts')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).code).toBe('DECRYPTION_FAILED');
    expect(String((error as Error).message)).not.toContain('threat narrative');
  });

  it('rejects malformed values and unknown versions as DecryptionError', async () => {
    const field = await cipher.encrypt('org-a', 'x', 'f');
    for (const bad of [
      { ...field, v: 2 },
      { ...field, iv: 'not base64!' },
      { ...field, tag: Buffer.alloc(8).toString('base64') },
      { ...field, extra: 1 },
      null,
      'plaintext',
    ]) {
      await expect(cipher.decrypt('org-a', bad as EncryptedField, 'f')).rejects.toBeInstanceOf(
        DecryptionError,
      );
    }
  });

  it('refuses to decrypt for an organisation that never had a key', async () => {
    const field = await cipher.encrypt('org-a', 'x', 'f');
    await expect(cipher.decrypt('org-unknown', field, 'f')).rejects.toThrow(
      /org-unknown: the organisation has no data key/,
    );
    expect(await store.find('org-unknown')).toBeNull();
  });

  it('encrypts and decrypts JSON values, validating them with a schema', async () => {
    const contacts = { email: 'info@example.org', phones: ['+57 1 555 0100'] };
    const field = await cipher.encryptJson('org-a', contacts, 'organisation.contacts');
    expect(await cipher.decryptJson('org-a', field, 'organisation.contacts')).toEqual(contacts);
    const schema = z.object({ email: z.string(), phones: z.array(z.string()) });
    const typed = await cipher.decryptJson('org-a', field, 'organisation.contacts', schema);
    expect(typed.phones).toEqual(['+57 1 555 0100']);
    const wrongSchema = z.object({ email: z.number() });
    const error = await cipher
      .decryptJson('org-a', field, 'organisation.contacts', wrongSchema)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as Error).message).toMatch(/does not match its schema at email/);
    expect((error as Error).message).not.toContain('info@example.org');
    await expect(cipher.encryptJson('org-a', undefined, 'f')).rejects.toThrow(TypeError);
  });

  it('creates exactly one data key when many first encryptions run at once', async () => {
    const fields = await Promise.all(
      Array.from({ length: 20 }, (_, i) => cipher.encrypt('org-new', `v${i}`, 'f')),
    );
    expect(new Set(fields.map((f) => f.k)).size).toBe(1);
    expect(store.creates).toBe(1);
    // Two separate ciphers (two processes) racing: the store keeps the first key.
    const other = new FieldCipher(store, { masterKeys: onlyK1 });
    const [x, y] = await Promise.all([
      cipher.encrypt('org-race', 'x', 'f'),
      other.encrypt('org-race', 'y', 'f'),
    ]);
    expect(await other.decrypt('org-race', x, 'f')).toBe('x');
    expect(await cipher.decrypt('org-race', y, 'f')).toBe('y');
  });

  describe('key cache', () => {
    it('reuses unwrapped keys instead of reading the store each time', async () => {
      const field = await cipher.encrypt('org-a', 'x', 'f');
      const reads = store.finds;
      for (let i = 0; i < 5; i++) await cipher.decrypt('org-a', field, 'f');
      expect(store.finds).toBe(reads);
    });

    it('is bounded: the least recently used key is dropped', async () => {
      const small = new FieldCipher(store, { masterKeys: onlyK1, cache: { maxEntries: 2 } });
      const a = await small.encrypt('org-a', 'a', 'f');
      await small.encrypt('org-b', 'b', 'f');
      await small.encrypt('org-c', 'c', 'f'); // evicts org-a
      const reads = store.finds;
      expect(await small.decrypt('org-a', a, 'f')).toBe('a');
      expect(store.finds).toBe(reads + 1);
    });

    it('expires entries after the TTL', async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const timed = new FieldCipher(store, {
        masterKeys: onlyK1,
        cache: { ttlMs: 1000 },
        now: () => new Date(now),
      });
      const field = await timed.encrypt('org-a', 'a', 'f');
      const reads = store.finds;
      await timed.decrypt('org-a', field, 'f');
      expect(store.finds).toBe(reads);
      now += 1001;
      await timed.decrypt('org-a', field, 'f');
      expect(store.finds).toBe(reads + 1);
    });
  });

  describe('crypto-shredding', () => {
    it('makes every value of the organisation unreadable and refuses new encryption', async () => {
      const name = await cipher.encrypt('org-a', 'Defensoras del Río', 'organisation.name');
      const other = await cipher.encrypt('org-b', 'Other org', 'organisation.name');
      const erasure = await cipher.eraseOrganisationKey('org-a');
      expect(erasure).toMatchObject({ organisationId: 'org-a', keyRemoved: true });

      const error = await cipher
        .decrypt('org-a', name, 'organisation.name')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OrganisationErasedError);
      expect((error as OrganisationErasedError).code).toBe('ORGANISATION_ERASED');
      await expect(cipher.encrypt('org-a', 'new', 'organisation.name')).rejects.toBeInstanceOf(
        OrganisationErasedError,
      );
      expect(await store.find('org-a')).toEqual({
        status: 'erased',
        organisationId: 'org-a',
        createdAt: expect.any(Date) as Date,
        erasedAt: erasure.erasedAt,
      });
      // A fresh cipher with the same master key cannot read it either.
      const fresh = new FieldCipher(store, { masterKeys: onlyK1 });
      await expect(fresh.decrypt('org-a', name, 'organisation.name')).rejects.toBeInstanceOf(
        OrganisationErasedError,
      );
      expect(await fresh.decrypt('org-b', other, 'organisation.name')).toBe('Other org');
    });

    it('is idempotent and keeps the first erasure time', async () => {
      let now = Date.parse('2026-03-01T10:00:00Z');
      const timed = new FieldCipher(store, { masterKeys: onlyK1, now: () => new Date(now) });
      await timed.encrypt('org-a', 'x', 'f');
      const first = await timed.eraseOrganisationKey('org-a');
      now += 60_000;
      const second = await timed.eraseOrganisationKey('org-a');
      expect(second).toEqual({
        organisationId: 'org-a',
        erasedAt: first.erasedAt,
        keyRemoved: false,
      });
    });

    it('leaves a tombstone for an organisation that never had a key', async () => {
      const erasure = await cipher.eraseOrganisationKey('org-never');
      expect(erasure.keyRemoved).toBe(false);
      await expect(cipher.encrypt('org-never', 'x', 'f')).rejects.toBeInstanceOf(
        OrganisationErasedError,
      );
    });

    it('does not cache a key that was being loaded while the organisation was erased', async () => {
      const field = await cipher.encrypt('org-a', 'x', 'f');
      const fresh = new FieldCipher(store, { masterKeys: onlyK1 });
      const loading = fresh.decrypt('org-a', field, 'f'); // load starts before the erasure
      await fresh.eraseOrganisationKey('org-a');
      await loading.catch(() => undefined);
      await expect(fresh.decrypt('org-a', field, 'f')).rejects.toBeInstanceOf(
        OrganisationErasedError,
      );
    });

    it('forgetOrganisationKey drops a key another process erased', async () => {
      const field = await cipher.encrypt('org-a', 'x', 'f');
      const elsewhere = new FieldCipher(store, { masterKeys: onlyK1 });
      await elsewhere.eraseOrganisationKey('org-a');
      expect(await cipher.decrypt('org-a', field, 'f')).toBe('x'); // still cached here
      cipher.forgetOrganisationKey('org-a');
      await expect(cipher.decrypt('org-a', field, 'f')).rejects.toBeInstanceOf(
        OrganisationErasedError,
      );
    });
  });

  describe('master keys', () => {
    it('rotates: old data keys still unwrap, new ones are wrapped under the active key', async () => {
      const before = await cipher.encrypt('org-a', 'written under k1', 'f');

      const rotated = new FieldCipher(store, {
        masterKeys: { activeKeyId: 'k2', keys: { k1: K1, k2: K2 } },
      });
      expect(await rotated.decrypt('org-a', before, 'f')).toBe('written under k1');
      const after = await rotated.encrypt('org-b', 'written under k2', 'f');
      const recordB = await store.find('org-b');
      expect(recordB?.status === 'active' && recordB.key.masterKeyId).toBe('k2');

      // k1 alone cannot open org-b's key.
      const k1Only = new FieldCipher(store, { masterKeys: onlyK1 });
      await expect(k1Only.decrypt('org-b', after, 'f')).rejects.toThrow(
        /master key "k2" is not configured/,
      );

      // Re-wrap everything under k2; then k1 can be retired.
      expect(await rotated.rewrapKeys()).toEqual({ rewrapped: 1, failed: [] });
      expect(await rotated.rewrapKeys()).toEqual({ rewrapped: 0, failed: [] });
      const k2Only = new FieldCipher(store, {
        masterKeys: { activeKeyId: 'k2', keys: { k2: K2 } },
      });
      expect(await k2Only.decrypt('org-a', before, 'f')).toBe('written under k1');
      expect(await k2Only.decrypt('org-b', after, 'f')).toBe('written under k2');
    });

    it('reports keys no configured master key opens instead of failing the rotation', async () => {
      await cipher.encrypt('org-a', 'x', 'f');
      const wrongK1 = new FieldCipher(store, {
        masterKeys: { activeKeyId: 'k2', keys: { k1: generateMasterKey(), k2: K2 } },
      });
      expect(await wrongK1.rewrapKeys()).toEqual({ rewrapped: 0, failed: ['org-a'] });
    });

    it('fails with MasterKeyError when the master key under the same id is wrong', async () => {
      const field = await cipher.encrypt('org-a', 'x', 'f');
      const impostor = new FieldCipher(store, {
        masterKeys: { activeKeyId: 'k1', keys: { k1: generateMasterKey() } },
      });
      const error = await impostor.decrypt('org-a', field, 'f').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MasterKeyError);
      expect((error as Error).message).toMatch(/does not unwrap with master key "k1"/);
      expect((error as Error).message).not.toContain(K1);
    });
  });

  it('checks its arguments', async () => {
    await expect(cipher.encrypt('', 'x', 'f')).rejects.toThrow(TypeError);
    await expect(cipher.encrypt('org-a', 'x', '')).rejects.toThrow(TypeError);
    await expect(cipher.encrypt('org-a', 42 as unknown as string, 'f')).rejects.toThrow(
      /plaintext must be a string/,
    );
  });
});

describe('CryptoModule', () => {
  it('provides an injectable FieldCipher wired to the given key store', async () => {
    const keyStore = new InMemoryKeyStore();
    const moduleRef = await Test.createTestingModule({
      imports: [CryptoModule.forRoot({ masterKeys: onlyK1, keyStore })],
    }).compile();
    const cipher = moduleRef.get(FieldCipher);
    const field = await cipher.encrypt('org-a', 'hello', 'f');
    expect(await cipher.decrypt('org-a', field, 'f')).toBe('hello');
    expect((await keyStore.find('org-a'))?.status).toBe('active');
    await moduleRef.close();
  });

  it('accepts options from a factory', async () => {
    const keyStore = new InMemoryKeyStore();
    const moduleRef = await Test.createTestingModule({
      imports: [
        CryptoModule.forRootAsync({
          useFactory: () => Promise.resolve({ masterKeys: onlyK1, keyStore }),
        }),
      ],
    }).compile();
    const field = await moduleRef.get(FieldCipher).encrypt('org-a', 'hello', 'f');
    expect(field.v).toBe(1);
    await moduleRef.close();
  });
});
