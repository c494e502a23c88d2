import { IdSchema, IsoDateTimeSchema, ObligationKindSchema } from '@trellis/contracts';
import { NOTIFICATION_KINDS, type NotificationKind } from '@trellis/coaching-domain';
import { Schema } from 'mongoose';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of notifications (collection `notifications`). */
export const NOTIFICATION_MODEL = 'Notification';
/** Model name of users' notification settings (collection `notification_settings`). */
export const NOTIFICATION_SETTINGS_MODEL = 'NotificationSettings';

/**
 * Where the e-mail of a notification stands:
 * - `pending`: to be sent on its own (the sender loop retries until it is `sent`);
 * - `digest`: to go out with the recipient's daily digest at `digestAt`;
 * - `sent`: handed to the SMTP server (alone or in a digest);
 * - `none`: no e-mail (the recipient gave no address).
 */
export const MAIL_STATES = ['pending', 'digest', 'sent', 'none'] as const;
export type MailState = (typeof MAIL_STATES)[number];

/** The pending-mail outbox embedded in a notification. */
export interface NotificationMail {
  state: MailState;
  /** Send attempts so far (also the claim token of the sender loop). */
  attempts: number;
  /** When the next attempt is due (`pending`), or the lease of the attempt under way. */
  nextAttemptAt?: Date;
  /** When the digest carrying it is due (`digest`). */
  digestAt?: Date;
  /** Error code of the last failed attempt (never a message with data in it). */
  lastError?: string;
  sentAt?: Date;
}

/**
 * One notification in a user's inbox. `_id` is derived from what it notifies about
 * (`reminder:<reminderId>`, `escalation:<escalationId>`, `check-in-missed:<checkInId>`), so
 * however often the same reminder arrives it is inserted once. No free text: kinds, ids, dates.
 */
export interface NotificationDocument {
  _id: string;
  recipientId: string;
  kind: NotificationKind;
  engagementId: string;
  organisationId: string;
  unitId: string;
  obligationId?: string;
  obligationKind?: string;
  subjectId?: string;
  stage?: string;
  dueAt?: Date;
  /** The event it came from (reminders topic, or the check-in watchdog's own). */
  sourceEventId: string;
  read: boolean;
  readAt?: Date;
  mail: NotificationMail;
  createdAt: Date;
}

const mailSchema = new Schema<NotificationMail>(
  {
    state: { type: String, required: true, enum: MAIL_STATES },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date },
    digestAt: { type: Date },
    lastError: { type: String },
    sentAt: { type: Date },
  },
  { _id: false },
);

/** Mongoose schema of {@link NotificationDocument}. */
export const notificationSchema = new Schema<NotificationDocument>(
  {
    _id: { type: String, required: true },
    recipientId: { type: String, required: true, index: true },
    kind: { type: String, required: true, enum: NOTIFICATION_KINDS },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true },
    unitId: { type: String, required: true },
    obligationId: { type: String },
    obligationKind: { type: String },
    subjectId: { type: String },
    stage: { type: String },
    dueAt: { type: Date },
    sourceEventId: { type: String, required: true },
    read: { type: Boolean, required: true, default: false },
    readAt: { type: Date },
    mail: { type: mailSchema, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: true },
);

/** A user's notification settings: where e-mails go and whether they come as a daily digest. */
export interface NotificationSettingsDocument {
  /** The user id (JWT `sub`). */
  _id: string;
  /** Never logged, never in events. */
  email?: string;
  digest: boolean;
  updatedAt: Date;
}

/** Mongoose schema of {@link NotificationSettingsDocument}. */
export const notificationSettingsSchema = new Schema<NotificationSettingsDocument>(
  {
    _id: { type: String, required: true },
    email: { type: String },
    digest: { type: Boolean, required: true, default: false },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: true },
);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

/** `GET /inbox?engagementId=&unreadOnly=`. */
export const InboxQuerySchema = z.strictObject({
  engagementId: IdSchema.optional(),
  unreadOnly: z.enum(['true', 'false']).optional(),
});
export type InboxQuery = z.infer<typeof InboxQuerySchema>;

/** A notification as the inbox shows it. */
export const NotificationViewSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  engagementId: IdSchema,
  obligationId: IdSchema.optional(),
  obligationKind: ObligationKindSchema.optional(),
  subjectId: IdSchema.optional(),
  stage: z.string().optional(),
  dueAt: IsoDateTimeSchema.optional(),
  read: z.boolean(),
  readAt: IsoDateTimeSchema.optional(),
  mail: z.enum(MAIL_STATES),
  createdAt: IsoDateTimeSchema,
});
export type NotificationView = z.infer<typeof NotificationViewSchema>;

/** The inbox view of a stored notification. */
export function toNotificationView(doc: NotificationDocument): NotificationView {
  return {
    id: doc._id,
    kind: doc.kind,
    engagementId: doc.engagementId,
    ...(doc.obligationId ? { obligationId: doc.obligationId } : {}),
    ...(doc.obligationKind
      ? { obligationKind: ObligationKindSchema.parse(doc.obligationKind) }
      : {}),
    ...(doc.subjectId ? { subjectId: doc.subjectId } : {}),
    ...(doc.stage ? { stage: doc.stage } : {}),
    ...(doc.dueAt ? { dueAt: doc.dueAt.toISOString() } : {}),
    read: doc.read,
    ...(doc.readAt ? { readAt: doc.readAt.toISOString() } : {}),
    mail: doc.mail.state,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** `GET /inbox/unread-count`. */
export const UnreadCountSchema = z.object({ unread: z.int().min(0) });

/** `PUT /me/notification-settings`. */
export const NotificationSettingsSchema = z.strictObject({
  email: z.email().max(254).optional(),
  digest: z.boolean(),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

/** Path parameter `notificationId` (`reminder:...`, `escalation:...`). */
export const NotificationIdParamSchema = z
  .string()
  .regex(/^[a-z-]+:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be a notification id');
