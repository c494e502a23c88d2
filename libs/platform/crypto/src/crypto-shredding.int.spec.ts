import { testMongoose } from '@trellis/testing';
import { Schema, type Connection, type Model } from 'mongoose';
import { OrganisationErasedError } from './crypto.errors';
import { encryptedFieldSubschema, type EncryptedField } from './encrypted-field.schema';
import { FieldCipher } from './field-cipher.service';
import { generateMasterKey, MasterKeyRing, type MasterKeyConfig } from './master-key.ring';
import { MongooseKeyStore, ORGANISATION_KEYS_COLLECTION } from './mongoose-key.store';

/** A document like the engagement service's organisations, with encrypted fields. */
interface OrganisationDoc {
  _id: string;
  country: string;
  name: EncryptedField;
  contacts: EncryptedField;
  notes: { at: Date; text: EncryptedField }[];
}

const organisationSchema = new Schema<OrganisationDoc>(
  {
    _id: { type: String, required: true },
    country: { type: String, required: true },
    name: { type: encryptedFieldSubschema(), required: true },
    contacts: { type: encryptedFieldSubschema(), required: true },
    notes: [
      new Schema(
        {
          at: { type: Date, required: true },
          text: { type: encryptedFieldSubschema(), required: true },
        },
        { _id: false },
      ),
    ],
  },
  { versionKey: false },
);

const plain = {
  'org-a': {
    name: 'Colectivo de Abogadas Tierra Libre',
    contacts: { email: 'contacto@tierralibre.example', phone: '+57 300 555 0199' },
    note: 'Threats after the land restitution hearing in Montes de María',
  },
  'org-b': {
    name: 'Rainbow Rights Kampala',
    contacts: { email: 'safe@rrk.example', phone: '+256 700 555 010' },
    note: 'Office break-in; laptops taken',
  },
} as const;
type OrgId = keyof typeof plain;

function rawDb(connection: Connection) {
  const db = connection.db;
  if (!db) throw new Error('connection has no database handle');
  return db;
}

