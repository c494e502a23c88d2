import { uniqueName } from '@trellis/testing';
import {
  escalationRaised,
  programManagerAssigned,
  reminderDue,
  startCoachingApp,
  waitUntil,
  type CoachingTestApp,
  type TestEngagement,
} from '../testing/coaching-app.fixture';
import { freePort, TestSmtpServer } from '../testing/smtp.fixture';
import { MailSender } from './mail.sender';

interface InboxEntry {
  id: string;
  kind: string;
  engagementId: string;
  read: boolean;
  mail: string;
}

describe('reminders become notifications and e-mails (real Kafka, FerretDB and SMTP)', () => {
  let smtp: TestSmtpServer;
  let t: CoachingTestApp;
  let engagement: TestEngagement;
  let officer: string;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await startCoachingApp({ SMTP_URL: smtp.url });
    engagement = await t.createEngagement('desk-andes');
    officer = await t.minter.protectionOfficer('desk-andes', engagement.leadOfficerId);
    const settings = await t.call('PUT', '/me/notification-settings', officer, {
      email: 'officer@trellis.test',
      digest: false,
    });
    expect(settings.status).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('turns a reminder delivered twice into one inbox entry and one e-mail with only a link', async () => {
    const reminderId = uniqueName('rem');
    const event = reminderDue(engagement, { reminderId });
    // The same event twice (a redelivery), and the same reminder re-emitted under a new event id.
    const reEmitted = reminderDue(engagement, { reminderId });
    expect(reEmitted.id).not.toBe(event.id);
    await t.publish(t.topics.reminders, event, event, reEmitted);

    const [mail] = await smtp.waitFor('officer@trellis.test');
    expect(mail?.subject).toBe('Trellis: a new reminder is waiting for you');
    expect(mail?.body).toContain(`https://trellis.test/inbox/reminder%3A${reminderId}`);
    for (const secret of [engagement.engagementId, engagement.organisationId, 'follow-up']) {
      expect(mail?.raw).not.toContain(secret);
    }

    const inbox = await t.call('GET', '/inbox', officer);
    expect(inbox.status).toBe(200);
    const entries = inbox.body as InboxEntry[];
    expect(entries.filter((n) => n.id === `reminder:${reminderId}`)).toHaveLength(1);
    // Give the duplicates every chance to produce a second e-mail.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.to('officer@trellis.test')).toHaveLength(1);
    expect(await t.db.collection('notifications').countDocuments({})).toBe(1);
    const stored = await t.db
      .collection('notifications')
      .findOne({ _id: `reminder:${reminderId}` as never });
    expect(stored?.['mail']).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('counts unread, marks read, and lists by engagement; only for the recipient', async () => {
    const other = await t.createEngagement('desk-andes');
    await t.publish(t.topics.reminders, reminderDue(other, { reminderId: uniqueName('rem') }));
    await waitUntil(
      async () =>
        (await t.call('GET', '/inbox/unread-count', officer)).json['unread'] === 2 ? 1 : 0,
      20_000,
      'two unread notifications',
    );
    const byEngagement = await t.call('GET', `/inbox?engagementId=${other.engagementId}`, officer);
    const entries = byEngagement.body as InboxEntry[];
    expect(entries).toHaveLength(1);
    const id = entries[0]?.id ?? '';

    const someoneElse = await t.minter.protectionOfficer('desk-andes', 'officer-other');
    expect((await t.call('POST', `/inbox/${id}/read`, someoneElse)).status).toBe(404);
    const read = await t.call('POST', `/inbox/${id}/read`, officer);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ id, read: true });
    expect((await t.call('GET', '/inbox/unread-count', officer)).json).toEqual({ unread: 1 });
    const unreadOnly = await t.call('GET', '/inbox?unreadOnly=true', officer);
    expect((unreadOnly.body as InboxEntry[]).map((n) => n.engagementId)).toEqual([
      engagement.engagementId,
    ]);
    expect((await t.call('GET', '/inbox', await t.minter.analyst())).status).toBe(403);
  });

  it("sends an escalation to the engagement's current program manager", async () => {
    const handedOver = await t.createEngagement('desk-andes');
    await t.publish(t.topics.engagement, programManagerAssigned(handedOver, 'pm-new'));
    await waitUntil(
      async () =>
        (
          await t.db
            .collection('engagement_projections')
            .findOne({ _id: handedOver.engagementId as never })
        )?.['programManagerId'] === 'pm-new',
      20_000,
      'program manager hand-over',
    );
    const escalationId = uniqueName('esc');
    const event = escalationRaised(handedOver, {
      escalationId,
      programManagerId: handedOver.programManagerId,
    });
    await t.publish(t.topics.reminders, event, event);
    const pm = await t.minter.programManager('desk-andes', 'pm-new');
    const inbox = await waitUntil(async () => {
      const entries = (await t.call('GET', '/inbox', pm)).body as InboxEntry[];
      return entries.length > 0 ? entries : undefined;
    });
    expect(inbox).toEqual([
      expect.objectContaining({
        id: `escalation:${escalationId}`,
        kind: 'escalation',
        engagementId: handedOver.engagementId,
        mail: 'none', // pm-new gave no e-mail address: inbox only
      }),
    ]);
    const formerPm = await t.minter.programManager('desk-andes', handedOver.programManagerId);
    expect((await t.call('GET', '/inbox', formerPm)).body).toEqual([]);
  });

  it('sends one daily digest instead of one e-mail per reminder for users who chose it', async () => {
    const digestOfficer = await t.minter.protectionOfficer('desk-andes', 'officer-digest');
    await t.call('PUT', '/me/notification-settings', digestOfficer, {
      email: 'digest@trellis.test',
      digest: true,
    });
    const ids = [uniqueName('rem'), uniqueName('rem')];
    await t.publish(
      t.topics.reminders,
      ...ids.map((reminderId) =>
        reminderDue(engagement, { reminderId, assigneeId: 'officer-digest' }),
      ),
    );
    await waitUntil(async () =>
      (await t.call('GET', '/inbox/unread-count', digestOfficer)).json['unread'] === 2 ? 1 : 0,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.to('digest@trellis.test')).toHaveLength(0);

    // The next digest hour: the sender's run at that time sends one e-mail with both links.
    const report = await t.app.get(MailSender).runOnce(new Date(Date.now() + 25 * 3_600_000));
    expect(report.digests).toBe(1);
    const [digest] = await smtp.waitFor('digest@trellis.test');
    expect(digest?.subject).toBe('Trellis: your daily digest (2 notifications)');
    for (const id of ids) expect(digest?.body).toContain(`reminder%3A${id}`);
    expect(
      (await t.app.get(MailSender).runOnce(new Date(Date.now() + 50 * 3_600_000))).digests,
    ).toBe(0);
    expect(smtp.to('digest@trellis.test')).toHaveLength(1);

    // Two senders at once never put a notification into two e-mails.
    const more = [uniqueName('rem'), uniqueName('rem'), uniqueName('rem')];
    await t.publish(
      t.topics.reminders,
      ...more.map((reminderId) =>
        reminderDue(engagement, { reminderId, assigneeId: 'officer-digest' }),
      ),
    );
    await waitUntil(async () =>
      (await t.call('GET', '/inbox/unread-count', digestOfficer)).json['unread'] === 5 ? 1 : 0,
    );
    const later = new Date(Date.now() + 50 * 3_600_000);
    const sender = t.app.get(MailSender);
    const reports = await Promise.all([sender.runOnce(later), sender.runOnce(later)]);
    const digests = reports.reduce((sum, r) => sum + r.digests, 0);
    expect(digests).toBeGreaterThanOrEqual(1);
    const mails = await smtp.waitFor('digest@trellis.test', 1 + digests);
    const bodies = mails
      .slice(1)
      .map((m) => m.body)
      .join('\n');
    for (const id of more) {
      expect(bodies.split(`reminder%3A${id}`).length - 1).toBe(1);
    }
  });
});

