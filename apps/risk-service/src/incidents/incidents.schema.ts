import {
  IdSchema,
  IncidentTypeSchema,
  IsoDateTimeSchema,
  SeveritySchema,
  uniqueList,
  type IncidentType,
} from '@trellis/contracts';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';
import { NarrativeSchema, RecordOwnerShape } from '../common/http';

/** Model name of incidents (collection `incidents`). */
export const INCIDENT_MODEL = 'Incident';

/** Encryption context of incident narratives. */
export const INCIDENT_FIELD_CONTEXT = { narrative: 'incident.narrative' } as const;

/** An entry of the organisation's incident register; the narrative is encrypted. */
export interface IncidentDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  occurredAt: Date;
  incidentType: IncidentType;
  severity: number;
  serious: boolean;
  narrative: EncryptedField;
  linkedThreatIds: string[];
  reportedBy: string;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link IncidentDocument}. */
export const incidentSchema = new Schema<IncidentDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    occurredAt: { type: Date, required: true },
    incidentType: { type: String, required: true },
    severity: { type: Number, required: true, min: 1, max: 5 },
    serious: { type: Boolean, required: true },
    narrative: { type: encryptedFieldSubschema(), required: true },
    linkedThreatIds: { type: [String], default: [] },
    reportedBy: { type: String, required: true },
  },
  versionedSchemaOptions,
);
incidentSchema.plugin(outboxPlugin);

/** `POST /incidents`: when (not in the future), type, severity 1–5, narrative, linked threats. */
export const ReportIncidentSchema = z.strictObject({
  ...RecordOwnerShape,
  occurredAt: IsoDateTimeSchema,
  incidentType: IncidentTypeSchema,
  severity: SeveritySchema,
  narrative: NarrativeSchema,
  linkedThreatIds: uniqueList(IdSchema).max(100).default([]),
});
export type ReportIncident = z.infer<typeof ReportIncidentSchema>;

/** An incident as the API returns it (narrative decrypted). */
export interface IncidentView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  occurredAt: string;
  incidentType: IncidentType;
  severity: number;
  serious: boolean;
  narrative: string;
  linkedThreatIds: string[];
  reportedBy: string;
  version: number;
  createdAt: string;
}
