import {
  CatalogueRefSchema,
  IdSchema,
  IsoDateSchema,
  IsoDateTimeSchema,
  OrganisationRoleSchema,
  PlanItemStatusSchema,
  PositiveIsoDurationSchema,
  SecurityPlanItemKindSchema,
  uniqueList,
  type OrganisationRole,
  type PlanItemStatus,
  type SecurityPlanItemKind,
} from '@trellis/contracts';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { isProtocol } from '@trellis/risk-domain';
import { Schema } from 'mongoose';
import { z } from 'zod';
import { NarrativeSchema, VersionSchema } from '../common/http';

/** Model name of security plans (collection `security_plans`). */
export const SECURITY_PLAN_MODEL = 'SecurityPlan';

/** Encryption context of an item's title and description. */
export const PLAN_FIELD_CONTEXT = { itemText: 'security-plan.item.text' } as const;

/** One item of a plan version. Title and description are encrypted together (`text`). */
export interface StoredPlanItem {
  id: string;
  kind: SecurityPlanItemKind;
  text: EncryptedField;
  threatIds: string[];
  vulnerabilityIds: string[];
  capacityIds: string[];
  catalogueRefs: string[];
  ownerRole: OrganisationRole;
  /** YYYY-MM-DD. */
  dueDate: string;
  status: PlanItemStatus;
  /** Protocols only: ISO-8601 duration between rehearsals. */
  rehearsalCadence?: string;
  lastRehearsedAt?: Date;
}

/** One version of the plan; adopted versions are never changed again except item progress. */
export interface StoredPlanVersion {
  planVersion: number;
  riskAssessmentId: string;
  items: StoredPlanItem[];
  createdAt: Date;
  createdBy: string;
  adoptedAt?: Date;
  adoptedByRole?: OrganisationRole;
  adoptedBy?: string;
}

/** The security plan of an engagement, with every version kept. */
export interface SecurityPlanDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  currentVersion: number;
  versions: StoredPlanVersion[];
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

const itemSchema = new Schema<StoredPlanItem>(
  {
    id: { type: String, required: true },
    kind: { type: String, required: true },
    text: { type: encryptedFieldSubschema(), required: true },
    threatIds: { type: [String], default: [] },
    vulnerabilityIds: { type: [String], default: [] },
    capacityIds: { type: [String], default: [] },
    catalogueRefs: { type: [String], default: [] },
    ownerRole: { type: String, required: true },
    dueDate: { type: String, required: true },
    status: { type: String, required: true },
    rehearsalCadence: { type: String },
    lastRehearsedAt: { type: Date },
  },
  { _id: false },
);

const versionSchema = new Schema<StoredPlanVersion>(
  {
    planVersion: { type: Number, required: true },
    riskAssessmentId: { type: String, required: true },
    items: { type: [itemSchema], default: [] },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    adoptedAt: { type: Date },
    adoptedByRole: { type: String },
    adoptedBy: { type: String },
  },
  { _id: false },
);

/** Mongoose schema of {@link SecurityPlanDocument}. */
export const securityPlanSchema = new Schema<SecurityPlanDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, unique: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    currentVersion: { type: Number, required: true },
    versions: { type: [versionSchema], default: [] },
  },
  versionedSchemaOptions,
);
securityPlanSchema.plugin(outboxPlugin);

