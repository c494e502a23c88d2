import { IdSchema } from '@trellis/contracts';
import { Schema } from 'mongoose';
import { z } from 'zod';

/** Model name of calendar feeds (collection `calendar_feeds`). */
export const CALENDAR_FEED_MODEL = 'CalendarFeed';

/** Whose upcoming sessions a feed lists: an officer's (as facilitator) or an organisation's. */
export type CalendarFeedKind = 'officer' | 'organisation';

/**
 * A calendar feed behind an unguessable token. Only the token's SHA-256 is stored; one feed
 * per officer or organisation (`_id` = `kind:subjectId`), so creating it again rotates the
 * token and the old link stops working.
 */
export interface CalendarFeedDocument {
  _id: string;
  kind: CalendarFeedKind;
  subjectId: string;
  tokenHash: string;
  createdBy: string;
  rotatedAt: Date;
}

/** Mongoose schema of {@link CalendarFeedDocument}. */
export const calendarFeedSchema = new Schema<CalendarFeedDocument>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    subjectId: { type: String, required: true },
    tokenHash: { type: String, required: true, unique: true },
    createdBy: { type: String, required: true },
    rotatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: true },
);

/**
 * `POST /calendar/feeds`: the caller's own feed as an officer (sessions they facilitate), or an
 * organisation's feed (through one of its engagements). Creating it again rotates the token.
 */
export const CreateFeedSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('officer') }),
  z.strictObject({ kind: z.literal('organisation'), engagementId: IdSchema }),
]);
export type CreateFeed = z.infer<typeof CreateFeedSchema>;

/** A created (or rotated) feed: the token is shown once. */
export interface FeedCreatedView {
  kind: CalendarFeedKind;
  subjectId: string;
  token: string;
  /** The feed's link (absolute when `CALENDAR_BASE_URL` is set). */
  url: string;
}
