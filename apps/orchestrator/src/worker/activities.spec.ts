import { ApplicationFailure } from '@temporalio/common';
import { parseEvent, ReminderDueV1, eventFixture } from '@trellis/contracts';
import { ACTIVITY_NAMES } from '@trellis/workflows';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities, httpEngagementPhaseClient } from './activities';

describe('createActivities', () => {
  it('implements every activity the workflows proxy', () => {
    const activities = createActivities({
      producer: { publish: () => Promise.resolve([]) },
      phases: { setPhase: () => Promise.resolve() },
    }) as unknown as Record<string, unknown>;
    for (const name of ACTIVITY_NAMES) expect(typeof activities[name]).toBe('function');
    expect(Object.keys(activities).sort()).toEqual([...ACTIVITY_NAMES].sort());
  });

  it('publishes a contract-valid reminder with the workflow’s deterministic id, keyed by engagement', async () => {
    const sent: { topic: string; key: string; event: unknown }[] = [];
    const activities = createActivities({
      producer: {
        publish: (topic, e) => {
          const one = Array.isArray(e) ? e[0] : e;
          sent.push({ topic, key: one.key, event: one.event });
          return Promise.resolve([]);
        },
      },
      phases: { setPhase: () => Promise.resolve() },
      topicPrefix: 'p.',
    });
    const fixture = eventFixture(ReminderDueV1);
    const input = {
      eventId: fixture.id,
      occurredAt: fixture.occurredAt,
      engagementId: fixture.engagementId,
      organisationId: fixture.organisationId,
      unitId: fixture.unitId,
      payload: fixture.payload,
    };
    await activities.publishReminder(input);
    await activities.publishReminder(input); // a retry: same event, consumers drop it by id
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual(sent[1]);
    expect(sent[0].topic).toBe('p.trellis.reminders.v1');
    expect(sent[0].key).toBe(fixture.engagementId);
    const event = parseEvent(sent[0].event);
    expect(event).toMatchObject({
      id: fixture.id,
      type: 'reminders.reminder.due',
      actor: { kind: 'service', id: 'orchestrator' },
    });
  });
});

describe('httpEngagementPhaseClient', () => {
  let server: Server;
  let status = 204;
  const seen: { auth?: string; url?: string; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, url: req.url, body });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          status === 204
            ? undefined
            : JSON.stringify({
                error: { code: status === 409 ? 'INVALID_STATE_TRANSITION' : 'INTERNAL' },
              }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const client = () =>
    httpEngagementPhaseClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () =>
      Promise.resolve('svc-token'),
    );
  const input = {
    engagementId: 'eng-1',
    request: {
      requestId: 'r-1',
      phase: 'implementation',
      expectedPhase: 'agreement',
      reason: 'agreement-activated',
    },
  } as const;

  it('PUTs the phase with a service token', async () => {
    status = 204;
    await client().setPhase(input);
    expect(seen.at(-1)).toMatchObject({
      auth: 'Bearer svc-token',
      url: '/internal/engagements/eng-1/phase',
    });
    expect(JSON.parse(seen.at(-1)!.body)).toEqual(input.request);
  });

  it('makes a 409 non-retryable and lets a 5xx be retried', async () => {
    status = 409;
    const conflict = await client()
      .setPhase(input as never)
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ApplicationFailure);
    expect((conflict as ApplicationFailure).nonRetryable).toBe(true);
    expect((conflict as ApplicationFailure).type).toBe('INVALID_STATE_TRANSITION');
    status = 503;
    const outage = await client()
      .setPhase(input as never)
      .catch((e: unknown) => e);
    expect(outage).not.toBeInstanceOf(ApplicationFailure);
    expect((outage as Error).message).toMatch(/503/);
  });
});
