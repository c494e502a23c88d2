import { createSecretKey, randomBytes } from 'node:crypto';
import { MasterKeyError } from './crypto.errors';
import { generateMasterKey, MasterKeyRing, parseMasterKeyList } from './master-key.ring';

describe('MasterKeyRing', () => {
  const k1 = generateMasterKey();

  it('wraps and unwraps a data key bound to organisation, key id and master key id', () => {
    const ring = MasterKeyRing.fromConfig({ activeKeyId: 'k1', keys: { k1 } });
    const dataKey = randomBytes(32);
    const wrapped = ring.wrap('org-a', 'dk1', dataKey);
    expect(wrapped.masterKeyId).toBe('k1');
    expect(Buffer.from(wrapped.wrappedKey, 'base64').includes(dataKey)).toBe(false);
    expect(ring.unwrap('org-a', wrapped).equals(createSecretKey(dataKey))).toBe(true);

    expect(() => ring.unwrap('org-b', wrapped)).toThrow(MasterKeyError);
    expect(() => ring.unwrap('org-a', { ...wrapped, keyId: 'dk2' })).toThrow(MasterKeyError);
    expect(() => ring.unwrap('org-a', { ...wrapped, masterKeyId: 'k9' })).toThrow(
      /master key "k9" is not configured \(configured: k1\)/,
    );
    expect(() => ring.unwrap('org-a', { ...wrapped, wrappedKey: 'AAAA' })).toThrow(/malformed/);
  });

  it('validates the configuration without revealing keys', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const attempt = (config: Parameters<typeof MasterKeyRing.fromConfig>[0]) => {
      try {
        MasterKeyRing.fromConfig(config);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(MasterKeyError);
        return (e as Error).message;
      }
    };
    const shortMessage = attempt({ activeKeyId: 'k1', keys: { k1: short } });
    expect(shortMessage).toMatch(/masterKeys\.keys\.k1: expected 32 bytes encoded as base64/);
    expect(shortMessage).not.toContain(short);
    expect(attempt({ activeKeyId: 'k2', keys: { k1 } })).toMatch(
      /masterKeys\.activeKeyId: the active master key id is not among the configured keys/,
    );
    expect(attempt({ activeKeyId: 'k1', keys: { k1: 'not base64 !' } })).toMatch(/keys\.k1/);
    expect(attempt({ activeKeyId: 'k 1', keys: { 'k 1': k1 } })).toMatch(/expected a key id/);
    expect(attempt({ activeKeyId: 'k1', keys: { k1 } })).toBe('accepted');
  });

  it('parses the compact kid:base64 list', () => {
    const k2 = generateMasterKey();
    expect(parseMasterKeyList(` k1:${k1} , k2:${k2}`)).toEqual({ k1, k2 });
    expect(() => parseMasterKeyList(k1)).toThrow(/kid:base64/);
    expect(() => parseMasterKeyList(`k1:${k1},k1:${k2}`)).toThrow(/given twice/);
  });
});
