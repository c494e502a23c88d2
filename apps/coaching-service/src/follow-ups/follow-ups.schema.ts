import {
  BehaviourChangeSchema,
  CancellationReasonSchema,
  FollowUpKindSchema,
  IdSchema,
  IsoDateSchema,
  IsoDateTimeSchema,
  type BehaviourChange,
  type CancellationReason,
  type FollowUpKind,
} from '@trellis/contracts';
import {
  CHECK_IN_STATES,
  FOLLOW_UP_STATES,
  type CheckInState,
  type FollowUpState,
} from '@trellis/coaching-domain';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of follow-ups (collection `follow_ups`). */
export const FOLLOW_UP_MODEL = 'FollowUp';

/** Encryption contexts (bound into the ciphertext: a value cannot move to another field). */
export const FOLLOW_UP_CONTEXTS = {
  notes: 'follow-up.notes',
  observedChange: 'follow-up.observed-change',
  obstacles: 'follow-up.obstacles',
  nextAction: 'follow-up.next-action',
} as const;

/** An agreed next action: what (encrypted), who, by when. */
export interface StoredNextAction {
  actionId: string;
  description: EncryptedField;
  ownerId: string;
  dueDate: string;
}

/** A site visit's safe-return check-in. */
export interface StoredCheckIn {
  checkInId: string;
  officerId: string;
  state: CheckInState;
  dueAt: Date;
  confirmedAt?: Date;
  missedAt?: Date;
}

/**
 * A follow-up of an engagement: coaching session, leadership meeting, staff debate,
 * consultation or site visit; planned, then held, missed or cancelled. Free text (the officer's
 * internal notes, observed behaviour change, obstacles, next actions) is encrypted under the
 * organisation's key. `organisationId` and `unitId` come from the engagement projection.
 */
export interface FollowUpDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  kind: FollowUpKind;
  state: FollowUpState;
  dueAt: Date;
  assigneeId: string;
  obligationId?: string;
  plannedBy: string;
  heldAt?: Date;
  /** When it was held, missed or cancelled (recorded). */
  closedAt?: Date;
  closedBy?: string;
  behaviourChange?: BehaviourChange;
  /** Internal notes of the officers: never shown to defender users. */
  notes?: EncryptedField;
  observedChange?: EncryptedField;
  obstacles?: EncryptedField;
  nextActions: StoredNextAction[];
  cancellationReason?: CancellationReason;
  checkIn?: StoredCheckIn;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

const nextActionSchema = new Schema<StoredNextAction>(
  {
    actionId: { type: String, required: true },
    description: { type: encryptedFieldSubschema(), required: true },
    ownerId: { type: String, required: true },
    dueDate: { type: String, required: true },
  },
  { _id: false },
);

const checkInSchema = new Schema<StoredCheckIn>(
  {
    checkInId: { type: String, required: true },
    officerId: { type: String, required: true },
    state: { type: String, required: true, enum: CHECK_IN_STATES },
    dueAt: { type: Date, required: true },
    confirmedAt: { type: Date },
    missedAt: { type: Date },
  },
  { _id: false },
);

/** Mongoose schema of {@link FollowUpDocument}. */
export const followUpSchema = new Schema<FollowUpDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true },
    unitId: { type: String, required: true },
    kind: { type: String, required: true },
    state: { type: String, required: true, enum: FOLLOW_UP_STATES },
    dueAt: { type: Date, required: true },
    assigneeId: { type: String, required: true },
    obligationId: { type: String },
    plannedBy: { type: String, required: true },
    heldAt: { type: Date },
    closedAt: { type: Date },
    closedBy: { type: String },
    behaviourChange: { type: String },
    notes: { type: encryptedFieldSubschema() },
    observedChange: { type: encryptedFieldSubschema() },
    obstacles: { type: encryptedFieldSubschema() },
    nextActions: { type: [nextActionSchema], default: [] },
    cancellationReason: { type: String },
    checkIn: { type: checkInSchema },
  },
  versionedSchemaOptions,
);
followUpSchema.plugin(outboxPlugin);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

