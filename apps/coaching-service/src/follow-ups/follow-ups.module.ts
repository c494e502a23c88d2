import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { EngagementsModule } from '../engagements/engagements.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { CheckInWatchdog } from './check-in.watchdog';
import { FollowUpsController } from './follow-ups.controller';
import { FOLLOW_UP_MODEL, followUpSchema } from './follow-ups.schema';
import { FollowUpsService } from './follow-ups.service';

/** Follow-up models, used by the outbox relay too. */
export const FOLLOW_UP_MODELS = MongoModule.forFeature([
  { name: FOLLOW_UP_MODEL, schema: followUpSchema, collection: 'follow_ups' },
]);

/** Follow-ups, site-visit check-ins and their watchdog. */
@Module({
  imports: [FOLLOW_UP_MODELS, EngagementsModule, NotificationsModule],
  controllers: [FollowUpsController],
  providers: [FollowUpsService, CheckInWatchdog],
  exports: [FollowUpsService],
})
export class FollowUpsModule {}
