import { isDuplicateKeyError } from '@trellis/platform-mongo';
import {
  OUTBOX_FIELD,
  OUTBOX_LEASE_FIELD,
  outboxPlugin,
  withOutbox,
  type OutboxEvent,
  type WithOutbox,
} from '@trellis/platform-outbox';
import type { Collection } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';
import {
  ErasureRequestConflictError,
  type ErasureLedger,
  type ErasureProgress,
  type ErasureReport,
  type ErasureRequest,
} from './erasure.ledger';

/** Collection of the erasure records (one per request) in a service's database. */
export const ERASURE_RECORDS_COLLECTION = 'organisation_erasures';
/** Mongoose model name of the erasure records. */
export const ERASURE_RECORD_MODEL = 'TrellisOrganisationErasure';

/**
 * One erasure request as a service carried it out: ids and counts only (nothing personal),
 * and the outbox carrying the service's events about it. Kept after the erasure, as the
 * service's proof of what it did (and to ignore late work for the organisation).
 */
export interface ErasureRecordDocument extends WithOutbox {
  /** The erasure request id. */
  _id: string;
  organisationId: string;
  service: string;
  /** The organisation's engagements, resolved before anything was deleted. */
  engagementIds?: string[];
  /** Whether the service held a data key of the organisation and destroyed it. */
  keyErased?: boolean;
  /** Records removed per kind (recorded before each deletion). */
  counts: Record<string, number>;
  /** The report published as `identity.organisation.purged`. */
  report?: ErasureReport;
  startedAt: Date;
  reportedAt?: Date;
}

/** Mongoose schema of {@link ErasureRecordDocument} (with the outbox fields). */
export const erasureRecordSchema = new Schema<ErasureRecordDocument>(
  {
    _id: { type: String, required: true },
    organisationId: { type: String, required: true, index: true },
    service: { type: String, required: true },
    engagementIds: { type: [String], default: undefined },
    keyErased: { type: Boolean },
    counts: { type: Schema.Types.Mixed, default: {} },
    report: { type: Schema.Types.Mixed },
    startedAt: { type: Date, required: true },
    reportedAt: { type: Date },
  },
  { versionKey: false, strict: true, autoIndex: false },
);
erasureRecordSchema.plugin(outboxPlugin);

/**
 * The erasure records model on `connection` (registered once). Give it to the service's
 * outbox relay as a source, and to {@link MongoErasureLedger}.
 */
export function erasureRecordModel(connection: Connection): Model<ErasureRecordDocument> {
  return (
    (connection.models[ERASURE_RECORD_MODEL] as Model<ErasureRecordDocument> | undefined) ??
    connection.model<ErasureRecordDocument>(
      ERASURE_RECORD_MODEL,
      erasureRecordSchema,
      ERASURE_RECORDS_COLLECTION,
    )
  );
}

/**
 * {@link ErasureLedger} in the service's own database: one {@link ErasureRecordDocument} per
 * request; every step is one single-document update guarded by the step's field not being set
 * yet, so a repeated step changes nothing; events are written into the same document's outbox
 * by that update (the relay publishes them), so a report is published exactly when it is
 * recorded.
 */
export class MongoErasureLedger implements ErasureLedger {
  constructor(
    private readonly model: Model<ErasureRecordDocument>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get records(): Collection<ErasureRecordDocument> {
    return this.model.collection as unknown as Collection<ErasureRecordDocument>;
  }

  async begin(
    request: ErasureRequest,
    service: string,
    resolveEngagementIds: () => Promise<string[]>,
  ): Promise<ErasureProgress> {
    const id = request.erasureRequestId;
    try {
      await this.records.updateOne(
        { _id: id },
        {
          $setOnInsert: {
            organisationId: request.organisationId,
            service,
            counts: {},
            startedAt: this.now(),
            [OUTBOX_FIELD]: [],
            [OUTBOX_LEASE_FIELD]: null,
          },
        },
        { upsert: true },
      );
    } catch (error) {
      // Two deliveries inserting at once: the other one's document is there.
      if (!isDuplicateKeyError(error)) throw error;
    }
    let doc = await this.read(id);
    if (doc.organisationId !== request.organisationId) throw new ErasureRequestConflictError(id);
    if (!doc.report && !doc.engagementIds) {
      const engagementIds = [...new Set(await resolveEngagementIds())];
      await this.records.updateOne(
        { _id: id, engagementIds: { $exists: false } },
        { $set: { engagementIds } },
      );
      doc = await this.read(id);
    }
    return {
      engagementIds: doc.engagementIds ?? [],
      counts: { ...(doc.counts ?? {}) },
      ...(doc.keyErased === undefined ? {} : { keyErased: doc.keyErased }),
      ...(doc.report ? { report: doc.report } : {}),
    };
  }

  async recordKeyErasure(
    request: ErasureRequest,
    keyErased: boolean,
    events: readonly OutboxEvent[],
  ): Promise<boolean> {
    const id = request.erasureRequestId;
    await this.records.updateOne(
      { _id: id, keyErased: { $exists: false } },
      withOutbox({ $set: { keyErased } }, events, this.now()),
    );
    const stored = (await this.read(id)).keyErased;
    return stored ?? keyErased;
  }

  async recordCount(request: ErasureRequest, kind: string, count: number): Promise<number> {
    const id = request.erasureRequestId;
    const path = `counts.${kind}`;
    await this.records.updateOne(
      { _id: id, [path]: { $exists: false } },
      { $set: { [path]: count } },
    );
    return (await this.read(id)).counts?.[kind] ?? count;
  }

  async addToCount(request: ErasureRequest, kind: string, extra: number): Promise<void> {
    if (extra <= 0) return;
    await this.records.updateOne(
      { _id: request.erasureRequestId },
      { $inc: { [`counts.${kind}`]: extra } },
    );
  }

  async complete(
    request: ErasureRequest,
    report: ErasureReport,
    events: readonly OutboxEvent[],
  ): Promise<ErasureReport> {
    const id = request.erasureRequestId;
    const now = this.now();
    await this.records.updateOne(
      { _id: id, reportedAt: { $exists: false } },
      withOutbox({ $set: { report, reportedAt: now } }, events, now),
    );
    return (await this.read(id)).report ?? report;
  }

  async hasErasure(organisationId: string): Promise<boolean> {
    const found = await this.records.findOne({ organisationId }, { projection: { _id: 1 } });
    return found !== null;
  }

  private async read(id: string): Promise<ErasureRecordDocument> {
    const doc = await this.records.findOne({ _id: id });
    if (!doc) throw new Error(`erasure record ${id} is missing`);
    return doc;
  }
}
