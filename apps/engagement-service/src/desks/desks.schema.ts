import {
  CountryCodeSchema,
  IdSchema,
  TRU_UNIT_ID,
  uniqueList,
  type CountryCode,
} from '@trellis/contracts';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of desks (collection `desks`). */
export const DESK_MODEL = 'Desk';
/** Model name of country claims (collection `desk_country_claims`). */
export const COUNTRY_CLAIM_MODEL = 'DeskCountryClaim';

/** A Protection Desk: the countries it covers. Desk names are not sensitive. */
export interface DeskDocument extends WithOutbox {
  _id: string;
  name: string;
  countries: CountryCode[];
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link DeskDocument} (optimistic concurrency, embedded outbox). */
export const deskSchema = new Schema<DeskDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    countries: { type: [String], required: true, default: [] },
  },
  versionedSchemaOptions,
);
deskSchema.plugin(outboxPlugin);

/**
 * "Country X belongs to desk Y": one document per covered country, `_id` = the country code,
 * so the unique `_id` index enforces one desk per country even between concurrent requests
 * (FerretDB 1.24 does not enforce unique indexes on array fields, so a unique index on
 * `desks.countries` would not).
 */
export interface CountryClaimDocument {
  _id: string;
  deskId: string;
  claimedAt: Date;
}

/** Mongoose schema of {@link CountryClaimDocument}. */
export const countryClaimSchema = new Schema<CountryClaimDocument>(
  {
    _id: { type: String, required: true },
    deskId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

const DeskIdSchema = IdSchema.refine((id) => id !== TRU_UNIT_ID, {
  message: `"${TRU_UNIT_ID}" is the Training and Research Unit, not a desk id`,
});
const DeskNameSchema = z.string().trim().min(1).max(120);
const CountriesSchema = uniqueList(CountryCodeSchema);

/** `POST /desks`: a new desk; `id` (a slug, used as the unit id in tokens) is optional. */
export const CreateDeskSchema = z.strictObject({
  id: DeskIdSchema.optional(),
  name: DeskNameSchema,
  countries: CountriesSchema.min(1),
});
export type CreateDesk = z.infer<typeof CreateDeskSchema>;

/** `PUT /desks/:deskId`: the new name and countries, at the version last read. */
export const UpdateDeskSchema = z.strictObject({
  name: DeskNameSchema,
  countries: CountriesSchema,
  version: z.int().min(0),
});
export type UpdateDesk = z.infer<typeof UpdateDeskSchema>;

/** A desk as the API returns it. */
export const DeskViewSchema = z.object({
  id: IdSchema,
  name: z.string(),
  countries: z.array(z.string()),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DeskView = z.infer<typeof DeskViewSchema>;

/** The API view of a stored desk. */
export function toDeskView(desk: DeskDocument): DeskView {
  return {
    id: desk._id,
    name: desk.name,
    countries: [...desk.countries],
    version: desk.__v,
    createdAt: desk.createdAt.toISOString(),
    updatedAt: desk.updatedAt.toISOString(),
  };
}

/** Path parameter `deskId`. */
export const DeskIdParamSchema = IdSchema;
