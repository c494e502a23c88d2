import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  SECURITY_WHEEL_SPOKES,
  SecurityWheelRoundCompletedV1,
  type SpokeId,
} from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { FieldCipher } from '@trellis/platform-crypto';
import { ApiError } from '@trellis/platform-http';
import {
  DuplicateKeyError,
  InjectModel,
  ScopedRepository,
  type DataScope,
} from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox } from '@trellis/platform-outbox';
import { aggregateWheel, compareWheelRounds } from '@trellis/risk-domain';
import type { Model } from 'mongoose';
import { z } from 'zod';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { LIST_LIMIT } from '../common/http';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import {
  WHEEL_FIELD_CONTEXT,
  WHEEL_ROUND_MODEL,
  type CompleteWheelRound,
  type OpenWheelRound,
  type ParticipantView,
  type ScoreWheel,
  type SpokeNotes,
  type StoredParticipant,
  type WheelRoundDocument,
  type WheelRoundView,
} from './security-wheel.schema';

const NotesSchema = z.record(
  z.string(),
  z.object({ barriers: z.string().optional(), solutions: z.string().optional() }),
);

/**
 * Security wheel rounds: participants (pseudonymous ids, leadership or staff) score the eight
 * spokes 0–4 with barriers and solutions (encrypted); the round aggregates per spoke (mean,
 * spread, leadership vs staff) and compares with the previous round. Completing a round
 * publishes `risk.security-wheel.round-completed` (means only).
 */
@Injectable()
export class SecurityWheelService {
  private readonly repo: ScopedRepository<WheelRoundDocument>;

