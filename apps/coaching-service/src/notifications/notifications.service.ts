import { Inject, Injectable } from '@nestjs/common';
import type { EventOf, EscalationRaisedV1, ReminderDueV1 } from '@trellis/contracts';
import { nextDigestAt, type NotificationKind } from '@trellis/coaching-domain';
import type { Principal } from '@trellis/platform-auth';
import { CONFIG } from '@trellis/platform-config';
import { InjectModel, isDuplicateKeyError, NotFoundError } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import type { CoachingConfig } from '../config';
import type { EngagementProjection } from '../engagements/engagement-projection.schema';
import {
  NOTIFICATION_MODEL,
  NOTIFICATION_SETTINGS_MODEL,
  toNotificationView,
  type InboxQuery,
  type NotificationDocument,
  type NotificationMail,
  type NotificationSettings,
  type NotificationSettingsDocument,
  type NotificationView,
} from './notifications.schema';

const LIST_LIMIT = 100;

/** What a new notification is about (its `_id` makes it unique). */
export interface NewNotification {
  id: string;
  recipientId: string;
  kind: NotificationKind;
  engagementId: string;
  organisationId: string;
  unitId: string;
  obligationId?: string;
  obligationKind?: string;
  subjectId?: string;
  stage?: string;
  dueAt?: Date;
  sourceEventId: string;
}

/** Whether a notification was created, or already existed (a redelivered reminder). */
export type NotifyResult = 'created' | 'duplicate';

/**
 * Users' inboxes. Each reminder, escalation or missed check-in becomes one notification for
 * one recipient — inserted under an id derived from it, so a redelivery inserts nothing — with
 * its e-mail queued in the same document (`mail`), sent later by the `MailSender` loop.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectModel(NOTIFICATION_MODEL) private readonly model: Model<NotificationDocument>,
    @InjectModel(NOTIFICATION_SETTINGS_MODEL)
    private readonly settings: Model<NotificationSettingsDocument>,
    @Inject(CONFIG) private readonly config: CoachingConfig,
  ) {}

  /**
   * Inserts the notification with its e-mail queued (`pending`, or `digest` for users who
   * chose the daily digest; `none` without an address). A second call for the same id changes
   * nothing and answers `duplicate`.
   */
  async notify(input: NewNotification, now = new Date()): Promise<NotifyResult> {
    const settings = await this.settings
      .findOne({ _id: input.recipientId })
      .lean<NotificationSettingsDocument>();
    const mail: NotificationMail = !settings?.email
      ? { state: 'none', attempts: 0 }
      : settings.digest
        ? { state: 'digest', attempts: 0, digestAt: nextDigestAt(now, this.config.DIGEST_HOUR_UTC) }
        : { state: 'pending', attempts: 0, nextAttemptAt: now };
    const { id, ...rest } = input;
    try {
      await this.model.create({ _id: id, ...rest, read: false, mail, createdAt: now });
      return 'created';
    } catch (err) {
      if (isDuplicateKeyError(err)) return 'duplicate';
      throw err;
    }
  }

  /** A reminder goes to the obligation's assignee. */
  fromReminder(event: EventOf<typeof ReminderDueV1>): Promise<NotifyResult> {
    const p = event.payload;
    return this.notify({
      id: `reminder:${p.reminderId}`,
      recipientId: p.assigneeId,
      kind: 'reminder',
      engagementId: event.engagementId,
      organisationId: event.organisationId,
      unitId: event.unitId,
      obligationId: p.obligationId,
      obligationKind: p.obligationKind,
      ...(p.subjectId ? { subjectId: p.subjectId } : {}),
      stage: p.stage,
      dueAt: new Date(p.dueAt),
      sourceEventId: event.id,
    });
  }

  /**
   * An escalation goes to the engagement's program manager: the current one of the projection
   * (a hand-over after the obligation opened moves it), else the one named in the event. An
   * escalation of a site-visit check-in is the missed check-in alert itself, one per check-in
   * (the check-in watchdog raises the same one).
   */
  fromEscalation(
    event: EventOf<typeof EscalationRaisedV1>,
    engagement: EngagementProjection | undefined,
  ): Promise<NotifyResult> {
    const p = event.payload;
    const checkIn = p.obligationKind === 'site-visit-check-in' && p.subjectId;
    return this.notify({
      id: checkIn ? `check-in-missed:${p.subjectId}` : `escalation:${p.escalationId}`,
      recipientId: engagement?.programManagerId ?? p.programManagerId,
      kind: checkIn ? 'check-in-missed' : 'escalation',
      engagementId: event.engagementId,
      organisationId: event.organisationId,
      unitId: event.unitId,
      obligationId: p.obligationId,
      obligationKind: p.obligationKind,
      ...(p.subjectId ? { subjectId: p.subjectId } : {}),
      dueAt: new Date(p.dueAt),
      sourceEventId: event.id,
    });
  }

  /** The caller's notifications, newest first (at most 100). */
  async inbox(principal: Principal, query: InboxQuery): Promise<NotificationView[]> {
    const docs = await this.model
      .find({
        recipientId: principal.id,
        ...(query.engagementId ? { engagementId: query.engagementId } : {}),
        ...(query.unreadOnly === 'true' ? { read: false } : {}),
      })
      .sort({ createdAt: -1 })
      .limit(LIST_LIMIT)
      .lean<NotificationDocument[]>();
    return docs.map(toNotificationView);
  }

  /** How many of the caller's notifications are unread. */
  unreadCount(principal: Principal): Promise<number> {
    return this.model.countDocuments({ recipientId: principal.id, read: false }).exec();
  }

  /** Marks one of the caller's notifications read (again: no change); 404 for others'. */
  async markRead(principal: Principal, notificationId: string): Promise<NotificationView> {
    const filter = { _id: notificationId, recipientId: principal.id };
    await this.model.updateOne(
      { ...filter, read: false },
      { $set: { read: true, readAt: new Date() } },
    );
    const doc = await this.model.findOne(filter).lean<NotificationDocument>();
    if (!doc) throw new NotFoundError('Notification');
    return toNotificationView(doc);
  }

  /** Every notification of an engagement (the timeline), oldest first. */
  async ofEngagement(engagementId: string): Promise<NotificationDocument[]> {
    return this.model
      .find({ engagementId })
      .sort({ createdAt: 1 })
      .limit(1000)
      .lean<NotificationDocument[]>();
  }

  /** The caller's settings (no address and no digest until set). */
  async getSettings(principal: Principal): Promise<NotificationSettings> {
    const doc = await this.settings
      .findOne({ _id: principal.id })
      .lean<NotificationSettingsDocument>();
    return { ...(doc?.email ? { email: doc.email } : {}), digest: doc?.digest ?? false };
  }

  /** Replaces the caller's settings; they apply to notifications created from now on. */
  async putSettings(
    principal: Principal,
    settings: NotificationSettings,
  ): Promise<NotificationSettings> {
    await this.settings.replaceOne(
      { _id: principal.id },
      {
        ...(settings.email ? { email: settings.email } : {}),
        digest: settings.digest,
        updatedAt: new Date(),
      },
      { upsert: true },
    );
    return this.getSettings(principal);
  }
}
