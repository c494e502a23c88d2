import { Module } from '@nestjs/common';
import { RISK_MODELS } from '../common/models';
import { EngagementEventsConsumer } from './engagement-events.consumer';
import { KnownEngagementsService } from './known-engagements.service';

/** The local projection of engagements, fed by `trellis.engagement.v1`. */
@Module({
  imports: [RISK_MODELS],
  providers: [KnownEngagementsService, EngagementEventsConsumer],
  exports: [KnownEngagementsService],
})
export class EngagementsModule {}
