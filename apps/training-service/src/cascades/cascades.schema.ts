import {
  CascadeAudienceTypeSchema,
  CatalogueRefSchema,
  IdSchema,
  IsoDateTimeSchema,
  uniqueList,
  type CascadeAudienceType,
} from '@trellis/contracts';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import type { Lineage } from '@trellis/training-domain';
import { Schema } from 'mongoose';
import { z } from 'zod';
import { VersionSchema } from '../common/http';

/** Model name of cascade trainings (collection `cascades`). */
export const CASCADE_MODEL = 'CascadeTraining';

/**
 * A training the organisation delivered to others. Generation 2: delivered by participants of
 * our held sessions (`trainerParticipantIds`, their sessions in `trainerSessionIds`);
 * generation n ≥ 3: delivered by people trained in `parentCascadeId` (generation n − 1).
 */
export interface CascadeDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  generation: number;
  parentCascadeId?: string;
  trainerParticipantIds: string[];
  trainerSessionIds: string[];
  audienceType: CascadeAudienceType;
  reachCount: number;
  moduleIds: string[];
  deliveredAt: Date;
  recordedBy: string;
  status: 'recorded' | 'verified';
  verifiedBy?: string;
  verifiedAt?: Date;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link CascadeDocument}. */
export const cascadeSchema = new Schema<CascadeDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    generation: { type: Number, required: true, min: 2 },
    parentCascadeId: { type: String },
    trainerParticipantIds: { type: [String], default: [] },
    trainerSessionIds: { type: [String], default: [] },
    audienceType: { type: String, required: true },
    reachCount: { type: Number, required: true, min: 1 },
    moduleIds: { type: [String], required: true },
    deliveredAt: { type: Date, required: true },
    recordedBy: { type: String, required: true },
    status: { type: String, required: true },
    verifiedBy: { type: String },
    verifiedAt: { type: Date },
  },
  versionedSchemaOptions,
);
cascadeSchema.plugin(outboxPlugin);

/**
 * `POST /cascades`: the claimed generation must follow from the trainers — participants of our
 * held sessions (generation 2) or a parent cascade (its generation + 1).
 */
export const RecordCascadeSchema = z.strictObject({
  engagementId: IdSchema,
  generation: z.int().min(2).max(20),
  parentCascadeId: IdSchema.optional(),
  trainerParticipantIds: uniqueList(IdSchema).max(100).default([]),
  audienceType: CascadeAudienceTypeSchema,
  reachCount: z.int().min(1).max(1_000_000),
  moduleIds: uniqueList(CatalogueRefSchema).min(1).max(20),
  deliveredAt: IsoDateTimeSchema,
});
export type RecordCascade = z.infer<typeof RecordCascadeSchema>;

/** `POST /cascades/:id/verify`. */
export const VerifyCascadeSchema = z.strictObject({ version: VersionSchema });
export type VerifyCascade = z.infer<typeof VerifyCascadeSchema>;

/** A cascade as the API returns it (pseudonymous: participant codes, no names). */
export interface CascadeView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  generation: number;
  parentCascadeId: string | null;
  trainerParticipantIds: string[];
  trainerSessionIds: string[];
  audienceType: CascadeAudienceType;
  reachCount: number;
  moduleIds: string[];
  deliveredAt: string;
  recordedBy: string;
  status: 'recorded' | 'verified';
  verifiedBy: string | null;
  verifiedAt: string | null;
  version: number;
}

/** The lineage of an engagement's cascades. */
export type LineageView = Lineage & { engagementId: string };
