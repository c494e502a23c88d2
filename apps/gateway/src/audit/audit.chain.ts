import { createHmac } from 'node:crypto';
import type { AuditEntryDocument, AuditRecord } from './audit.schema';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with keys sorted at every level, dates as ISO strings, undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields of an entry that its hash covers (everything but the hash itself). */
export function chainedFields(entry: AuditEntryDocument): Omit<AuditEntryDocument, 'hash'> {
  const { hash: _hash, ...rest } = entry;
  return rest;
}

/** The hash of entry `seq` holding `record`, chained to `prevHash`. */
export function entryHash(key: Buffer, seq: number, prevHash: string, record: AuditRecord): string {
  return createHmac('sha256', key)
    .update(canonicalJson({ ...record, _id: seq, prevHash }))
    .digest('hex');
}

/** Builds the next entry of the chain. */
export function chainEntry(
  key: Buffer,
  seq: number,
  prevHash: string,
  record: AuditRecord,
): AuditEntryDocument {
  return { ...record, _id: seq, prevHash, hash: entryHash(key, seq, prevHash, record) };
}

/** A problem found by {@link ChainVerifier}. */
export interface ChainProblem {
  seq: number;
  problem: 'changed' | 'missing' | 'out-of-order' | 'broken-link' | 'head-mismatch';
}

/** Result of verifying the audit chain. */
export interface ChainVerification {
  ok: boolean;
  entries: number;
  lastSeq: number;
  problems: ChainProblem[];
}

/**
 * Checks entries in sequence order, one at a time (so any length of chain fits in memory):
 * contiguous sequence numbers from 1, each `prevHash` equal to the previous hash, each hash
 * recomputed; then the head. Reports up to `maxProblems` problems.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private previousHash = GENESIS_HASH;
  private count = 0;
  readonly problems: ChainProblem[] = [];

  constructor(
    private readonly key: Buffer,
    private readonly maxProblems = 100,
  ) {}

  add(entry: AuditEntryDocument): void {
    this.count += 1;
    if (entry._id < this.expectedSeq) {
      this.report({ seq: entry._id, problem: 'out-of-order' });
      return;
    }
    if (entry._id > this.expectedSeq) {
      for (let seq = this.expectedSeq; seq < entry._id && seq < this.expectedSeq + 10; seq++) {
        this.report({ seq, problem: 'missing' });
      }
    } else if (entry.prevHash !== this.previousHash) {
      this.report({ seq: entry._id, problem: 'broken-link' });
    }
    const { hash, _id, prevHash, ...record } = entry;
    if (entryHash(this.key, _id, prevHash, record) !== hash) {
      this.report({ seq: entry._id, problem: 'changed' });
    }
    this.expectedSeq = entry._id + 1;
    this.previousHash = hash;
  }

  finish(head: { seq: number; hash: string } | null): ChainVerification {
    const lastSeq = this.expectedSeq - 1;
    if (head !== null && (head.seq !== lastSeq || head.hash !== this.previousHash)) {
      // Entries after lastSeq (up to head.seq) were removed, or the head was altered.
      this.report({ seq: Math.max(head.seq, lastSeq), problem: 'head-mismatch' });
    }
    if (head === null && lastSeq > 0) this.report({ seq: lastSeq, problem: 'head-mismatch' });
    return {
      ok: this.problems.length === 0,
      entries: this.count,
      lastSeq,
      problems: this.problems,
    };
  }

  private report(problem: ChainProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
  }
}
