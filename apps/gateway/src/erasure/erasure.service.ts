import { Inject, Injectable } from '@nestjs/common';
import {
  OrganisationErasureCompletedV1,
  OrganisationErasureRequestedV1,
  type AnyEventDefinition,
  type EventOf,
  type OrganisationPurgedV1,
} from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { CONFIG } from '@trellis/platform-config';
import { ApiError } from '@trellis/platform-http';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import { InjectModel } from '@trellis/platform-mongo';
import {
  documentWithOutbox,
  outboxEvent,
  withOutbox,
  type OutboxEvent,
} from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { identityTopic, SERVICE_NAME, type GatewayConfig } from '../config';
import { IdentityService } from '../identity/identity.service';
import {
  ERASURE_REQUEST_MODEL,
  type ErasureReport,
  type ErasureRequestDocument,
} from './erasure.schema';

const CONFIRM_WITHIN_MS = 15 * 60 * 1000;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function confirmationCode(): string {
  const pick = () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${Array.from({ length: 4 }, pick).join('')}-${Array.from({ length: 4 }, pick).join('')}`;
}

/**
 * Organisation erasure (right to erasure, or an organisation at risk asking to disappear):
 * request → confirmation (one-time code + the organisation id typed again, within 15 minutes)
 * → `identity.organisation.erasure-requested` through the outbox → every service crypto-shreds
 * and purges, and reports `identity.organisation.purged` → when all `ERASURE_PARTICIPANTS`
 * reported, the organisation's users are removed and `identity.organisation.erasure-completed`
 * is published. The request document is the report of what was done (ids and counts only).
 */
@Injectable()
export class ErasureService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @InjectModel(ERASURE_REQUEST_MODEL) private readonly requests: Model<ErasureRequestDocument>,
    private readonly identity: IdentityService,
  ) {}

  async request(
    organisationId: string,
    admin: Principal,
    now = new Date(),
  ): Promise<ErasureReport> {
    const code = confirmationCode();
    const doc = await this.requests.create(
      documentWithOutbox<Omit<ErasureRequestDocument, 'outbox'>>(
        {
          _id: `ers-${randomUUID()}`,
          organisationId,
          status: 'awaiting-confirmation',
          requestedBy: admin.id,
          requestedAt: now,
          confirmationHash: sha256(code),
          confirmBefore: new Date(now.getTime() + CONFIRM_WITHIN_MS),
          participants: [],
        },
        [],
      ),
    );
    return { ...this.report(doc.toObject()), confirmationCode: code };
  }

  async confirm(
    erasureRequestId: string,
    body: { confirmationCode: string; organisationId: string },
    admin: Principal,
    now = new Date(),
  ): Promise<ErasureReport> {
    const current = await this.find(erasureRequestId);
    if (current.status !== 'awaiting-confirmation') {
      throw new ApiError('INVALID_STATE_TRANSITION', `The erasure request is ${current.status}.`);
    }
    if (current.confirmBefore <= now) {
      await this.requests.updateOne(
        { _id: erasureRequestId, status: 'awaiting-confirmation' },
        { $set: { status: 'expired' } },
      );
      throw new ApiError(
        'INVALID_STATE_TRANSITION',
        'The confirmation time ran out; request again.',
      );
    }
    if (body.organisationId !== current.organisationId) {
      throw new ApiError('VALIDATION_FAILED', 'The organisation does not match the request.', [
        { path: 'organisationId', message: 'does not match the erasure request' },
      ]);
    }
    if (sha256(body.confirmationCode) !== current.confirmationHash) {
      throw new ApiError('VALIDATION_FAILED', 'The confirmation code is wrong.', [
        { path: 'confirmationCode', message: 'is wrong' },
      ]);
    }
    const event = this.onIdentityTopic(OrganisationErasureRequestedV1, {
      organisationId: current.organisationId,
      actor: { kind: 'user', id: admin.id, role: 'admin' },
      payload: { erasureRequestId, organisationId: current.organisationId },
    });
    const updated = await this.requests
      .findOneAndUpdate(
        { _id: erasureRequestId, status: 'awaiting-confirmation' },
        withOutbox({ $set: { status: 'in-progress', confirmedBy: admin.id, confirmedAt: now } }, [
          event,
        ]),
        { returnDocument: 'after' },
      )
      .lean<ErasureRequestDocument>();
    if (!updated) throw new ApiError('CONFLICT', 'The erasure request changed meanwhile.');
    this.logger.info({ erasureRequestId }, 'organisation erasure confirmed');
    return this.report(updated);
  }

  async get(erasureRequestId: string): Promise<ErasureReport> {
    return this.report(await this.find(erasureRequestId));
  }

  /** Records a service's purge report (idempotent) and completes the request when all reported. */
  async onPurged(event: EventOf<typeof OrganisationPurgedV1>, now = new Date()): Promise<void> {
    const p = event.payload;
    const report = {
      service: p.service,
      keyErased: p.keyErased,
      removed: p.removed,
      reportedAt: now,
    };
    await this.requests.updateOne(
      { _id: p.erasureRequestId, 'participants.service': { $ne: p.service } },
      { $push: { participants: report } },
    );
    await this.completeIfDone(p.erasureRequestId, now);
  }

  private async completeIfDone(erasureRequestId: string, now: Date): Promise<void> {
    const doc = await this.requests.findById(erasureRequestId).lean<ErasureRequestDocument>();
    if (!doc || doc.status !== 'in-progress') return;
    const reported = new Set(doc.participants.map((r) => r.service));
    if (!this.config.ERASURE_PARTICIPANTS.every((s) => reported.has(s))) return;
    // Removing the users is idempotent; the status change and the event are one update.
    const usersRemoved = await this.identity.removeOrganisationUsers(doc.organisationId);
    const event = this.onIdentityTopic(OrganisationErasureCompletedV1, {
      organisationId: doc.organisationId,
      actor: { kind: 'service', id: SERVICE_NAME },
      payload: { erasureRequestId, organisationId: doc.organisationId },
    });
    await this.requests.updateOne(
      { _id: erasureRequestId, status: 'in-progress' },
      withOutbox(
        {
          $set: { status: 'completed', completedAt: now, usersRemoved },
        },
        [event],
      ),
    );
    this.logger.info({ erasureRequestId }, 'organisation erasure completed');
  }

  /** An outbox event for the identity topic (with `TOPIC_PREFIX`). */
  private onIdentityTopic<D extends AnyEventDefinition>(
    definition: D,
    input: Parameters<typeof outboxEvent<D>>[1],
  ): OutboxEvent {
    return { ...outboxEvent(definition, input), topic: identityTopic(this.config) };
  }

  private async find(erasureRequestId: string): Promise<ErasureRequestDocument> {
    const doc = await this.requests.findById(erasureRequestId).lean<ErasureRequestDocument>();
    if (!doc) throw new ApiError('NOT_FOUND', 'No such erasure request.');
    return doc;
  }

  private report(doc: ErasureRequestDocument): ErasureReport {
    const reported = new Set(doc.participants.map((r) => r.service));
    return {
      erasureRequestId: doc._id,
      organisationId: doc.organisationId,
      status: doc.status,
      requestedBy: doc.requestedBy,
      requestedAt: doc.requestedAt.toISOString(),
      confirmBefore: doc.confirmBefore.toISOString(),
      ...(doc.confirmedBy !== undefined ? { confirmedBy: doc.confirmedBy } : {}),
      ...(doc.confirmedAt ? { confirmedAt: doc.confirmedAt.toISOString() } : {}),
      ...(doc.completedAt ? { completedAt: doc.completedAt.toISOString() } : {}),
      participants: doc.participants.map((r) => ({
        service: r.service,
        keyErased: r.keyErased,
        removed: r.removed,
        reportedAt: new Date(r.reportedAt).toISOString(),
      })),
      pending: this.config.ERASURE_PARTICIPANTS.filter((s) => !reported.has(s)),
      ...(doc.usersRemoved !== undefined ? { usersRemoved: doc.usersRemoved } : {}),
    };
  }
}
