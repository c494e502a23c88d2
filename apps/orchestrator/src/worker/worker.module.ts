import { Module } from '@nestjs/common';
import { CONFIG } from '@trellis/platform-config';
import { ServiceTokenIssuer } from '@trellis/platform-auth';
import { EventProducer } from '@trellis/platform-kafka';
import type { OrchestratorConfig } from '../config';
import { SERVICE_NAME } from '../config';
import { createActivities, httpEngagementPhaseClient } from './activities';
import { WORKFLOW_ACTIVITIES, WorkerService } from './worker.service';

@Module({
  providers: [
    {
      provide: WORKFLOW_ACTIVITIES,
      inject: [EventProducer, CONFIG],
      useFactory: (producer: EventProducer, c: OrchestratorConfig) => {
        const tokens = new ServiceTokenIssuer({
          service: SERVICE_NAME,
          issuer: c.JWT_ISSUER,
          audience: c.JWT_AUDIENCE,
          privateKey: c.SERVICE_TOKEN_PRIVATE_JWK,
        });
        return createActivities({
          producer,
          phases: httpEngagementPhaseClient(c.ENGAGEMENT_SERVICE_URL, () => tokens.token()),
          topicPrefix: c.TOPIC_PREFIX,
        });
      },
    },
    WorkerService,
  ],
})
export class WorkerModule {}
