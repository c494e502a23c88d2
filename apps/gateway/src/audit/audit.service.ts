import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@trellis/platform-config';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import { InjectModel, isDuplicateKeyError } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import type { GatewayConfig } from '../config';
import { ChainVerifier, chainEntry, GENESIS_HASH, type ChainVerification } from './audit.chain';
import {
  AUDIT_ENTRY_MODEL,
  AUDIT_HEAD_MODEL,
  type AuditEntryDocument,
  type AuditHeadDocument,
  type AuditRecord,
} from './audit.schema';

interface Waiting {
  record: AuditRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Filters of {@link AuditTrail.list}. */
export interface AuditQuery {
  userId?: string;
  from?: Date;
  to?: Date;
  afterSeq?: number;
  limit: number;
}

const MAX_BATCH = 200;

/**
 * Appends entries to the hash-chained audit trail. Appends are batched: while one batch is
 * being written, new records queue and go in the next `insertMany`; `record()` resolves only
 * once its entry is stored (callers fail closed otherwise). Another writer (a second gateway)
 * taking a sequence number makes the insert fail with a duplicate key: the head is re-read and
 * the batch chained again. Entries are never updated or deleted by the application.
 */
@Injectable()
export class AuditTrail {
  private readonly key: Buffer;
  private queue: Waiting[] = [];
  private writing = false;
  private head?: { seq: number; hash: string };

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @InjectModel(AUDIT_ENTRY_MODEL) private readonly entries: Model<AuditEntryDocument>,
    @InjectModel(AUDIT_HEAD_MODEL) private readonly heads: Model<AuditHeadDocument>,
  ) {
    this.key = Buffer.from(config.AUDIT_HMAC_KEY, 'base64');
  }

  /** Appends one entry; resolves when it is stored. */
  record(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Entries in sequence order, newest last (admin view). */
  async list(query: AuditQuery): Promise<AuditEntryDocument[]> {
    const filter: Record<string, unknown> = {};
    if (query.userId !== undefined) filter['actor.userId'] = query.userId;
    if (query.afterSeq !== undefined) filter['_id'] = { $gt: query.afterSeq };
    if (query.from !== undefined || query.to !== undefined) {
      filter['at'] = {
        ...(query.from ? { $gte: query.from } : {}),
        ...(query.to ? { $lte: query.to } : {}),
      };
    }
    return this.entries.find(filter).sort({ _id: 1 }).limit(query.limit).lean();
  }

  /** Walks the whole chain and the head; see {@link ChainVerifier}. */
  async verify(onProgress?: (checked: number) => void): Promise<ChainVerification> {
    return verifyAuditChain(this.key, this.entries, this.heads, onProgress);
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.append(batch.map((w) => w.record));
          for (const w of batch) w.resolve();
        } catch (error) {
          this.logger.error(
            { err: { type: error instanceof Error ? error.name : 'unknown' } },
            'audit entries could not be stored',
          );
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async append(records: AuditRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const head = this.head ?? (await this.readHead());
      let { seq, hash } = head;
      const docs = records.map((record) => {
        seq += 1;
        const entry = chainEntry(this.key, seq, hash, record);
        hash = entry.hash;
        return entry;
      });
      try {
        await this.entries.insertMany(docs, { ordered: true });
      } catch (error) {
        this.head = undefined;
        if (isDuplicateKeyError(error) && attempt < 5) continue;
        throw error;
      }
      this.head = { seq, hash };
      await this.moveHead(seq, hash);
      return;
    }
  }

  /** Moves the head forward (never back: a slower writer must not undo a faster one). */
  private async moveHead(seq: number, hash: string): Promise<void> {
    const moved = await this.heads.updateOne(
      { _id: 'head', seq: { $lt: seq } },
      { $set: { seq, hash } },
    );
    if (moved.matchedCount > 0 || (await this.heads.exists({ _id: 'head' }))) return;
    await this.heads.create({ _id: 'head', seq, hash }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  /** The last stored entry (the entries are the truth; the head document may lag a crash). */
  private async readHead(): Promise<{ seq: number; hash: string }> {
    const last = await this.entries
      .findOne({}, { _id: 1, hash: 1 })
      .sort({ _id: -1 })
      .lean<{ _id: number; hash: string }>();
    return last ? { seq: last._id, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }
}

/** Verifies the chain stored in `entries` against its head (used by the service and the CLI). */
export async function verifyAuditChain(
  key: Buffer,
  entries: Model<AuditEntryDocument>,
  heads: Model<AuditHeadDocument>,
  onProgress?: (checked: number) => void,
): Promise<ChainVerification> {
  const verifier = new ChainVerifier(key);
  let checked = 0;
  for await (const entry of entries.find({}).sort({ _id: 1 }).lean().cursor()) {
    verifier.add(entry);
    checked += 1;
    if (onProgress && checked % 10_000 === 0) onProgress(checked);
  }
  const head = await heads.findById('head').lean<AuditHeadDocument>();
  return verifier.finish(head ? { seq: head.seq, hash: head.hash } : null);
}
