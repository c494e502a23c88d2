import {
  CountryCodeSchema,
  FocusAreaSchema,
  IdSchema,
  OrganisationSizeSchema,
  RegionCodeSchema,
  regionBelongsToCountry,
  SettingSchema,
  uniqueList,
  type CountryCode,
  type FocusArea,
  type OrganisationSize,
  type Setting,
} from '@trellis/contracts';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of organisations (collection `organisations`). */
export const ORGANISATION_MODEL = 'Organisation';

/** Encryption contexts (bound into the ciphertext: a value cannot move to another field). */
export const ORGANISATION_FIELD_CONTEXT = {
  name: 'organisation.name',
  contacts: 'organisation.contacts',
} as const;

/**
 * A defender organisation. `name` and `contacts` are encrypted under the organisation's data
 * key; the profile used for routing and reports (country, region, setting, focus areas, size
 * band) is in clear. `unitId` is the unit (desk or TRU) its country was routed to when it was
 * registered: that unit's staff may read it.
 */
export interface OrganisationDocument extends WithOutbox {
  _id: string;
  unitId: string;
  name: EncryptedField;
  contacts: EncryptedField;
  country: CountryCode;
  region?: string;
  setting: Setting;
  focusAreas: FocusArea[];
  size: OrganisationSize;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link OrganisationDocument}. */
export const organisationSchema = new Schema<OrganisationDocument>(
  {
    _id: { type: String, required: true },
    unitId: { type: String, required: true, index: true },
    name: { type: encryptedFieldSubschema(), required: true },
    contacts: { type: encryptedFieldSubschema(), required: true },
    country: { type: String, required: true },
    region: { type: String },
    setting: { type: String, required: true },
    focusAreas: { type: [String], default: [] },
    size: { type: String, required: true },
  },
  versionedSchemaOptions,
);
organisationSchema.plugin(outboxPlugin);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

/** A way to reach the organisation (encrypted at rest, never in events or logs). */
export const ContactSchema = z.strictObject({
  kind: z.enum(['email', 'phone', 'messenger', 'postal', 'other']),
  value: z.string().trim().min(1).max(300),
  label: z.string().trim().max(120).optional(),
});
export type Contact = z.infer<typeof ContactSchema>;

const profileFields = {
  name: z.string().trim().min(1).max(300),
  contacts: z.array(ContactSchema).max(20),
  country: CountryCodeSchema,
  region: RegionCodeSchema.optional(),
  setting: SettingSchema,
  focusAreas: uniqueList(FocusAreaSchema),
  size: OrganisationSizeSchema,
};

function regionInCountry(value: { country: string; region?: string }, ctx: z.RefinementCtx) {
  if (value.region !== undefined && !regionBelongsToCountry(value.region, value.country)) {
    ctx.addIssue({ code: 'custom', path: ['region'], message: 'must be a region of country' });
  }
}

/** `POST /organisations`. */
export const RegisterOrganisationSchema = z
  .strictObject(profileFields)
  .superRefine(regionInCountry);
export type RegisterOrganisation = z.infer<typeof RegisterOrganisationSchema>;

/** `PUT /organisations/:organisationId`: the full profile at the version last read. */
export const UpdateOrganisationSchema = z
  .strictObject({ ...profileFields, version: z.int().min(0) })
  .superRefine(regionInCountry);
export type UpdateOrganisation = z.infer<typeof UpdateOrganisationSchema>;

/** An organisation as the API returns it (decrypted, for callers allowed to see it). */
export const OrganisationViewSchema = z.object({
  id: IdSchema,
  unitId: IdSchema,
  name: z.string(),
  contacts: z.array(ContactSchema),
  country: z.string(),
  region: z.string().optional(),
  setting: SettingSchema,
  focusAreas: z.array(FocusAreaSchema),
  size: OrganisationSizeSchema,
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrganisationView = z.infer<typeof OrganisationViewSchema>;

/** Path parameter `organisationId`. */
export const OrganisationIdParamSchema = IdSchema;
