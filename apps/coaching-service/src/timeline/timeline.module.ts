import { Module } from '@nestjs/common';
import { AutonomyModule } from '../autonomy/autonomy.module';
import { EngagementsModule } from '../engagements/engagements.module';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { TimelineController } from './timeline.controller';
import { TimelineService } from './timeline.service';

/** The engagement timeline. */
@Module({
  imports: [EngagementsModule, FollowUpsModule, AutonomyModule, NotificationsModule],
  controllers: [TimelineController],
  providers: [TimelineService],
})
export class TimelineModule {}
