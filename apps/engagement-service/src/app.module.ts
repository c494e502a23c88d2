import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@trellis/platform-config';
import type { Logger } from '@trellis/platform-logging';
import {
  createServiceApp,
  platformImports,
  securedAuthOptions,
  type ConfigSource,
  type ServiceKit,
} from '@trellis/platform-service';
import { engagementConfigSchema, SERVICE_NAME, type EngagementConfig } from './config';
import { AGREEMENT_MODELS, AgreementsModule } from './agreements/agreements.module';
import { AGREEMENT_MODEL } from './agreements/agreements.schema';
import { DESK_MODELS, DesksModule } from './desks/desks.module';
import { DESK_MODEL } from './desks/desks.schema';
import { ENGAGEMENT_MODELS, EngagementsModule } from './engagements/engagements.module';
import { ENGAGEMENT_MODEL } from './engagements/engagements.schema';
import { EngagementErasureModule } from './erasure/erasure.module';
import { ORGANISATION_MODELS, OrganisationsModule } from './organisations/organisations.module';
import { ORGANISATION_MODEL } from './organisations/organisations.schema';
import {
  NEEDS_ASSESSMENT_MODELS,
  NeedsAssessmentModule,
} from './needs-assessment/needs-assessment.module';
import { NEEDS_ASSESSMENT_MODEL } from './needs-assessment/needs-assessment.schema';

export type { ConfigSource };

/** The engagement service's platform wiring (see `platformImports`). */
export const ENGAGEMENT_SERVICE: ServiceKit<EngagementConfig> = {
  name: SERVICE_NAME,
  title: 'Trellis engagement service',
  schema: engagementConfigSchema,
  auth: securedAuthOptions,
  crypto: (c) => c,
  kafka: (c) => ({ groupId: c.IDENTITY_EVENTS_GROUP_ID }),
  outbox: {
    models: [
      DESK_MODELS,
      ORGANISATION_MODELS,
      ENGAGEMENT_MODELS,
      NEEDS_ASSESSMENT_MODELS,
      AGREEMENT_MODELS,
    ],
    modelNames: [
      DESK_MODEL,
      ORGANISATION_MODEL,
      ENGAGEMENT_MODEL,
      NEEDS_ASSESSMENT_MODEL,
      AGREEMENT_MODEL,
    ],
    erasureRecords: true,
  },
};

/**
 * The engagement service: desks, organisations, engagements, needs assessments and agreements
 * over one MongoDB database, its part in organisation erasure (`trellis.identity.v1`: the
 * organisation's data deleted, its key shredded), an outbox relay publishing their events to
 * Kafka, JWT
 * authentication on every route, `/health/live`, `/health/ready` and `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    const config = loadConfig(engagementConfigSchema, source);
    return {
      module: AppModule,
      imports: [
        ...platformImports(ENGAGEMENT_SERVICE, source),
        DesksModule,
        OrganisationsModule,
        EngagementsModule,
        NeedsAssessmentModule,
        AgreementsModule.forRoot({ minimumDuration: config.MIN_CADENCE.iso }),
        EngagementErasureModule,
      ],
    };
  }
}

/** Builds the application (not yet listening); see `createServiceApp`. */
export async function createEngagementApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: EngagementConfig; logger: Logger }> {
  return createServiceApp(ENGAGEMENT_SERVICE, AppModule.forRoot(source), source, {
    ...(logger ? { logger } : {}),
  });
}
