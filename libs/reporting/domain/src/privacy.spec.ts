import { Pseudonymiser, recordKey, tombstoneOf } from './privacy';

describe('pseudonyms', () => {
  const key = Buffer.alloc(32, 1);

  it('are stable, keyed and carry nothing of the id', () => {
    const a = new Pseudonymiser(key);
    const b = new Pseudonymiser(Buffer.from(key));
    const other = new Pseudonymiser(Buffer.alloc(32, 2));
    const p = a.organisation('org-123');
    expect(p).toMatch(/^org_[0-9a-f]{24}$/);
    expect(b.organisation('org-123')).toBe(p);
    expect(other.organisation('org-123')).not.toBe(p);
    expect(a.organisation('org-124')).not.toBe(p);
    expect(p).not.toContain('123');
    expect(a.engagement('org-123')).toMatch(/^eng_[0-9a-f]{24}$/);
    expect(a.engagement('org-123').slice(4)).not.toBe(p.slice(4));
  });

  it('refuse a key shorter than 32 bytes', () => {
    expect(() => new Pseudonymiser(Buffer.alloc(16))).toThrow(/32 bytes/);
  });

  it('tombstones do not depend on the pseudonym key; record keys are short hashes', () => {
    expect(tombstoneOf('org-1')).toMatch(/^[0-9a-f]{64}$/);
    expect(tombstoneOf('org-1')).toBe(tombstoneOf('org-1'));
    expect(tombstoneOf('org-1')).not.toBe(tombstoneOf('org-2'));
    expect(recordKey('session.with.dots')).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
