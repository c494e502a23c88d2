import { IdSchema, MaturitySchema, spokeRecord, type SpokeId } from '@trellis/contracts';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import {
  WHEEL_PARTICIPANT_GROUPS,
  type SpokeChange,
  type WheelAggregate,
  type WheelParticipantGroup,
} from '@trellis/risk-domain';
import { Schema } from 'mongoose';
import { z } from 'zod';
import { RecordOwnerShape, VersionSchema } from '../common/http';

/** Model name of security wheel rounds (collection `security_wheel_rounds`). */
export const WHEEL_ROUND_MODEL = 'SecurityWheelRound';

/** Encryption context of a participant's barriers and solutions. */
export const WHEEL_FIELD_CONTEXT = { notes: 'security-wheel.notes' } as const;

/** Barriers and solutions of one spoke, as one participant sees them. */
export interface SpokeNotes {
  barriers?: string;
  solutions?: string;
}

/** One participant's scores (clear, for aggregation) and notes (encrypted JSON). */
export interface StoredParticipant {
  /** A pseudonymous id: never a name. */
  participantId: string;
  group: WheelParticipantGroup;
  scores: Record<SpokeId, number>;
  notes: EncryptedField;
  scoredAt: Date;
}

/** A round of the security wheel: open while participants score, then completed. */
export interface WheelRoundDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  roundNumber: number;
  previousWheelRoundId?: string;
  status: 'open' | 'completed';
  participants: StoredParticipant[];
  completedAt?: Date;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

const participantSchema = new Schema<StoredParticipant>(
  {
    participantId: { type: String, required: true },
    group: { type: String, required: true, enum: [...WHEEL_PARTICIPANT_GROUPS] },
    scores: { type: Schema.Types.Mixed, required: true },
    notes: { type: encryptedFieldSubschema(), required: true },
    scoredAt: { type: Date, required: true },
  },
  { _id: false },
);

/** Mongoose schema of {@link WheelRoundDocument}. */
export const wheelRoundSchema = new Schema<WheelRoundDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    roundNumber: { type: Number, required: true },
    previousWheelRoundId: { type: String },
    status: { type: String, required: true, enum: ['open', 'completed'] },
    participants: { type: [participantSchema], default: [] },
    completedAt: { type: Date },
  },
  versionedSchemaOptions,
);
// One round number per engagement: two rounds opened at once cannot both be round n.
wheelRoundSchema.index({ engagementId: 1, roundNumber: 1 }, { unique: true });
wheelRoundSchema.plugin(outboxPlugin);

/** `POST /security-wheel/rounds`. */
export const OpenWheelRoundSchema = z.strictObject({ ...RecordOwnerShape });
export type OpenWheelRound = z.infer<typeof OpenWheelRoundSchema>;

const SpokeEntrySchema = z.strictObject({
  score: MaturitySchema,
  barriers: z.string().trim().min(1).max(2_000).optional(),
  solutions: z.string().trim().min(1).max(2_000).optional(),
});

/** `PUT /security-wheel/rounds/:roundId/participants/:participantId`: all eight spokes. */
export const ScoreWheelSchema = z.strictObject({
  version: VersionSchema,
  group: z.enum(WHEEL_PARTICIPANT_GROUPS),
  spokes: spokeRecord(SpokeEntrySchema),
});
export type ScoreWheel = z.infer<typeof ScoreWheelSchema>;

/** `POST /security-wheel/rounds/:roundId/complete`. */
export const CompleteWheelRoundSchema = z.strictObject({ version: VersionSchema });
export type CompleteWheelRound = z.infer<typeof CompleteWheelRoundSchema>;

/** One participant as the API returns it. */
export interface ParticipantView {
  participantId: string;
  group: WheelParticipantGroup;
  spokes: Record<SpokeId, { score: number } & SpokeNotes>;
  scoredAt: string;
}

/** A round as the API returns it, aggregated and compared with the previous round. */
export interface WheelRoundView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  roundNumber: number;
  previousWheelRoundId?: string;
  status: 'open' | 'completed';
  participants: ParticipantView[];
  /** Absent while nobody has scored. */
  aggregate?: WheelAggregate;
  /** Change of each spoke mean since the previous completed round. */
  comparison?: SpokeChange[];
  completedAt?: string;
  version: number;
}

/** Path parameters. */
export const WheelRoundIdParamSchema = IdSchema;
export const ParticipantIdParamSchema = IdSchema;
