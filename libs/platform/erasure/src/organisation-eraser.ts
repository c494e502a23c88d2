import {
  IdSchema,
  OrganisationPurgedV1,
  PurgedRecordKindSchema,
  type ServiceId,
} from '@trellis/contracts';
import type { FieldCipher, KeyStore, OrganisationKeyRecord } from '@trellis/platform-crypto';
import { outboxEvent, type OutboxEvent } from '@trellis/platform-outbox';
import { erasureEventId } from './erasure.ids';
import type { ErasureLedger, ErasureReport, ErasureRequest } from './erasure.ledger';
import type { ErasureScope, RecordPurger } from './record.purgers';

/** The service's data keys: the cipher that shreds them and the store that tells their state. */
export interface ErasureKeys {
  cipher: Pick<FieldCipher, 'eraseOrganisationKey'>;
  store: Pick<KeyStore, 'find'>;
}

/** What an {@link OrganisationEraser} works with. */
export interface OrganisationEraserOptions {
  /** The reporting service (`identity.organisation.purged` producer and actor). */
  service: ServiceId;
  /** Remembers progress and delivers events (see {@link ErasureLedger}). */
  ledger: ErasureLedger;
  /** The organisation's records, one purger per kind, purged in this order. */
  purgers: readonly RecordPurger[];
  /** The service's data keys; a process that encrypts nothing has none (`keyErased: false`). */
  keys?: ErasureKeys;
  /**
   * The organisation's engagement ids, for purgers matching by engagement. Called once per
   * request, before anything is deleted (so a projection it reads may itself be purged).
   */
  engagementIdsOf?: (organisationId: string) => Promise<string[]>;
  /**
   * Events to publish once the key is destroyed (e.g. the engagement service's
   * `engagement.organisation.erased`); written with the key step, once per request.
   */
  keyErasureEvents?: (request: ErasureRequest, service: ServiceId) => OutboxEvent[];
  /** Topic of the report (default `trellis.identity.v1`; tests may prefix it). */
  reportTopic?: string;
}

/** What {@link OrganisationEraser.erase} resolves. */
export interface ErasureOutcome {
  report: ErasureReport;
  /** The id of the `identity.organisation.purged` event (the same on every attempt). */
  reportEventId: string;
  /** The request had been completed before: nothing was done now. */
  alreadyCompleted: boolean;
}

/**
 * Erases an organisation from one service, idempotently, in four steps that are each safe to
 * repeat (no multi-document transactions: progress is kept by the {@link ErasureLedger}):
 *
 * 1. **crypto-shreds** the service's data key of the organisation (`FieldCipher`
 *    `eraseOrganisationKey`: a tombstone stays, so nothing is encrypted for it again), and
 *    records whether the service held a key (`keyErased`), with the optional key events;
 * 2. **deletes** every record of the organisation, kind by kind: the count is recorded first,
 *    then the records are deleted (records written meanwhile are added to the count);
 * 3. (new work is refused afterwards: {@link isErased}, and `FieldCipher` refuses to encrypt);
 * 4. **reports** `identity.organisation.purged` with a deterministic event id (from the request
 *    id and the service), written once; a second request for the same organisation finds
 *    nothing left and reports zero counts.
 *
 * A request already completed is not processed again: its recorded report is returned.
 */
export class OrganisationEraser {
  readonly service: ServiceId;

  constructor(private readonly options: OrganisationEraserOptions) {
    this.service = options.service;
    const kinds = new Set<string>();
    for (const purger of options.purgers) {
      PurgedRecordKindSchema.parse(purger.kind);
      if (kinds.has(purger.kind)) throw new TypeError(`record kind ${purger.kind} is listed twice`);
      kinds.add(purger.kind);
    }
  }

  /** The id of this service's `identity.organisation.purged` event for the request. */
  reportEventId(erasureRequestId: string): string {
    return erasureEventId(erasureRequestId, this.service, OrganisationPurgedV1.key);
  }

  /** Carries out the request (or finds it done); see the class comment. */
  async erase(request: ErasureRequest): Promise<ErasureOutcome> {
    const req = {
      erasureRequestId: IdSchema.parse(request.erasureRequestId),
      organisationId: IdSchema.parse(request.organisationId),
    };
    const { ledger, purgers } = this.options;
    const reportEventId = this.reportEventId(req.erasureRequestId);
    const progress = await ledger.begin(req, this.service, async () =>
      this.options.engagementIdsOf ? this.options.engagementIdsOf(req.organisationId) : [],
    );
    if (progress.report) {
      return { report: progress.report, reportEventId, alreadyCompleted: true };
    }

    // 1. Crypto-shredding (idempotent; repeated on a retry so this process's cache is cleared).
    let keyErased = false;
    if (this.options.keys) {
      const { cipher, store } = this.options.keys;
      const erasure = await cipher.eraseOrganisationKey(req.organisationId);
      keyErased = erasure.keyRemoved || heldKeyBefore(await store.find(req.organisationId));
    }
    if (progress.keyErased === undefined) {
      const events = this.options.keyErasureEvents?.(req, this.service) ?? [];
      keyErased = await ledger.recordKeyErasure(req, keyErased, events);
    } else {
      keyErased = progress.keyErased;
    }

    // 2. Deletion, kind by kind: count recorded first, then delete.
    const scope: ErasureScope = { ...req, engagementIds: progress.engagementIds };
    const removed: ErasureReport['removed'] = [];
    for (const purger of purgers) {
      let count = progress.counts[purger.kind];
      if (count === undefined) {
        count = await ledger.recordCount(req, purger.kind, await purger.count(scope));
      }
      const deleted = await purger.remove(scope);
      if (deleted > count) {
        await ledger.addToCount(req, purger.kind, deleted - count);
        count = deleted;
      }
      removed.push({ kind: purger.kind, count });
    }

    // 4. The report, once.
    const report: ErasureReport = {
      erasureRequestId: req.erasureRequestId,
      organisationId: req.organisationId,
      service: this.service,
      keyErased,
      removed,
    };
    const event = outboxEvent(OrganisationPurgedV1, {
      id: reportEventId,
      actor: { kind: 'service', id: this.service },
      organisationId: req.organisationId,
      payload: report,
    });
    const topic = this.options.reportTopic ?? OrganisationPurgedV1.topic;
    const recorded = await ledger.complete(req, report, [{ ...event, topic }]);
    return { report: recorded, reportEventId, alreadyCompleted: false };
  }

  /**
   * Whether the organisation is erased here (its key destroyed, or, for a process without keys,
   * an erasure started): new work for it (projections from late or replayed events,
   * notifications) is to be ignored. Work that slips in while an erasure runs is deleted by it
   * (the key is destroyed before any deletion).
   */
  async isErased(organisationId: string): Promise<boolean> {
    // With keys, the tombstone is the mark (one lookup by id): the key step runs before any
    // deletion, and every erasure leaves a tombstone, key or not. Without keys, the ledger.
    if (this.options.keys) {
      const record = await this.options.keys.store.find(organisationId);
      return record?.status === 'erased';
    }
    return this.options.ledger.hasErasure(organisationId);
  }
}

/**
 * Whether a tombstone stands for a key that existed: the key stores keep the key's creation
 * time in the tombstone and, for an organisation that never had a key, the erasure time.
 */
function heldKeyBefore(record: OrganisationKeyRecord | null): boolean {
  return record?.status === 'erased' && record.createdAt.getTime() < record.erasedAt.getTime();
}
