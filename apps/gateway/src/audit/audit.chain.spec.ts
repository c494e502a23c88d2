import { ChainVerifier, canonicalJson, chainEntry, GENESIS_HASH } from './audit.chain';
import type { AuditEntryDocument, AuditRecord } from './audit.schema';

const key = Buffer.alloc(32, 7);
const record = (n: number): AuditRecord => ({
  at: new Date(Date.UTC(2026, 10, 25, 10, 0, n)),
  actor: { userId: `usr-${n}`, roles: ['program-manager'] },
  action: 'http',
  method: 'GET',
  path: `/api/engagement/engagements/eng-${n}`,
  status: 200,
  ip: '127.0.0.1',
});

function chain(length: number): AuditEntryDocument[] {
  const entries: AuditEntryDocument[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const entry = chainEntry(key, seq, prev, record(seq));
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

function verify(entries: AuditEntryDocument[], head = entries[entries.length - 1]) {
  const verifier = new ChainVerifier(key);
  for (const e of entries) verifier.add(e);
  return verifier.finish(head ? { seq: head._id, hash: head.hash } : null);
}

describe('audit hash chain', () => {
  it('canonical JSON sorts keys, drops undefined and writes dates as ISO strings', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: new Date(0) } })).toBe(
      '{"a":{"c":"1970-01-01T00:00:00.000Z"},"b":1}',
    );
  });

  it('accepts an intact chain', () => {
    const entries = chain(5);
    expect(verify(entries)).toEqual({ ok: true, entries: 5, lastSeq: 5, problems: [] });
    expect(entries[1].prevHash).toBe(entries[0].hash);
  });

  it('detects a changed entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2], status: 403 };
    expect(verify(entries).problems).toEqual([{ seq: 3, problem: 'changed' }]);
  });

  it('detects a removed entry in the middle', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verify(entries).problems).toContainEqual({ seq: 2, problem: 'missing' });
  });

  it('detects entries removed at the end through the head', () => {
    const entries = chain(5);
    const head = entries[4];
    expect(verify(entries.slice(0, 3), head).problems).toEqual([
      { seq: 5, problem: 'head-mismatch' },
    ]);
  });

  it('detects a re-hashed entry without the key (a forger cannot recompute the HMAC)', () => {
    const entries = chain(3);
    const forged = chainEntry(Buffer.alloc(32, 9), 2, entries[0].hash, {
      ...record(2),
      status: 500,
    });
    entries[1] = forged;
    const problems = verify(entries).problems.map((p) => p.problem);
    expect(problems).toContain('changed');
  });
});
