import { Schema } from 'mongoose';

/*
 * The audit trail: append-only, one document per entry with a contiguous sequence number as
 * `_id`, each entry's `hash` an HMAC-SHA256 (key `AUDIT_HMAC_KEY`) over the previous entry's
 * hash and this entry's canonical JSON; a head document holds the last sequence and hash, so
 * removing entries at the end is detected too. Entries hold ids, routes and outcomes: never
 * request or response bodies, query values, usernames or narratives.
 */

export const AUDIT_ENTRY_MODEL = 'AuditEntry';
export const AUDIT_HEAD_MODEL = 'AuditHead';

/** Who acted: ids from the verified token, or a keyed hash of the username tried at login. */
export interface AuditActor {
  userId?: string;
  roles?: string[];
  unitId?: string;
  organisationId?: string;
  /** Keyed hash of a login name (failed logins of unknown users). */
  subjectRef?: string;
}

/** What an entry records (before it is chained). */
export interface AuditRecord {
  at: Date;
  actor: AuditActor;
  /** `http` for a request to the API, or a named action (`identity.login`, `erasure.confirmed`). */
  action: string;
  method?: string;
  /** The routed context (`engagement`, `risk`, ...), `identity` or `admin`. */
  context?: string;
  /** The request path without its query (ids only: Trellis paths carry no free text). */
  path?: string;
  /** Query parameter names (never their values). */
  queryKeys?: string[];
  status: number;
  /** The error code of a refused request. */
  code?: string;
  /** More about the outcome (e.g. `account-locked-now`); an enum-like word, never free text. */
  detail?: string;
  /** Where from: the client address. */
  ip: string;
  correlationId?: string;
}

/** A stored, chained entry. */
export interface AuditEntryDocument extends AuditRecord {
  _id: number;
  prevHash: string;
  hash: string;
}

export const auditEntrySchema = new Schema<AuditEntryDocument>(
  {
    _id: { type: Number, required: true },
    at: { type: Date, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    action: { type: String, required: true },
    method: String,
    context: String,
    path: String,
    queryKeys: { type: [String], default: undefined },
    status: { type: Number, required: true },
    code: String,
    detail: String,
    ip: { type: String, required: true },
    correlationId: String,
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
auditEntrySchema.index({ 'actor.userId': 1, _id: 1 });

/** The chain's head: last sequence number and hash. */
export interface AuditHeadDocument {
  _id: 'head';
  seq: number;
  hash: string;
}

export const auditHeadSchema = new Schema<AuditHeadDocument>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false },
);