  constructor(
    @InjectModel(WHEEL_ROUND_MODEL) model: Model<WheelRoundDocument>,
    private readonly cipher: FieldCipher,
    private readonly engagements: KnownEngagementsService,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'SecurityWheelRound' },
    );
  }

  /** Opens the next round (409 `CONFLICT` while another round of the engagement is open). */
  async open(input: OpenWheelRound, principal: Principal): Promise<WheelRoundView> {
    const scope = dataScopeOf(principal, 'open security wheel round');
    const owner = await this.engagements.resolve(principal, input.engagementId, input);
    const [last] = await this.repo.find(
      scope,
      { engagementId: owner.engagementId },
      { sort: { roundNumber: -1 }, limit: 1 },
    );
    if (last?.status === 'open') {
      throw new ApiError('CONFLICT', `Round ${last.roundNumber} is still open: complete it first.`);
    }
    const doc = {
      _id: randomUUID(),
      ...owner,
      roundNumber: (last?.roundNumber ?? 0) + 1,
      ...(last ? { previousWheelRoundId: last._id } : {}),
      status: 'open' as const,
      participants: [],
    };
    try {
      return await this.view(await this.repo.insert(scope, documentWithOutbox(doc, [])));
    } catch (err) {
      if (err instanceof DuplicateKeyError) {
        throw new ApiError('CONFLICT', 'Another round was opened at the same time.');
      }
      throw err;
    }
  }

  /** Records (or replaces) one participant's scores in an open round, at the version last read. */
  async score(
    roundId: string,
    participantId: string,
    input: ScoreWheel,
    principal: Principal,
  ): Promise<WheelRoundView> {
    const scope = dataScopeOf(principal, 'score security wheel');
    const current = await this.repo.getById(scope, roundId);
    if (current.status !== 'open') {
      throw new ApiError('INVALID_STATE_TRANSITION', 'The round is completed: open a new round.');
    }
    const notes: Record<string, SpokeNotes> = {};
    const scores = {} as Record<SpokeId, number>;
    for (const spoke of SECURITY_WHEEL_SPOKES) {
      const entry = input.spokes[spoke];
      scores[spoke] = entry.score;
      if (entry.barriers || entry.solutions) {
        notes[spoke] = {
          ...(entry.barriers ? { barriers: entry.barriers } : {}),
          ...(entry.solutions ? { solutions: entry.solutions } : {}),
        };
      }
    }
    const participant: StoredParticipant = {
      participantId,
      group: input.group,
      scores,
      notes: await this.cipher.encryptJson(
        current.organisationId,
        notes,
        WHEEL_FIELD_CONTEXT.notes,
      ),
      scoredAt: new Date(),
    };
    const participants = [
      ...current.participants.filter((p) => p.participantId !== participantId),
      participant,
    ];
    const updated = await this.repo.updateOne(
      scope,
      { _id: roundId, status: 'open' },
      input.version,
      { $set: { participants } },
    );
    return this.view(updated, await this.previousOf(scope, updated));
  }

  /** Completes the round (at least one participant) and publishes its spoke means. */
  async complete(
    roundId: string,
    input: CompleteWheelRound,
    principal: Principal,
  ): Promise<WheelRoundView> {
    const scope = dataScopeOf(principal, 'complete security wheel round');
    const current = await this.repo.getById(scope, roundId);
    if (current.status !== 'open') {
      throw new ApiError('INVALID_STATE_TRANSITION', 'The round is already completed.');
    }
    if (current.participants.length === 0) {
      throw new ApiError('CONFLICT', 'Nobody has scored the wheel in this round yet.');
    }
    const aggregate = aggregateWheel(current.participants);
    const event = outboxEvent(SecurityWheelRoundCompletedV1, {
      actor: actorOf(principal),
      engagementId: current.engagementId,
      organisationId: current.organisationId,
      unitId: current.unitId,
      payload: {
        wheelRoundId: current._id,
        roundNumber: current.roundNumber,
        ...(current.previousWheelRoundId
          ? { previousWheelRoundId: current.previousWheelRoundId }
          : {}),
        participantCount: aggregate.participantCount,
        spokeMeans: aggregate.spokeMeans,
      },
    });
    const updated = await this.repo.updateOne(
      scope,
      { _id: roundId, status: 'open' },
      input.version,
      withOutbox({ $set: { status: 'completed', completedAt: new Date() } }, [event]),
    );
    return this.view(updated, await this.previousOf(scope, updated));
  }

  /** The rounds of an engagement, latest first. */
  async list(engagementId: string, principal: Principal): Promise<WheelRoundView[]> {
    const docs = await this.repo.find(
      dataScopeOf(principal, 'list security wheel rounds'),
      { engagementId },
      { sort: { roundNumber: -1 }, limit: LIST_LIMIT },
    );
    return Promise.all(
      docs.map((d) =>
        this.view(
          d,
          docs.find((p) => p._id === d.previousWheelRoundId),
        ),
      ),
    );
  }

  /** One round, aggregated and compared with the previous one. */
  async get(roundId: string, principal: Principal): Promise<WheelRoundView> {
    const scope = dataScopeOf(principal, 'read security wheel round');
    const doc = await this.repo.getById(scope, roundId);
    return this.view(doc, await this.previousOf(scope, doc));
  }

  private async previousOf(
    scope: DataScope,
    doc: WheelRoundDocument,
  ): Promise<WheelRoundDocument | undefined> {
    if (!doc.previousWheelRoundId) return undefined;
    return (await this.repo.findById(scope, doc.previousWheelRoundId)) ?? undefined;
  }

  private async view(
    doc: WheelRoundDocument,
    previous?: WheelRoundDocument,
  ): Promise<WheelRoundView> {
    const participants: ParticipantView[] = await Promise.all(
      doc.participants.map(async (p) => {
        const notes = await this.cipher.decryptJson(
          doc.organisationId,
          p.notes,
          WHEEL_FIELD_CONTEXT.notes,
          NotesSchema,
        );
        const spokes = Object.fromEntries(
          SECURITY_WHEEL_SPOKES.map((s) => [s, { score: p.scores[s], ...notes[s] }]),
        ) as ParticipantView['spokes'];
        return {
          participantId: p.participantId,
          group: p.group,
          spokes,
          scoredAt: p.scoredAt.toISOString(),
        };
      }),
    );
    const aggregate = doc.participants.length > 0 ? aggregateWheel(doc.participants) : undefined;
    const previousAggregate =
      previous && previous.participants.length > 0
        ? aggregateWheel(previous.participants)
        : undefined;
    return {
      id: doc._id,
      engagementId: doc.engagementId,
      organisationId: doc.organisationId,
      unitId: doc.unitId,
      roundNumber: doc.roundNumber,
      ...(doc.previousWheelRoundId ? { previousWheelRoundId: doc.previousWheelRoundId } : {}),
      status: doc.status,
      participants,
      ...(aggregate ? { aggregate } : {}),
      ...(aggregate && previousAggregate
        ? { comparison: compareWheelRounds(previousAggregate.spokeMeans, aggregate.spokeMeans) }
        : {}),
      ...(doc.completedAt ? { completedAt: doc.completedAt.toISOString() } : {}),
      version: doc.__v,
    };
  }
}