const text = (max: number) => z.string().trim().min(1).max(max);
const version = z.int().min(0);

/** `POST /engagements/:engagementId/follow-ups`. */
export const PlanFollowUpSchema = z.strictObject({
  kind: FollowUpKindSchema,
  dueAt: IsoDateTimeSchema,
  /** Default: the engagement's lead officer, else the caller. */
  assigneeId: IdSchema.optional(),
  obligationId: IdSchema.optional(),
});
export type PlanFollowUp = z.infer<typeof PlanFollowUpSchema>;

/** An agreed next action as sent. */
export const NextActionInputSchema = z.strictObject({
  description: text(2_000),
  ownerId: IdSchema,
  dueDate: IsoDateSchema,
});

/** `POST /follow-ups/:followUpId/held`. */
export const HoldFollowUpSchema = z.strictObject({
  version,
  heldAt: IsoDateTimeSchema,
  behaviourChange: BehaviourChangeSchema,
  notes: text(10_000).optional(),
  observedChange: text(10_000).optional(),
  obstacles: text(10_000).optional(),
  nextActions: z.array(NextActionInputSchema).max(50).default([]),
});
export type HoldFollowUp = z.infer<typeof HoldFollowUpSchema>;

/** `POST /follow-ups/:followUpId/missed`. */
export const MissFollowUpSchema = z.strictObject({ version });
export type MissFollowUp = z.infer<typeof MissFollowUpSchema>;

/** `POST /follow-ups/:followUpId/cancel`. */
export const CancelFollowUpSchema = z.strictObject({ version, reason: CancellationReasonSchema });
export type CancelFollowUp = z.infer<typeof CancelFollowUpSchema>;

/** `POST /follow-ups/:followUpId/check-in`: the officer leaves, back by `checkInDueAt`. */
export const OpenCheckInSchema = z.strictObject({ version, checkInDueAt: IsoDateTimeSchema });
export type OpenCheckIn = z.infer<typeof OpenCheckInSchema>;

/** `POST /follow-ups/:followUpId/check-in/confirm`: safe return. */
export const ConfirmCheckInSchema = z.strictObject({ version });
export type ConfirmCheckInInput = z.infer<typeof ConfirmCheckInSchema>;

/** A follow-up as the API returns it (`notes` only to staff, never to defender users). */
export const FollowUpViewSchema = z.object({
  id: IdSchema,
  engagementId: IdSchema,
  kind: FollowUpKindSchema,
  state: z.enum(FOLLOW_UP_STATES),
  dueAt: IsoDateTimeSchema,
  assigneeId: IdSchema,
  obligationId: IdSchema.optional(),
  heldAt: IsoDateTimeSchema.optional(),
  closedAt: IsoDateTimeSchema.optional(),
  behaviourChange: BehaviourChangeSchema.optional(),
  notes: z.string().optional(),
  observedChange: z.string().optional(),
  obstacles: z.string().optional(),
  nextActions: z.array(
    z.object({
      actionId: z.string(),
      description: z.string(),
      ownerId: IdSchema,
      dueDate: z.string(),
    }),
  ),
  cancellationReason: CancellationReasonSchema.optional(),
  checkIn: z
    .object({
      checkInId: IdSchema,
      officerId: IdSchema,
      state: z.enum(CHECK_IN_STATES),
      dueAt: IsoDateTimeSchema,
      confirmedAt: IsoDateTimeSchema.optional(),
      missedAt: IsoDateTimeSchema.optional(),
    })
    .optional(),
  version: z.int(),
  createdAt: IsoDateTimeSchema,
});
export type FollowUpView = z.infer<typeof FollowUpViewSchema>;

/** Path parameters. */
export const FollowUpIdParamSchema = IdSchema;
export const EngagementIdParamSchema = IdSchema;
