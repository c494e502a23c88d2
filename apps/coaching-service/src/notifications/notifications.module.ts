import { Module } from '@nestjs/common';
import { CONFIG } from '@trellis/platform-config';
import { MongoModule } from '@trellis/platform-mongo';
import type { CoachingConfig } from '../config';
import { createMailTransport, MAIL_TRANSPORT, MailSender } from './mail.sender';
import { NotificationsController } from './notifications.controller';
import {
  NOTIFICATION_MODEL,
  NOTIFICATION_SETTINGS_MODEL,
  notificationSchema,
  notificationSettingsSchema,
} from './notifications.schema';
import { NotificationsService } from './notifications.service';

/** Notification models. */
export const NOTIFICATION_MODELS = MongoModule.forFeature([
  { name: NOTIFICATION_MODEL, schema: notificationSchema, collection: 'notifications' },
  {
    name: NOTIFICATION_SETTINGS_MODEL,
    schema: notificationSettingsSchema,
    collection: 'notification_settings',
  },
]);

/** Inboxes, notification settings and the e-mail sender. */
@Module({
  imports: [NOTIFICATION_MODELS],
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    MailSender,
    {
      provide: MAIL_TRANSPORT,
      inject: [CONFIG],
      useFactory: (config: CoachingConfig) => createMailTransport(config) ?? null,
    },
  ],
  exports: [NotificationsService, MailSender],
})
export class NotificationsModule {}
