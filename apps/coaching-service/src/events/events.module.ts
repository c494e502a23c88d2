import { Module } from '@nestjs/common';
import { EngagementsModule } from '../engagements/engagements.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { CoachingEventsConsumer } from './events.consumer';

/** The Kafka consumer of the engagement and reminders topics. */
@Module({
  imports: [EngagementsModule, NotificationsModule],
  providers: [CoachingEventsConsumer],
  exports: [CoachingEventsConsumer],
})
export class EventsModule {}