/** One item of a plan as a client writes it. */
export const PlanItemInputSchema = z
  .strictObject({
    /** The id of the item in the current version, to keep its status and rehearsals. */
    id: IdSchema.optional(),
    kind: SecurityPlanItemKindSchema,
    title: z.string().trim().min(1).max(200),
    description: NarrativeSchema.optional(),
    threatIds: uniqueList(IdSchema).max(50).default([]),
    vulnerabilityIds: uniqueList(IdSchema).max(50).default([]),
    capacityIds: uniqueList(IdSchema).max(50).default([]),
    catalogueRefs: uniqueList(CatalogueRefSchema).max(20).default([]),
    ownerRole: OrganisationRoleSchema,
    dueDate: IsoDateSchema,
    rehearsalCadence: PositiveIsoDurationSchema.optional(),
  })
  .superRefine((item, ctx) => {
    if (item.threatIds.length + item.vulnerabilityIds.length + item.capacityIds.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['threatIds'],
        message: 'an item addresses at least one threat, vulnerability or capacity',
      });
    }
    if (isProtocol(item.kind) && !item.rehearsalCadence) {
      ctx.addIssue({
        code: 'custom',
        path: ['rehearsalCadence'],
        message: 'is required for protocols',
      });
    }
    if (!isProtocol(item.kind) && item.rehearsalCadence) {
      ctx.addIssue({
        code: 'custom',
        path: ['rehearsalCadence'],
        message: 'is for protocols only',
      });
    }
  });
export type PlanItemInput = z.infer<typeof PlanItemInputSchema>;

const ItemsSchema = z
  .array(PlanItemInputSchema)
  .min(1)
  .max(200)
  .refine((items) => {
    const ids = items.flatMap((i) => (i.id ? [i.id] : []));
    return new Set(ids).size === ids.length;
  }, 'item ids must not repeat');

/** `POST /security-plans`: the plan built from a risk assessment (version 1). */
export const CreateSecurityPlanSchema = z.strictObject({
  riskAssessmentId: IdSchema,
  items: ItemsSchema,
});
export type CreateSecurityPlan = z.infer<typeof CreateSecurityPlanSchema>;

/** `PUT /security-plans/:planId`: a new version (optionally from a newer assessment). */
export const ReviseSecurityPlanSchema = z.strictObject({
  version: VersionSchema,
  riskAssessmentId: IdSchema.optional(),
  items: ItemsSchema,
});
export type ReviseSecurityPlan = z.infer<typeof ReviseSecurityPlanSchema>;

/** `POST /security-plans/:planId/adopt`: the organisation's leadership (or board) adopts. */
export const AdoptSecurityPlanSchema = z.strictObject({
  version: VersionSchema,
  adoptedByRole: z.enum(['leadership', 'board']),
});
export type AdoptSecurityPlan = z.infer<typeof AdoptSecurityPlanSchema>;

/** `PUT /security-plans/:planId/items/:itemId/status`. */
export const ChangeItemStatusSchema = z.strictObject({
  version: VersionSchema,
  status: PlanItemStatusSchema,
});
export type ChangeItemStatus = z.infer<typeof ChangeItemStatusSchema>;

/** `POST /security-plans/:planId/items/:itemId/rehearsals`. */
export const RecordRehearsalSchema = z.strictObject({
  version: VersionSchema,
  rehearsedAt: IsoDateTimeSchema,
});
export type RecordRehearsal = z.infer<typeof RecordRehearsalSchema>;

/** An item as the API returns it (title and description decrypted). */
export interface PlanItemView {
  id: string;
  kind: SecurityPlanItemKind;
  title: string;
  description?: string;
  threatIds: string[];
  vulnerabilityIds: string[];
  capacityIds: string[];
  catalogueRefs: string[];
  ownerRole: OrganisationRole;
  dueDate: string;
  status: PlanItemStatus;
  rehearsalCadence?: string;
  lastRehearsedAt?: string;
}

/** A version of the plan as the API returns it. */
export interface PlanVersionView {
  planVersion: number;
  riskAssessmentId: string;
  items: PlanItemView[];
  createdAt: string;
  createdBy: string;
  adopted: boolean;
  adoptedAt?: string;
  adoptedByRole?: OrganisationRole;
}

/** A plan as the API returns it: its current version, and a summary of every version. */
export interface SecurityPlanView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  currentVersion: PlanVersionView;
  versions: { planVersion: number; createdAt: string; adoptedAt?: string }[];
  version: number;
}

/** Path parameters. */
export const PlanIdParamSchema = IdSchema;
export const PlanItemIdParamSchema = IdSchema;
export const PlanVersionParamSchema = z.coerce.number().int().min(1);
