import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TOPICS } from '@trellis/contracts';
import type { Logger } from '@trellis/platform-logging';
import {
  createServiceApp,
  platformImports,
  securedAuthOptions,
  type ConfigSource,
  type ServiceKit,
} from '@trellis/platform-service';
import { AUTONOMY_MODELS, AutonomyModule } from './autonomy/autonomy.module';
import { AUTONOMY_REVIEW_MODEL } from './autonomy/autonomy.schema';
import { coachingConfigSchema, SERVICE_NAME, type CoachingConfig } from './config';
import { EngagementsModule } from './engagements/engagements.module';
import { CoachingErasureModule } from './erasure/erasure.module';
import { EventsModule } from './events/events.module';
import { FOLLOW_UP_MODELS, FollowUpsModule } from './follow-ups/follow-ups.module';
import { FOLLOW_UP_MODEL } from './follow-ups/follow-ups.schema';
import { NotificationsModule } from './notifications/notifications.module';
import { TimelineModule } from './timeline/timeline.module';

export type { ConfigSource };

/** The coaching service's platform wiring (see `platformImports`). */
export const COACHING_SERVICE: ServiceKit<CoachingConfig> = {
  name: SERVICE_NAME,
  title: 'Trellis coaching service',
  schema: coachingConfigSchema,
  auth: securedAuthOptions,
  crypto: (c) => c,
  kafka: (c) => ({
    groupId: c.KAFKA_GROUP_ID,
    maxAttempts: c.CONSUMER_MAX_ATTEMPTS,
    deadLetterTopic: `${c.TOPIC_PREFIX}${TOPICS.deadLetter}`,
  }),
  outbox: {
    models: [FOLLOW_UP_MODELS, AUTONOMY_MODELS],
    modelNames: [FOLLOW_UP_MODEL, AUTONOMY_REVIEW_MODEL],
    erasureRecords: true,
  },
};

/**
 * The coaching service: follow-ups, site-visit check-ins, autonomy reviews, inboxes and
 * e-mail notifications over one MongoDB database; a Kafka consumer of the engagement and
 * reminders topics; its part in organisation erasure (the identity topic); an outbox relay
 * publishing the coaching and autonomy events (and the erasure reports); JWT
 * authentication on every route, `/health/live`, `/health/ready` and `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports(COACHING_SERVICE, source),
        EngagementsModule,
        NotificationsModule,
        EventsModule,
        FollowUpsModule,
        AutonomyModule,
        TimelineModule,
        CoachingErasureModule,
      ],
    };
  }
}

/** Builds the application (not yet listening); see `createServiceApp`. */
export async function createCoachingApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: CoachingConfig; logger: Logger }> {
  return createServiceApp(COACHING_SERVICE, AppModule.forRoot(source), source, {
    ...(logger ? { logger } : {}),
  });
}
