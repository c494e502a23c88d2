import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { groupDigests, type NotificationKind } from '@trellis/coaching-domain';
import { CONFIG } from '@trellis/platform-config';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import { InjectModel } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { PollingLoop } from '../common/polling-loop';
import type { CoachingConfig } from '../config';
import {
  NOTIFICATION_MODEL,
  NOTIFICATION_SETTINGS_MODEL,
  type NotificationDocument,
  type NotificationSettingsDocument,
} from './notifications.schema';

/** One e-mail. */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** What sends e-mail (a nodemailer transport). */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<unknown>;
  close?(): void;
}

/** Injection token of the {@link MailTransport}; absent when `SMTP_URL` is not set. */
export const MAIL_TRANSPORT = 'COACHING_MAIL_TRANSPORT';

/** A nodemailer SMTP transport for `SMTP_URL`, or `undefined` when e-mail is not configured. */
export function createMailTransport(config: CoachingConfig): MailTransport | undefined {
  if (!config.SMTP_URL) return undefined;
  const options: SMTPTransport.Options = {
    url: config.SMTP_URL,
    connectionTimeout: config.MAIL_TIMEOUT_MS,
    greetingTimeout: config.MAIL_TIMEOUT_MS,
    socketTimeout: config.MAIL_TIMEOUT_MS,
  };
  return createTransport(options);
}

const BATCH = 20;

const SUBJECTS: Record<NotificationKind, string> = {
  reminder: 'Trellis: a new reminder is waiting for you',
  escalation: 'Trellis: an escalation is waiting for you',
  'check-in-missed': 'Trellis: an urgent alert is waiting for you',
};

/** What one run of the sender did. */
export interface MailRunReport {
  sent: number;
  failed: number;
  digests: number;
}

/**
 * Sends the e-mails queued in notifications. Bodies carry no details — no engagement,
 * organisation, obligation or person — only a link to the notification in Trellis.
 *
 * - **One e-mail per notification** (`mail.state = pending`): an attempt first claims the
 *   notification by bumping `mail.attempts` and moving `nextAttemptAt` ahead by the send
 *   timeout (a conditional single-document update, so two senders never both send it), then
 *   sends; on success the state becomes `sent`, on failure `nextAttemptAt` moves by an
 *   exponential backoff (`MAIL_RETRY_MS` doubling up to `MAIL_RETRY_MAX_MS`) and the error code
 *   is kept. Nothing is lost while the SMTP server is down; the inbox entry is there anyway.
 *   A crash between sending and recording it sends that e-mail again (at least once).
 * - **Daily digest** (`mail.state = digest`): at `digestAt` all of a recipient's waiting
 *   notifications go out as one e-mail with one link each; on failure they are tried again
 *   `MAIL_RETRY_MS` later. Each notification is claimed before it goes into a digest, so two
 *   senders never send it twice (at worst they split one digest in two).
 */
