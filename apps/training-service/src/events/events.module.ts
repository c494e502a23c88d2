import { Module } from '@nestjs/common';
import { EngagementsModule } from '../engagements/engagements.module';
import { TrainingPlansModule } from '../plans/training-plans.module';
import { EngagementEventsConsumer } from './engagement-events.consumer';

/** The consumer of `trellis.engagement.v1`. */
@Module({
  imports: [EngagementsModule, TrainingPlansModule],
  providers: [EngagementEventsConsumer],
})
export class EventsModule {}
