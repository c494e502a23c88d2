import type { OrganisationPurgedV1, PayloadOf } from '@trellis/contracts';
import type { OutboxEvent } from '@trellis/platform-outbox';

/** An erasure request as the gateway sends it (`identity.organisation.erasure-requested`). */
export interface ErasureRequest {
  erasureRequestId: string;
  organisationId: string;
}

/** A service's report on an erasure request: the payload of `identity.organisation.purged`. */
export type ErasureReport = PayloadOf<typeof OrganisationPurgedV1>;

/** Where a request stands, as its ledger remembers it from earlier attempts. */
export interface ErasureProgress {
  /** The organisation's engagements, resolved once at the first attempt (before any deletion). */
  engagementIds: string[];
  /** Set once the key step was recorded: whether the service held a data key it destroyed. */
  keyErased?: boolean;
  /** Per record kind, how many records the request removes (recorded before deleting). */
  counts: Record<string, number>;
  /** The report, once it was written: the request is done and nothing is done again. */
  report?: ErasureReport;
}

/**
 * Remembers the progress of erasure requests and delivers their events, so that each step of
 * {@link OrganisationEraser} can be repeated safely after a crash or a redelivery (there are no
 * multi-document transactions on FerretDB): every write is a single-document update guarded so
 * that it happens once per request.
 *
 * - {@link MongoErasureLedger}: one document per request in the service's database; events go
 *   through that document's outbox, so the report is published if and only if it was recorded.
 * - {@link PublishingErasureLedger}: for a process without a database (the orchestrator):
 *   remembers nothing and publishes directly; its purgers must count reproducibly.
 */
export interface ErasureLedger {
  /**
   * Starts the request, or resumes it. `resolveEngagementIds` is called only when no earlier
   * attempt resolved them. Throws {@link ErasureRequestConflictError} when the request id is
   * already known for another organisation.
   */
  begin(
    request: ErasureRequest,
    service: string,
    resolveEngagementIds: () => Promise<string[]>,
  ): Promise<ErasureProgress>;
  /**
   * Records the outcome of the key step together with `events` (written once); returns the
   * outcome recorded first.
   */
  recordKeyErasure(
    request: ErasureRequest,
    keyErased: boolean,
    events: readonly OutboxEvent[],
  ): Promise<boolean>;
  /** Records how many records of `kind` the request removes, unless recorded before; returns the recorded count. */
  recordCount(request: ErasureRequest, kind: string, count: number): Promise<number>;
  /** Adds records of `kind` that were removed beyond the recorded count (written meanwhile). */
  addToCount(request: ErasureRequest, kind: string, extra: number): Promise<void>;
  /** Records the report with its events once; returns the report recorded first. */
  complete(
    request: ErasureRequest,
    report: ErasureReport,
    events: readonly OutboxEvent[],
  ): Promise<ErasureReport>;
  /** Whether an erasure of the organisation was ever started here. */
  hasErasure(organisationId: string): Promise<boolean>;
}

/** The same erasure request id arrived for two different organisations. */
export class ErasureRequestConflictError extends Error {
  constructor(readonly erasureRequestId: string) {
    super(`erasure request ${erasureRequestId} is already known for another organisation`);
    this.name = 'ErasureRequestConflictError';
  }
}

interface InMemoryRecord {
  organisationId: string;
  service: string;
  engagementIds?: string[];
  keyErased?: boolean;
  counts: Record<string, number>;
  report?: ErasureReport;
}

/**
 * An {@link ErasureLedger} in process memory with the same once-only semantics as
 * {@link MongoErasureLedger}, for unit tests and tools; `events` lists what it would publish.
 */
export class InMemoryErasureLedger implements ErasureLedger {
  readonly events: OutboxEvent[] = [];
  private readonly records = new Map<string, InMemoryRecord>();

  async begin(
    request: ErasureRequest,
    service: string,
    resolveEngagementIds: () => Promise<string[]>,
  ): Promise<ErasureProgress> {
    let record = this.records.get(request.erasureRequestId);
    if (!record) {
      record = { organisationId: request.organisationId, service, counts: {} };
      this.records.set(request.erasureRequestId, record);
    }
    if (record.organisationId !== request.organisationId) {
      throw new ErasureRequestConflictError(request.erasureRequestId);
    }
    if (!record.report && !record.engagementIds) {
      record.engagementIds = [...new Set(await resolveEngagementIds())];
    }
    return {
      engagementIds: [...(record.engagementIds ?? [])],
      counts: { ...record.counts },
      ...(record.keyErased === undefined ? {} : { keyErased: record.keyErased }),
      ...(record.report ? { report: record.report } : {}),
    };
  }

  recordKeyErasure(
    request: ErasureRequest,
    keyErased: boolean,
    events: readonly OutboxEvent[],
  ): Promise<boolean> {
    const record = this.record(request);
    if (record.keyErased === undefined) {
      record.keyErased = keyErased;
      this.events.push(...events);
    }
    return Promise.resolve(record.keyErased);
  }

  recordCount(request: ErasureRequest, kind: string, count: number): Promise<number> {
    const record = this.record(request);
    record.counts[kind] ??= count;
    return Promise.resolve(record.counts[kind]);
  }

  addToCount(request: ErasureRequest, kind: string, extra: number): Promise<void> {
    const record = this.record(request);
    if (extra > 0) record.counts[kind] = (record.counts[kind] ?? 0) + extra;
    return Promise.resolve();
  }

  complete(
    request: ErasureRequest,
    report: ErasureReport,
    events: readonly OutboxEvent[],
  ): Promise<ErasureReport> {
    const record = this.record(request);
    if (!record.report) {
      record.report = report;
      this.events.push(...events);
    }
    return Promise.resolve(record.report);
  }

  hasErasure(organisationId: string): Promise<boolean> {
    return Promise.resolve(
      [...this.records.values()].some((r) => r.organisationId === organisationId),
    );
  }

  private record(request: ErasureRequest): InMemoryRecord {
    const record = this.records.get(request.erasureRequestId);
    if (!record) throw new Error(`erasure ${request.erasureRequestId} was not begun`);
    return record;
  }
}
