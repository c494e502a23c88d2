import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { z } from 'zod';
import {
  InboxQuerySchema,
  NotificationIdParamSchema,
  NotificationSettingsSchema,
  NotificationViewSchema,
  UnreadCountSchema,
  type InboxQuery,
  type NotificationSettings,
  type NotificationView,
} from './notifications.schema';
import { NotificationsService } from './notifications.service';

const USERS = ['admin', 'program-manager', 'protection-officer', 'defender'] as const;

/** `/inbox` and `/me/notification-settings`: each user's own notifications and settings. */
@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('inbox')
  @Roles(...USERS)
  @ApiOperation({
    summary: "The caller's notifications, newest first (filter by engagement, unread only)",
    tags: ['inbox'],
    roles: [...USERS],
    query: InboxQuerySchema,
    response: z.array(NotificationViewSchema),
  })
  inbox(
    @ValidQuery(InboxQuerySchema) query: InboxQuery,
    @CurrentUser() user: Principal,
  ): Promise<NotificationView[]> {
    return this.notifications.inbox(user, query);
  }

  @Get('inbox/unread-count')
  @Roles(...USERS)
  @ApiOperation({
    summary: "How many of the caller's notifications are unread",
    tags: ['inbox'],
    roles: [...USERS],
    response: UnreadCountSchema,
  })
  async unreadCount(@CurrentUser() user: Principal): Promise<{ unread: number }> {
    return { unread: await this.notifications.unreadCount(user) };
  }

  @Post('inbox/:notificationId/read')
  @HttpCode(200)
  @Roles(...USERS)
  @ApiOperation({
    summary: 'Mark one of the caller’s notifications read',
    tags: ['inbox'],
    roles: [...USERS],
    params: { notificationId: NotificationIdParamSchema },
    response: NotificationViewSchema,
    errors: ['NOT_FOUND'],
  })
  markRead(
    @ValidParam('notificationId', NotificationIdParamSchema) notificationId: string,
    @CurrentUser() user: Principal,
  ): Promise<NotificationView> {
    return this.notifications.markRead(user, notificationId);
  }

  @Get('me/notification-settings')
  @Roles(...USERS)
  @ApiOperation({
    summary: "The caller's e-mail address for notifications and the digest option",
    tags: ['inbox'],
    roles: [...USERS],
    response: NotificationSettingsSchema,
  })
  getSettings(@CurrentUser() user: Principal): Promise<NotificationSettings> {
    return this.notifications.getSettings(user);
  }

  @Put('me/notification-settings')
  @Roles(...USERS)
  @ApiOperation({
    summary: 'Set the e-mail address (none: inbox only) and the daily digest option',
    tags: ['inbox'],
    roles: [...USERS],
    body: NotificationSettingsSchema,
    response: NotificationSettingsSchema,
  })
  putSettings(
    @ValidBody(NotificationSettingsSchema) body: NotificationSettings,
    @CurrentUser() user: Principal,
  ): Promise<NotificationSettings> {
    return this.notifications.putSettings(user, body);
  }
}
