import { IdSchema } from '@trellis/contracts';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

export const ERASURE_REQUEST_MODEL = 'ErasureRequest';

/** The states of an erasure request. */
export const ERASURE_STATUSES = [
  'awaiting-confirmation',
  'in-progress',
  'completed',
  'expired',
] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/** One service's purge report. */
export interface ParticipantReport {
  service: string;
  keyErased: boolean;
  removed: { kind: string; count: number }[];
  reportedAt: Date;
}

/**
 * An erasure request: asked by an admin, confirmed with a one-time code within 15 minutes,
 * carried out by every service (their purge reports are collected here), closed when all
 * participants reported and the organisation's users are removed. Holds ids only.
 */
export interface ErasureRequestDocument extends WithOutbox {
  _id: string;
  organisationId: string;
  status: ErasureStatus;
  requestedBy: string;
  requestedAt: Date;
  /** SHA-256 of the confirmation code (the code itself is shown once). */
  confirmationHash: string;
  confirmBefore: Date;
  confirmedBy?: string;
  confirmedAt?: Date;
  participants: ParticipantReport[];
  usersRemoved?: number;
  completedAt?: Date;
}

export const erasureRequestSchema = new Schema<ErasureRequestDocument>(
  {
    _id: { type: String, required: true },
    organisationId: { type: String, required: true, index: true },
    status: { type: String, required: true },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    confirmationHash: { type: String, required: true },
    confirmBefore: { type: Date, required: true },
    confirmedBy: String,
    confirmedAt: Date,
    participants: { type: Schema.Types.Mixed, default: () => [] },
    usersRemoved: Number,
    completedAt: Date,
  },
  { versionKey: false },
);
erasureRequestSchema.plugin(outboxPlugin);

// ------------------------------------------------------------------------------ HTTP shapes

export const OrganisationParamSchema = IdSchema;
export const ErasureIdParamSchema = IdSchema;

export const ConfirmErasureBodySchema = z.strictObject({
  /** The code returned when the request was made. */
  confirmationCode: z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'must look like ABCD-1234'),
  /** The organisation id typed again, so the wrong organisation cannot be erased by a slip. */
  organisationId: IdSchema,
});

export const ErasureReportSchema = z.object({
  erasureRequestId: IdSchema,
  organisationId: IdSchema,
  status: z.enum(ERASURE_STATUSES),
  requestedBy: IdSchema,
  requestedAt: z.string(),
  confirmBefore: z.string(),
  confirmedBy: IdSchema.optional(),
  confirmedAt: z.string().optional(),
  completedAt: z.string().optional(),
  /** Services that reported their purge. */
  participants: z.array(
    z.object({
      service: z.string(),
      keyErased: z.boolean(),
      removed: z.array(z.object({ kind: z.string(), count: z.number().int() })),
      reportedAt: z.string(),
    }),
  ),
  /** Services that have not reported yet. */
  pending: z.array(z.string()),
  usersRemoved: z.number().int().optional(),
  /** Shown once, when the request is made. */
  confirmationCode: z.string().optional(),
});
export type ErasureReport = z.infer<typeof ErasureReportSchema>;
