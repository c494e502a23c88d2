import {
  CatalogueRefSchema,
  IsoDateTimeSchema,
  TrainingLevelSchema,
  uniqueList,
  type TrainingLevel,
} from '@trellis/contracts';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';
import { VersionSchema } from '../common/http';

/** Model name of training plans (collection `training_plans`). */
export const TRAINING_PLAN_MODEL = 'TrainingPlan';

/** One planned training: modules, the level agreed and the level adapted, due instant. */
export interface StoredPlanItem {
  planItemId: string;
  moduleIds: string[];
  /** The level in the agreement's terms. */
  agreedLevel: TrainingLevel;
  /** The level it is taught at (adapted to the baseline, raised with progress, adjusted). */
  level: TrainingLevel;
  dueAt: Date;
}

/**
 * The training plan of an engagement (one per engagement), created from the activated
 * agreement's training plan and revised by amendments, adjustments and progress.
 */
export interface TrainingPlanDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  agreementId: string;
  agreementVersion: number;
  /** 1 when created, +1 per revision (`training.plan.revised`). */
  revision: number;
  items: StoredPlanItem[];
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

const planItemSchema = new Schema<StoredPlanItem>(
  {
    planItemId: { type: String, required: true },
    moduleIds: { type: [String], required: true },
    agreedLevel: { type: String, required: true },
    level: { type: String, required: true },
    dueAt: { type: Date, required: true },
  },
  { _id: false },
);

/** Mongoose schema of {@link TrainingPlanDocument}. */
export const trainingPlanSchema = new Schema<TrainingPlanDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, unique: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    agreementId: { type: String, required: true },
    agreementVersion: { type: Number, required: true },
    revision: { type: Number, required: true },
    items: { type: [planItemSchema], default: [] },
  },
  versionedSchemaOptions,
);
trainingPlanSchema.plugin(outboxPlugin);

/** `PUT /training-plans/:planId/items/:planItemId`: adjust an item (at least one change). */
export const AdjustPlanItemSchema = z
  .strictObject({
    version: VersionSchema,
    level: TrainingLevelSchema.optional(),
    dueAt: IsoDateTimeSchema.optional(),
    moduleIds: uniqueList(CatalogueRefSchema).min(1).max(20).optional(),
  })
  .refine((b) => b.level !== undefined || b.dueAt !== undefined || b.moduleIds !== undefined, {
    message: 'change at least one of level, dueAt, moduleIds',
  });
export type AdjustPlanItem = z.infer<typeof AdjustPlanItemSchema>;

/** A plan item as the API returns it. */
export interface PlanItemView {
  planItemId: string;
  moduleIds: string[];
  agreedLevel: TrainingLevel;
  level: TrainingLevel;
  dueAt: string;
}

/** A training plan as the API returns it, with the organisation's levels. */
export interface TrainingPlanView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  agreementId: string;
  agreementVersion: number;
  revision: number;
  /** The needs assessment's suggested level, when known. */
  baselineLevel: TrainingLevel | null;
  /** The baseline raised by the knowledge checks of held sessions. */
  organisationLevel: TrainingLevel;
  items: PlanItemView[];
  version: number;
}