describe('an SMTP server that is down', () => {
  it('keeps the notification in the inbox and retries the e-mail until the server is up', async () => {
    const port = await freePort();
    const t = await startCoachingApp({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_RETRY_MS: '200',
      MAIL_RETRY_MAX_MS: '400',
      MAIL_TIMEOUT_MS: '1000',
    });
    let smtp: TestSmtpServer | undefined;
    try {
      const engagement = await t.createEngagement('tru');
      const officer = await t.minter.protectionOfficer('tru', engagement.leadOfficerId);
      await t.call('PUT', '/me/notification-settings', officer, {
        email: 'down@trellis.test',
        digest: false,
      });
      const digestUser = await t.minter.protectionOfficer('tru', 'officer-digest-down');
      await t.call('PUT', '/me/notification-settings', digestUser, {
        email: 'digest-down@trellis.test',
        digest: true,
      });
      const reminderId = uniqueName('rem');
      const digestReminderId = uniqueName('rem');
      await t.publish(
        t.topics.reminders,
        reminderDue(engagement, { reminderId }),
        reminderDue(engagement, {
          reminderId: digestReminderId,
          assigneeId: 'officer-digest-down',
        }),
      );

      // The inbox has it at once; the e-mail failed at least twice and is still pending.
      const failed = await waitUntil(async () => {
        const doc = await t.db
          .collection('notifications')
          .findOne({ _id: `reminder:${reminderId}` as never });
        const mail = doc?.['mail'] as { state: string; attempts: number; lastError?: string };
        return mail && mail.attempts >= 2 ? mail : undefined;
      });
      expect(failed.state).toBe('pending');
      expect(failed.lastError).toEqual(expect.any(String));
      const inbox = (await t.call('GET', '/inbox', officer)).body as InboxEntry[];
      expect(inbox.map((n) => [n.id, n.mail])).toEqual([[`reminder:${reminderId}`, 'pending']]);

      // The daily digest fails too and stays queued.
      await waitUntil(() =>
        t.db.collection('notifications').findOne({ _id: `reminder:${digestReminderId}` as never }),
      );
      const sender = t.app.get(MailSender);
      expect((await sender.runOnce(new Date(Date.now() + 25 * 3_600_000))).digests).toBe(0);
      const queued = await t.db
        .collection('notifications')
        .findOne({ _id: `reminder:${digestReminderId}` as never });
      expect(queued?.['mail']).toMatchObject({ state: 'digest', lastError: expect.any(String) });

      // The server comes up: the e-mail and the digest arrive, once each.
      smtp = await TestSmtpServer.start(port);
      await smtp.waitFor('down@trellis.test', 1, 20_000);
      // (The failed digest is retried MAIL_RETRY_MS later by the sender loop itself.)
      await smtp.waitFor('digest-down@trellis.test', 1, 20_000);
      await waitUntil(async () => {
        const doc = await t.db
          .collection('notifications')
          .findOne({ _id: `reminder:${reminderId}` as never });
        return (doc?.['mail'] as { state: string }).state === 'sent';
      });
      await new Promise((r) => setTimeout(r, 800));
      expect(smtp.to('down@trellis.test')).toHaveLength(1);
      expect(smtp.to('digest-down@trellis.test')).toHaveLength(1);
    } finally {
      await t.close();
      await smtp?.stop();
    }
  });
});
