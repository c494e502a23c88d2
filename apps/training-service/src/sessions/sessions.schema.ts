import {
  CancellationReasonSchema,
  CatalogueRefSchema,
  IdSchema,
  IsoDateTimeSchema,
  SessionModeSchema,
  TrainingLevelSchema,
  uniqueList,
  type CancellationReason,
  type SessionMode,
  type TrainingLevel,
} from '@trellis/contracts';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';
import { VersionSchema } from '../common/http';

/** Model name of training sessions (collection `sessions`). */
export const SESSION_MODEL = 'TrainingSession';

/** Encryption context of facilitator notes. */
export const SESSION_FIELD_CONTEXT = { notes: 'session.facilitator-notes' } as const;

/** What a participant does in the organisation (no names, ever). */
export const PARTICIPANT_ROLES = [
  'leadership',
  'staff',
  'security-focal-point',
  'board-member',
  'volunteer',
  'community-member',
  'other',
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** Gender, only when the participant gives it. */
export const GENDERS = ['woman', 'man', 'non-binary', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

/** Session states: scheduled → held | cancelled. */
export type SessionStatus = 'scheduled' | 'held' | 'cancelled';

/**
 * A pseudonymous participant: the organisation's own code for the person (reused across
 * sessions, so cascades can name their trainers), a role and, if given, a gender.
 */
export interface StoredParticipant {
  participantId: string;
  role: ParticipantRole;
  gender?: Gender;
}

/** Attendance and knowledge checks of one participant of a held session. */
export interface StoredAttendance {
  participantId: string;
  present: boolean;
  preScore?: number;
  postScore?: number;
  /** post − pre when both are given. */
  gain?: number;
}

/** The knowledge checks of a held session summed up. */
export interface StoredKnowledge {
  knowledgeCheckCount: number;
  averageKnowledgeGain: number | null;
  averagePreScore: number | null;
  averagePostScore: number | null;
}

/** A training session of an engagement. Facilitator notes are encrypted. */
export interface SessionDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  planItemId?: string;
  moduleIds: string[];
  level: TrainingLevel;
  mode: SessionMode;
  facilitatorId: string;
  startsAt: Date;
  endsAt: Date;
  status: SessionStatus;
  participants: StoredParticipant[];
  prerequisiteOverride?: { by: string; reason: string };
  heldAt?: Date;
  attendance: StoredAttendance[];
  knowledge?: StoredKnowledge;
  notes?: EncryptedField;
  cancellation?: { reason: CancellationReason; by: string; at: Date };
  scheduledBy: string;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link SessionDocument}. */
export const sessionSchema = new Schema<SessionDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    planItemId: { type: String },
    moduleIds: { type: [String], required: true },
    level: { type: String, required: true },
    mode: { type: String, required: true },
    facilitatorId: { type: String, required: true, index: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    status: { type: String, required: true },
    participants: {
      type: [
        new Schema(
          {
            participantId: { type: String, required: true },
            role: { type: String, required: true },
            gender: { type: String },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    prerequisiteOverride: {
      type: new Schema({ by: String, reason: String }, { _id: false }),
    },
    heldAt: { type: Date },
    attendance: {
      type: [
        new Schema(
          {
            participantId: { type: String, required: true },
            present: { type: Boolean, required: true },
            preScore: { type: Number, min: 0, max: 100 },
            postScore: { type: Number, min: 0, max: 100 },
            gain: { type: Number },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    knowledge: {
      type: new Schema(
        {
          knowledgeCheckCount: Number,
          averageKnowledgeGain: Number,
          averagePreScore: Number,
          averagePostScore: Number,
        },
        { _id: false },
      ),
    },
    notes: { type: encryptedFieldSubschema() },
    cancellation: {
      type: new Schema({ reason: String, by: String, at: Date }, { _id: false }),
    },
    scheduledBy: { type: String, required: true },
  },
  versionedSchemaOptions,
);
sessionSchema.plugin(outboxPlugin);

const ScoreSchema = z.int().min(0).max(100);

/** A pseudonymous participant: a code (no names), a role, a gender if given. */
export const ParticipantSchema = z.strictObject({
  participantId: IdSchema,
  role: z.enum(PARTICIPANT_ROLES),
  gender: z.enum(GENDERS).optional(),
});

const ParticipantsSchema = z
  .array(ParticipantSchema)
  .max(200)
  .refine(
    (list) => new Set(list.map((p) => p.participantId)).size === list.length,
    'participantId must be unique',
  );

const slot = { startsAt: IsoDateTimeSchema, endsAt: IsoDateTimeSchema };

function endsAfterStart(b: { startsAt: string; endsAt: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(b.endsAt) <= Date.parse(b.startsAt)) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  }
}

/**
 * `POST /sessions`: for a plan item (modules and level default to the item's) or extra
 * (modules and level required). A program manager may override unmet prerequisites with a
 * reason.
 */
export const ScheduleSessionSchema = z
  .strictObject({
    engagementId: IdSchema,
    planItemId: IdSchema.optional(),
    moduleIds: uniqueList(CatalogueRefSchema).min(1).max(20).optional(),
    level: TrainingLevelSchema.optional(),
    mode: SessionModeSchema,
    facilitatorId: IdSchema,
    ...slot,
    participants: ParticipantsSchema.default([]),
    prerequisiteOverride: z.strictObject({ reason: z.string().trim().min(3).max(500) }).optional(),
  })
  .superRefine(endsAfterStart);
export type ScheduleSession = z.infer<typeof ScheduleSessionSchema>;

/** `POST /sessions/:id/reschedule`. */
export const RescheduleSessionSchema = z
  .strictObject({ version: VersionSchema, ...slot })
  .superRefine(endsAfterStart);
export type RescheduleSession = z.infer<typeof RescheduleSessionSchema>;

/** `PUT /sessions/:id/participants`: the roster before the session is held. */
export const ParticipantsUpdateSchema = z.strictObject({
  version: VersionSchema,
  participants: ParticipantsSchema,
});
export type ParticipantsUpdate = z.infer<typeof ParticipantsUpdateSchema>;

/**
 * `POST /sessions/:id/hold`: attendance of registered participants with their knowledge-check
 * scores (integers 0–100), when it took place (default now) and the facilitator's notes.
 */
export const HoldSessionSchema = z.strictObject({
  version: VersionSchema,
  heldAt: IsoDateTimeSchema.optional(),
  attendance: z
    .array(
      z.strictObject({
        participantId: IdSchema,
        present: z.boolean(),
        preScore: ScoreSchema.optional(),
        postScore: ScoreSchema.optional(),
      }),
    )
    .max(200)
    .refine(
      (list) => new Set(list.map((a) => a.participantId)).size === list.length,
      'participantId must be unique',
    ),
  notes: z.string().trim().min(1).max(10_000).optional(),
});
export type HoldSession = z.infer<typeof HoldSessionSchema>;

/** `POST /sessions/:id/cancel`. */
export const CancelSessionSchema = z.strictObject({
  version: VersionSchema,
  reason: CancellationReasonSchema,
});
export type CancelSession = z.infer<typeof CancelSessionSchema>;

/** A session as the API returns it (notes only for staff). */
export interface SessionView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  planItemId: string | null;
  moduleIds: string[];
  level: TrainingLevel;
  mode: SessionMode;
  facilitatorId: string;
  startsAt: string;
  endsAt: string;
  status: SessionStatus;
  participants: StoredParticipant[];
  prerequisiteOverride: { by: string; reason: string } | null;
  heldAt: string | null;
  attendance: StoredAttendance[];
  knowledge: StoredKnowledge | null;
  /** Facilitator notes; omitted for defender users. */
  notes?: string | null;
  cancellation: { reason: CancellationReason; by: string; at: string } | null;
  version: number;
}