describe('crypto-shredding on the stored documents (FerretDB/MongoDB)', () => {
  let env: Awaited<ReturnType<typeof testMongoose>>;
  let masterKeys: MasterKeyConfig;
  let cipher: FieldCipher;
  let Organisation: Model<OrganisationDoc>;

  beforeAll(async () => {
    env = await testMongoose('crypto');
    masterKeys = { activeKeyId: 'mk-2026', keys: { 'mk-2026': generateMasterKey() } };
    cipher = new FieldCipher(new MongooseKeyStore(env.connection), { masterKeys });
    Organisation = env.connection.model<OrganisationDoc>('Organisation', organisationSchema);
    for (const id of Object.keys(plain) as OrgId[]) {
      const p = plain[id];
      await Organisation.create({
        _id: id,
        country: id === 'org-a' ? 'CO' : 'UG',
        name: await cipher.encrypt(id, p.name, 'organisation.name'),
        contacts: await cipher.encryptJson(id, p.contacts, 'organisation.contacts'),
        notes: [
          { at: new Date(), text: await cipher.encrypt(id, p.note, 'organisation.notes.text') },
        ],
      });
    }
  });

  afterAll(async () => {
    await env?.dispose();
  });

  async function readBack(reader: FieldCipher, id: OrgId) {
    const doc = await Organisation.findById(id).lean<OrganisationDoc>().orFail().exec();
    return {
      name: await reader.decrypt(id, doc.name, 'organisation.name'),
      contacts: await reader.decryptJson(id, doc.contacts, 'organisation.contacts'),
      note: await reader.decrypt(id, doc.notes[0].text, 'organisation.notes.text'),
    };
  }

  function secretsOf(id: OrgId): string[] {
    const p = plain[id];
    const values = [p.name, p.note, p.contacts.email, p.contacts.phone, JSON.stringify(p.contacts)];
    // Also no trivially encoded copies.
    return values.flatMap((v) => [
      v,
      Buffer.from(v).toString('base64'),
      Buffer.from(v).toString('hex'),
    ]);
  }

  it('stores no plaintext: the raw documents hold only ciphertext', async () => {
    const raw = await rawDb(env.connection).collection('organisations').find().toArray();
    expect(raw).toHaveLength(2);
    const dump = JSON.stringify(raw);
    for (const secret of [...secretsOf('org-a'), ...secretsOf('org-b')]) {
      expect(dump).not.toContain(secret);
    }
    for (const doc of raw) {
      expect(Object.keys(doc['name'] as object).sort()).toEqual(['ct', 'iv', 'k', 'tag', 'v']);
    }
    // The key store holds wrapped keys only, under the configured master key id.
    const keys = await rawDb(env.connection)
      .collection(ORGANISATION_KEYS_COLLECTION)
      .find()
      .sort({ _id: 1 })
      .toArray();
    expect(
      keys.map((k): unknown[] => [k['_id'], k['masterKeyId'], typeof k['wrappedKey']]),
    ).toEqual([
      ['org-a', 'mk-2026', 'string'],
      ['org-b', 'mk-2026', 'string'],
    ]);
  });

  it('reads the values back through mongoose', async () => {
    expect(await readBack(cipher, 'org-a')).toEqual(plain['org-a']);
    expect(await readBack(cipher, 'org-b')).toEqual(plain['org-b']);
  });

  it('erasing an organisation key makes its stored data unreadable, and only its data', async () => {
    const before = await rawDb(env.connection)
      .collection('organisations')
      .find()
      .sort({ _id: 1 })
      .toArray();

    const erasure = await cipher.eraseOrganisationKey('org-a');
    expect(erasure).toMatchObject({ organisationId: 'org-a', keyRemoved: true });

    // The data documents are untouched: nothing had to be found and rewritten.
    const after = await rawDb(env.connection)
      .collection('organisations')
      .find()
      .sort({ _id: 1 })
      .toArray();
    expect(after).toEqual(before);

    // Only a tombstone is left of the key: no key material at all.
    const tombstone = await rawDb(env.connection)
      .collection(ORGANISATION_KEYS_COLLECTION)
      .findOne({ _id: 'org-a' as never });
    expect(Object.keys(tombstone ?? {}).sort()).toEqual(['_id', 'createdAt', 'erasedAt']);

    // A fresh cipher with the same master key, on a new key-store instance, cannot read it.
    const fresh = new FieldCipher(new MongooseKeyStore(env.connection), {
      masterKeys: MasterKeyRing.fromConfig(masterKeys),
    });
    for (const reader of [cipher, fresh]) {
      await expect(readBack(reader, 'org-a')).rejects.toBeInstanceOf(OrganisationErasedError);
      // ... and nothing new is encrypted for the erased organisation.
      await expect(reader.encrypt('org-a', 'new', 'organisation.name')).rejects.toBeInstanceOf(
        OrganisationErasedError,
      );
      // The other organisation is unaffected.
      expect(await readBack(reader, 'org-b')).toEqual(plain['org-b']);
    }

    // Erasing again changes nothing and reports the first erasure.
    expect(await fresh.eraseOrganisationKey('org-a')).toEqual({
      organisationId: 'org-a',
      erasedAt: erasure.erasedAt,
      keyRemoved: false,
    });
  });

  it('creates one key per organisation when two processes race for the first encryption', async () => {
    const store = () => new MongooseKeyStore(env.connection);
    const one = new FieldCipher(store(), { masterKeys });
    const two = new FieldCipher(store(), { masterKeys });
    const [x, y] = await Promise.all([
      one.encrypt('org-race', 'from one', 'f'),
      two.encrypt('org-race', 'from two', 'f'),
    ]);
    expect(x.k).toBe(y.k);
    expect(await two.decrypt('org-race', x, 'f')).toBe('from one');
    expect(await one.decrypt('org-race', y, 'f')).toBe('from two');
  });

  it('rotates the master key by re-wrapping stored data keys', async () => {
    const oldKey = masterKeys.keys['mk-2026'];
    const newKey = generateMasterKey();
    const value = await cipher.encrypt('org-b', 'still readable', 'f');
    const rotating = new FieldCipher(new MongooseKeyStore(env.connection), {
      masterKeys: { activeKeyId: 'mk-2027', keys: { 'mk-2026': oldKey, 'mk-2027': newKey } },
    });
    const report = await rotating.rewrapKeys();
    expect(report.failed).toEqual([]);
    expect(report.rewrapped).toBe(2); // org-b and org-race; org-a has no key any more
    const newOnly = new FieldCipher(new MongooseKeyStore(env.connection), {
      masterKeys: { activeKeyId: 'mk-2027', keys: { 'mk-2027': newKey } },
    });
    expect(await newOnly.decrypt('org-b', value, 'f')).toBe('still readable');
    expect(await readBack(newOnly, 'org-b')).toEqual(plain['org-b']);
  });
});