@Injectable()
export class MailSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private loop?: PollingLoop;

  constructor(
    @InjectModel(NOTIFICATION_MODEL) private readonly model: Model<NotificationDocument>,
    @InjectModel(NOTIFICATION_SETTINGS_MODEL)
    private readonly settings: Model<NotificationSettingsDocument>,
    @Inject(CONFIG) private readonly config: CoachingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(MAIL_TRANSPORT) private readonly transport?: MailTransport,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.transport || !this.config.MAIL_AUTOSTART) return;
    this.loop = new PollingLoop(
      'mail',
      this.config.MAIL_POLL_MS,
      () => this.runOnce(),
      this.logger.child({ component: 'mail' }),
    );
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop?.stop();
    this.transport?.close?.();
  }

  /** Sends what is due at `now`: single e-mails, then digests. */
  async runOnce(now = new Date()): Promise<MailRunReport> {
    const report: MailRunReport = { sent: 0, failed: 0, digests: 0 };
    if (!this.transport) return report;
    const due = await this.model
      .find({ 'mail.state': 'pending', 'mail.nextAttemptAt': { $lte: now } })
      .sort({ 'mail.nextAttemptAt': 1 })
      .limit(BATCH)
      .lean<NotificationDocument[]>();
    for (const doc of due) {
      const outcome = await this.sendOne(this.transport, doc, now);
      if (outcome === 'sent') report.sent += 1;
      if (outcome === 'failed') report.failed += 1;
    }
    report.digests = await this.sendDigests(this.transport, now);
    return report;
  }

  private async sendOne(
    transport: MailTransport,
    doc: NotificationDocument,
    now: Date,
  ): Promise<'sent' | 'failed' | 'skipped'> {
    const attempts = doc.mail.attempts;
    const claimed = await this.model.updateOne(
      { _id: doc._id, 'mail.state': 'pending', 'mail.attempts': attempts },
      {
        $set: {
          'mail.attempts': attempts + 1,
          'mail.nextAttemptAt': new Date(now.getTime() + this.config.MAIL_TIMEOUT_MS * 3),
        },
      },
    );
    if (claimed.modifiedCount !== 1) return 'skipped'; // another sender has it
    const to = await this.addressOf(doc.recipientId);
    if (!to) {
      await this.model.updateOne({ _id: doc._id }, { $set: { 'mail.state': 'none' } });
      return 'skipped';
    }
    try {
      await transport.sendMail({
        from: this.config.MAIL_FROM,
        to,
        subject: SUBJECTS[doc.kind],
        text: [
          'You have a new notification in Trellis.',
          '',
          `Open it here: ${this.link(doc._id)}`,
          '',
          'This e-mail deliberately carries no details.',
        ].join('\n'),
      });
    } catch (err) {
      const code = errorCode(err);
      const delay = Math.min(
        this.config.MAIL_RETRY_MS * 2 ** Math.min(attempts, 20),
        this.config.MAIL_RETRY_MAX_MS,
      );
      await this.model.updateOne(
        { _id: doc._id, 'mail.attempts': attempts + 1 },
        {
          $set: {
            'mail.nextAttemptAt': new Date(Date.now() + delay),
            'mail.lastError': code,
          },
        },
      );
      this.logger.warn(
        { notificationId: doc._id, attempt: attempts + 1, code, retryInMs: delay },
        'e-mail not sent; will retry',
      );
      return 'failed';
    }
    await this.model.updateOne(
      { _id: doc._id },
      {
        $set: { 'mail.state': 'sent', 'mail.sentAt': new Date() },
        $unset: { 'mail.lastError': 1 },
      },
    );
    return 'sent';
  }

  private async sendDigests(transport: MailTransport, now: Date): Promise<number> {
    const waiting = await this.model
      .find({ 'mail.state': 'digest', 'mail.digestAt': { $lte: now } })
      .sort({ createdAt: 1 })
      .limit(1000)
      .lean<NotificationDocument[]>();
    const digests = groupDigests(
      waiting.map((d) => ({
        notificationId: d._id,
        recipientId: d.recipientId,
        kind: d.kind,
        engagementId: d.engagementId,
        createdAt: d.createdAt,
      })),
    );
    const digestAtOf = new Map(waiting.map((d) => [d._id, d.mail.digestAt]));
    const lease = new Date(now.getTime() + this.config.MAIL_TIMEOUT_MS * 3);
    let sent = 0;
    for (const digest of digests) {
      const to = await this.addressOf(digest.recipientId);
      if (!to) {
        await this.model.updateMany(
          { _id: { $in: digest.notificationIds } },
          { $set: { 'mail.state': 'none' } },
        );
        continue;
      }
      // Claim each notification (conditional on the digestAt read) so that two senders never
      // put the same notification in two e-mails; at worst they split a digest in two.
      const ids: string[] = [];
      for (const id of digest.notificationIds) {
        const claimed = await this.model.updateOne(
          { _id: id, 'mail.state': 'digest', 'mail.digestAt': digestAtOf.get(id) },
          { $set: { 'mail.digestAt': lease } },
        );
        if (claimed.modifiedCount === 1) ids.push(id);
      }
      if (ids.length === 0) continue;
      const total = ids.length;
      try {
        await transport.sendMail({
          from: this.config.MAIL_FROM,
          to,
          subject: `Trellis: your daily digest (${total} notification${total === 1 ? '' : 's'})`,
          text: [
            `You have ${total} new notification${total === 1 ? '' : 's'} in Trellis:`,
            '',
            ...ids.map((id) => this.link(id)),
            '',
            'This e-mail deliberately carries no details.',
          ].join('\n'),
        });
      } catch (err) {
        // Try again after the first retry delay (not at every poll).
        const retryAt = new Date(Date.now() + this.config.MAIL_RETRY_MS);
        await this.model.updateMany(
          { _id: { $in: ids }, 'mail.state': 'digest' },
          { $set: { 'mail.digestAt': retryAt, 'mail.lastError': errorCode(err) } },
        );
        this.logger.warn(
          { code: errorCode(err), notifications: total, retryAt },
          'digest not sent; will retry',
        );
        continue;
      }
      await this.model.updateMany(
        { _id: { $in: ids }, 'mail.state': 'digest' },
        {
          $set: { 'mail.state': 'sent', 'mail.sentAt': new Date() },
          $unset: { 'mail.lastError': 1 },
        },
      );
      sent += 1;
    }
    return sent;
  }

  private async addressOf(userId: string): Promise<string | undefined> {
    const settings = await this.settings
      .findOne({ _id: userId })
      .lean<NotificationSettingsDocument>();
    return settings?.email;
  }

  private link(notificationId: string): string {
    const base = this.config.APP_BASE_URL.replace(/\/+$/, '');
    return `${base}/inbox/${encodeURIComponent(notificationId)}`;
  }
}

/** A short, data-free error code (nodemailer's `code`, e.g. `ECONNECTION`, or the error name). */
function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return code;
    if (typeof name === 'string') return name.slice(0, 40);
  }
  return 'UNKNOWN';
}
