import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@trellis/platform-logging';
import {
  createServiceApp,
  platformImports,
  securedAuthOptions,
  type ConfigSource,
  type ServiceKit,
} from '@trellis/platform-service';
import { CalendarModule } from './calendar/calendar.module';
import { CascadesModule } from './cascades/cascades.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { OUTBOX_MODEL_NAMES, TRAINING_MODELS } from './common/models';
import { trainingConfigSchema, SERVICE_NAME, type TrainingConfig } from './config';
import { EngagementsModule } from './engagements/engagements.module';
import { TrainingErasureModule } from './erasure/erasure.module';
import { EventsModule } from './events/events.module';
import { TrainingPlansModule } from './plans/training-plans.module';
import { SessionsModule } from './sessions/sessions.module';

export type { ConfigSource };

/** The training service's platform wiring (see `platformImports`). */
export const TRAINING_SERVICE: ServiceKit<TrainingConfig> = {
  name: SERVICE_NAME,
  title: 'Trellis training service',
  schema: trainingConfigSchema,
  auth: securedAuthOptions,
  crypto: (c) => c,
  // The engagement projection and training plans, idempotent by event id.
  kafka: (c) => ({ groupId: c.ENGAGEMENT_EVENTS_GROUP_ID }),
  outbox: { models: [TRAINING_MODELS], modelNames: OUTBOX_MODEL_NAMES, erasureRecords: true },
};

/**
 * The training service: the catalogue API, training plans (from activated agreements),
 * sessions with attendance and knowledge checks, cascade trainings and iCalendar feeds over
 * one MongoDB database; engagements and agreements consumed from `trellis.engagement.v1`; its
 * part in organisation erasure (`trellis.identity.v1`); an outbox relay publishing to
 * `trellis.training.v1` (and the erasure reports); JWT authentication on every route but the
 * token-gated calendar feed, `/health/live`, `/health/ready` and `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports(TRAINING_SERVICE, source),
        EngagementsModule,
        EventsModule,
        CatalogueModule,
        TrainingPlansModule,
        SessionsModule,
        CascadesModule,
        CalendarModule,
        TrainingErasureModule,
      ],
    };
  }
}

/** Builds the application (not yet listening); see `createServiceApp`. */
export async function createTrainingApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: TrainingConfig; logger: Logger }> {
  return createServiceApp(TRAINING_SERVICE, AppModule.forRoot(source), source, {
    ...(logger ? { logger } : {}),
  });
}
