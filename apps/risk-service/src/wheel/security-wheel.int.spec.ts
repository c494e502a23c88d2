import { SECURITY_WHEEL_SPOKES } from '@trellis/contracts';
import {
  errorCode,
  startRiskApp,
  type RiskTestApp,
  type TestEngagement,
} from '../testing/risk-app.fixture';

const BARRIER = 'Nobody has time to read the security manual.';
const SOLUTION = 'A fifteen-minute security slot in the weekly meeting.';

function spokes(score: number, overrides: Record<string, number> = {}) {
  return Object.fromEntries(
    SECURITY_WHEEL_SPOKES.map((s) => [
      s,
      {
        score: overrides[s] ?? score,
        ...(s === 'training' ? { barriers: BARRIER, solutions: SOLUTION } : {}),
      },
    ]),
  );
}

describe('security wheel on the real servers', () => {
  let t: RiskTestApp;
  let officer: string;
  let engagement: TestEngagement;

  beforeAll(async () => {
    t = await startRiskApp();
    officer = await t.minter.protectionOfficer('desk-mesoamerica', 'officer-2');
    engagement = await t.engagement('desk-mesoamerica');
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  async function score(roundId: string, participantId: string, group: string, body: unknown) {
    const round = await t.call('GET', `/security-wheel/rounds/${roundId}`, officer);
    return t.call(
      'PUT',
      `/security-wheel/rounds/${roundId}/participants/${participantId}`,
      officer,
      {
        version: round.json['version'],
        group,
        spokes: body,
      },
    );
  }

  async function complete(roundId: string) {
    const round = await t.call('GET', `/security-wheel/rounds/${roundId}`, officer);
    return t.call('POST', `/security-wheel/rounds/${roundId}/complete`, officer, {
      version: round.json['version'],
    });
  }

  it('aggregates rounds per spoke with spread and leadership vs staff, compares with the previous round, and publishes the means', async () => {
    const opened = await t.call('POST', '/security-wheel/rounds', officer, engagement);
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({ roundNumber: 1, status: 'open' });
    const first = opened.json['id'] as string;
    expect((await t.call('POST', '/security-wheel/rounds', officer, engagement)).status).toBe(409);

    expect((await score(first, 'p-lead-1', 'leadership', spokes(3, { training: 4 }))).status).toBe(
      200,
    );
    expect((await score(first, 'p-staff-1', 'staff', spokes(1, { training: 0 }))).status).toBe(200);
    // Scoring again replaces the participant's scores.
    expect((await score(first, 'p-staff-1', 'staff', spokes(1, { training: 2 }))).status).toBe(200);

    const done = await complete(first);
    expect(done.status).toBe(200);
    const aggregate = done.json['aggregate'] as {
      participantCount: number;
      spokes: { spoke: string }[];
      spokeMeans: Record<string, number>;
    };
    expect(aggregate.participantCount).toBe(2);
    expect(aggregate.spokes.find((s) => s.spoke === 'training')).toEqual({
      spoke: 'training',
      mean: 3,
      min: 2,
      max: 4,
      range: 2,
      standardDeviation: 1,
      leadershipMean: 4,
      staffMean: 2,
      leadershipStaffGap: 2,
    });
    const participants = done.json['participants'] as { spokes: Record<string, unknown> }[];
    expect(participants[0]?.spokes['training']).toEqual({
      score: 4,
      barriers: BARRIER,
      solutions: SOLUTION,
    });

    const event = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.security-wheel.round-completed' &&
        r.event.payload['wheelRoundId'] === first,
    );
    expect(event.event.payload).toMatchObject({
      roundNumber: 1,
      participantCount: 2,
      spokeMeans: { training: 3, 'on-the-job-experience': 2 },
    });
    expect(event.value).not.toContain(BARRIER);
    const raw = JSON.stringify(
      await t.db.collection('security_wheel_rounds').findOne({ _id: first as never }),
    );
    expect(raw).not.toContain(BARRIER);
    expect(raw).not.toContain(SOLUTION);

    const closed = await score(first, 'p-late', 'staff', spokes(2));
    expect(closed.status).toBe(409);
    expect(errorCode(closed)).toBe('INVALID_STATE_TRANSITION');

    const second = await t.call('POST', '/security-wheel/rounds', officer, engagement);
    expect(second.json).toMatchObject({ roundNumber: 2, previousWheelRoundId: first });
    const secondId = second.json['id'] as string;
    await score(secondId, 'p-lead-1', 'leadership', spokes(3, { training: 4 }));
    await score(secondId, 'p-staff-1', 'staff', spokes(2, { training: 4 }));
    const secondDone = await complete(secondId);
    const comparison = secondDone.json['comparison'] as { spoke: string; change: number }[];
    expect(comparison.find((c) => c.spoke === 'training')).toEqual({
      spoke: 'training',
      previousMean: 3,
      mean: 4,
      change: 1,
    });
    expect(comparison.find((c) => c.spoke === 'evaluation')?.change).toBe(0.5);
    const secondEvent = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.security-wheel.round-completed' &&
        r.event.payload['wheelRoundId'] === secondId,
    );
    expect(secondEvent.event.payload).toMatchObject({
      roundNumber: 2,
      previousWheelRoundId: first,
    });
    const listed = await t.call(
      'GET',
      `/security-wheel/rounds?engagementId=${engagement.engagementId}`,
      officer,
    );
    expect((listed.body as { roundNumber: number }[]).map((r) => r.roundNumber)).toEqual([2, 1]);
  });

  it('refuses scores outside 0–4, missing spokes and empty rounds', async () => {
    const own = await t.engagement('desk-mesoamerica');
    const opened = await t.call('POST', '/security-wheel/rounds', officer, own);
    const id = opened.json['id'] as string;
    const tooHigh = await score(id, 'p1', 'staff', spokes(5));
    expect(tooHigh.status).toBe(400);
    expect(errorCode(tooHigh)).toBe('VALIDATION_FAILED');
    const { training: _omitted, ...missing } = spokes(2);
    const incomplete = await score(id, 'p1', 'staff', missing);
    expect(incomplete.status).toBe(400);
    expect(JSON.stringify(incomplete.json)).toContain('training');
    const empty = await complete(id);
    expect(empty.status).toBe(409);
  });
});
