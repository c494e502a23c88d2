import ICAL from 'ical.js';
import {
  errorCode,
  startTrainingApp,
  type CallResult,
  type TestEngagement,
  type TrainingTestApp,
} from '../testing/training-app.fixture';

const INTRO = 'training-module.introduction-to-security-and-protection';
const RISK = 'training-module.risk-analysis';
const DAY = 86_400_000;

interface ParsedEvent {
  uid: string;
  summary: string;
  start: string;
  end: string;
}

/** Parses a feed with ical.js (a standard iCalendar parser), not by matching strings. */
function parseFeed(res: CallResult): ParsedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(res.text));
  expect(calendar.name).toBe('vcalendar');
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
    };
  });
}

describe('iCalendar feeds of upcoming sessions on the real servers', () => {
  let t: TrainingTestApp;
  let engagement: TestEngagement;
  let officer: string;
  let defender: string;
  const ids: Record<string, string> = {};

  async function schedule(name: string, days: number, facilitatorId: string, moduleIds: string[]) {
    const start = Math.ceil((Date.now() + days * DAY) / 3_600_000) * 3_600_000;
    const res = await t.call('POST', '/sessions', officer, {
      engagementId: engagement.engagementId,
      moduleIds,
      level: 'basic',
      mode: 'remote',
      facilitatorId,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 2 * 3_600_000).toISOString(),
    });
    expect(res.status).toBe(201);
    ids[name] = res.json['id'] as string;
    return res;
  }

  beforeAll(async () => {
    t = await startTrainingApp({ CALENDAR_BASE_URL: 'https://trellis.test/api/training/' });
    engagement = await t.engagement('tru');
    officer = await t.minter.protectionOfficer('tru', 'officer-cal');
    defender = await t.minter.defender(engagement.organisationId, 'defender-cal');
    await schedule('mine', 5, 'officer-cal', [INTRO]);
    await schedule('colleague', 6, 'officer-other', [INTRO, RISK]);
    const cancelled = await schedule('cancelled', 7, 'officer-cal', [INTRO]);
    await t.call('POST', `/sessions/${ids['cancelled'] ?? ''}/cancel`, officer, {
      version: cancelled.json['version'],
      reason: 'replaced',
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it("serves an officer's upcoming sessions as iCalendar behind the token", async () => {
    const created = await t.call('POST', '/calendar/feeds', officer, { kind: 'officer' });
    expect(created.status).toBe(201);
    const token = created.json['token'] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.json['url']).toBe(
      `https://trellis.test/api/training/calendar/feeds/${token}.ics`,
    );
    const stored = JSON.stringify(await t.db.collection('calendar_feeds').find().toArray());
    expect(stored).not.toContain(token);

    const feed = await t.call('GET', `/calendar/feeds/${token}.ics`);
    expect(feed.status).toBe(200);
    expect(String(feed.headers['content-type'])).toMatch(/^text\/calendar/);
    const events = parseFeed(feed);
    expect(events.map((e) => e.uid)).toEqual([`${ids['mine'] ?? ''}@training.trellis`]);
    expect(events[0]?.summary).toBe('Training: Introduction to security and protection (basic)');
    const session = await t.call('GET', `/sessions/${ids['mine'] ?? ''}`, officer);
    expect(events[0]?.start).toBe(session.json['startsAt']);
    expect(events[0]?.end).toBe(session.json['endsAt']);
  });

  it("serves the organisation's upcoming sessions to its defenders, rotates tokens and answers 404 for unknown ones", async () => {
    const first = await t.call('POST', '/calendar/feeds', defender, {
      kind: 'organisation',
      engagementId: engagement.engagementId,
    });
    expect(first.status).toBe(201);
    expect(first.json['subjectId']).toBe(engagement.organisationId);
    const oldToken = first.json['token'] as string;
    const events = parseFeed(await t.call('GET', `/calendar/feeds/${oldToken}.ics`));
    expect(events.map((e) => e.uid).sort()).toEqual(
      [
        `${ids['mine'] ?? ''}@training.trellis`,
        `${ids['colleague'] ?? ''}@training.trellis`,
      ].sort(),
    );

    const rotated = await t.call('POST', '/calendar/feeds', officer, {
      kind: 'organisation',
      engagementId: engagement.engagementId,
    });
    const newToken = rotated.json['token'] as string;
    expect(newToken).not.toBe(oldToken);
    const gone = await t.call('GET', `/calendar/feeds/${oldToken}.ics`);
    expect(gone.status).toBe(404);
    expect(errorCode(gone)).toBe('NOT_FOUND');
    expect((await t.call('GET', `/calendar/feeds/${newToken}.ics`)).status).toBe(200);
    expect((await t.call('GET', `/calendar/feeds/${'x'.repeat(43)}.ics`)).status).toBe(404);
    expect((await t.call('GET', '/calendar/feeds/garbage')).status).toBe(404);
  });

  it('refuses an officer feed to defenders, other organisations and analysts', async () => {
    expect((await t.call('POST', '/calendar/feeds', defender, { kind: 'officer' })).status).toBe(
      403,
    );
    const stranger = await t.minter.defender('another-organisation');
    expect(
      (
        await t.call('POST', '/calendar/feeds', stranger, {
          kind: 'organisation',
          engagementId: engagement.engagementId,
        })
      ).status,
    ).toBe(404);
    expect(
      (await t.call('POST', '/calendar/feeds', await t.minter.analyst(), { kind: 'officer' }))
        .status,
    ).toBe(403);
    expect((await t.call('POST', '/calendar/feeds', officer, { kind: 'everyone' })).status).toBe(
      400,
    );
  });
});
