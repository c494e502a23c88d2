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
import { RiskAssessmentsModule } from './assessments/risk-assessments.module';
import { OUTBOX_MODEL_NAMES, RISK_MODELS } from './common/models';
import { riskConfigSchema, SERVICE_NAME, type RiskConfig } from './config';
import { EngagementsModule } from './engagements/engagements.module';
import { RiskErasureModule } from './erasure/erasure.module';
import { IncidentsModule } from './incidents/incidents.module';
import { SecurityPlansModule } from './plans/security-plans.module';
import { ThreatsModule } from './threats/threats.module';
import { SecurityWheelModule } from './wheel/security-wheel.module';

export type { ConfigSource };

/** The risk service's platform wiring (see `platformImports`). */
export const RISK_SERVICE: ServiceKit<RiskConfig> = {
  name: SERVICE_NAME,
  title: 'Trellis risk service',
  schema: riskConfigSchema,
  auth: securedAuthOptions,
  crypto: (c) => c,
  kafka: (c) => ({ groupId: c.ENGAGEMENT_EVENTS_GROUP_ID }),
  outbox: {
    models: [RISK_MODELS],
    modelNames: OUTBOX_MODEL_NAMES,
    erasureRecords: true,
  },
};

/**
 * The risk service: threats (five-step assessment), risk assessments, incidents, the security
 * wheel and security plans over one MongoDB database; a projection of engagements consumed
 * from `trellis.engagement.v1`; its part in organisation erasure (`trellis.identity.v1`); an
 * outbox relay publishing to `trellis.risk.v1` (and the erasure reports); JWT
 * authentication on every route, `/health/live`, `/health/ready` and `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports(RISK_SERVICE, source),
        EngagementsModule,
        ThreatsModule,
        RiskAssessmentsModule,
        IncidentsModule,
        SecurityWheelModule,
        SecurityPlansModule,
        RiskErasureModule,
      ],
    };
  }
}

/** Builds the application (not yet listening); see `createServiceApp`. */
export async function createRiskApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: RiskConfig; logger: Logger }> {
  return createServiceApp(RISK_SERVICE, AppModule.forRoot(source), source, {
    ...(logger ? { logger } : {}),
  });
}
