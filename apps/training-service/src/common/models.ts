import { MongoModule } from '@trellis/platform-mongo';
import { CALENDAR_FEED_MODEL, calendarFeedSchema } from '../calendar/calendar.schema';
import { CASCADE_MODEL, cascadeSchema } from '../cascades/cascades.schema';
import {
  KNOWN_ENGAGEMENT_MODEL,
  knownEngagementSchema,
} from '../engagements/known-engagements.schema';
import { TRAINING_PLAN_MODEL, trainingPlanSchema } from '../plans/training-plans.schema';
import { SESSION_MODEL, sessionSchema } from '../sessions/sessions.schema';

/** Models whose documents carry an outbox (the relay's sources). */
export const OUTBOX_MODEL_NAMES = [TRAINING_PLAN_MODEL, SESSION_MODEL, CASCADE_MODEL] as const;

/** Every model of the training service's database, registered once on its connection. */
export const TRAINING_MODELS = MongoModule.forFeature([
  { name: KNOWN_ENGAGEMENT_MODEL, schema: knownEngagementSchema, collection: 'known_engagements' },
  { name: TRAINING_PLAN_MODEL, schema: trainingPlanSchema, collection: 'training_plans' },
  { name: SESSION_MODEL, schema: sessionSchema, collection: 'sessions' },
  { name: CASCADE_MODEL, schema: cascadeSchema, collection: 'cascades' },
  { name: CALENDAR_FEED_MODEL, schema: calendarFeedSchema, collection: 'calendar_feeds' },
]);
