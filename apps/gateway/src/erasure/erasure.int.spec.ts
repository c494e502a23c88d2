import {
  createEvent,
  encodeEvent,
  eventKey,
  OrganisationPurgedV1,
  SERVICE_IDS,
  TOPICS,
} from '@trellis/contracts';
import { createTestTopics, testKafka, TopicWatcher, uniqueName } from '@trellis/testing';
import type { Kafka, Producer } from 'kafkajs';
import { startGateway, type GatewayTestApp } from '../testing/gateway-app.fixture';

/*
 * Organisation erasure through the gateway on real Kafka and MongoDB: request, confirmation
 * (wrong code / wrong organisation refused), `erasure-requested` published through the outbox,
 * purge reports collected idempotently, users removed and `erasure-completed` published when
 * every participant reported; the report tells what was done.
 */

const PARTICIPANTS = ['engagement-service', 'risk-service'] as const;

describe('organisation erasure', () => {
  let gw: GatewayTestApp;
  let admin: string;
  let kafka: Kafka;
  let producer: Producer;
  let identity: TopicWatcher;

  // A topic of this run only: services of other systems on the same Kafka never see it.
  const prefix = `${uniqueName('gw')}.`;
  const topic = `${prefix}${TOPICS.identity}`;
  let topics: { deleteAll(): Promise<void> };

  beforeAll(async () => {
    kafka = testKafka();
    topics = await createTestTopics(kafka, [{ topic, numPartitions: 2 }]);
    identity = await TopicWatcher.start(kafka, topic);
    gw = await startGateway({
      TOPIC_PREFIX: prefix,
      CONSUME_ERASURE_EVENTS: 'true',
      ERASURE_PARTICIPANTS: PARTICIPANTS.join(','),
    });
    admin = (await gw.login('root-admin', gw.adminPassword)).accessToken;
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await identity.stop();
    await gw.close();
    await topics.deleteAll();
  });

  const purged = async (
    service: (typeof SERVICE_IDS)[number],
    erasureRequestId: string,
    organisationId: string,
    count: number,
  ) => {
    const event = createEvent(OrganisationPurgedV1, {
      organisationId,
      actor: { kind: 'service', id: service },
      payload: {
        erasureRequestId,
        organisationId,
        service,
        keyErased: true,
        removed: [{ kind: 'records', count }],
      },
    });
    await producer.send({
      topic,
      messages: [{ key: eventKey(event), value: encodeEvent(event) }],
    });
    return event;
  };

  it('erases an organisation after confirmation and reports what each service did', async () => {
    const organisationId = uniqueName('org');
    const otherOrganisation = uniqueName('org');
    for (const [username, org] of [
      ['def.a1', organisationId],
      ['def.a2', organisationId],
      ['def.b1', otherOrganisation],
    ] as const) {
      const r = await gw.call('POST', '/api/admin/users', {
        token: admin,
        body: {
          username,
          password: 'a long enough passphrase',
          roles: ['defender'],
          organisationId: org,
        },
      });
      expect(r.status).toBe(201);
    }

    const requested = await gw.call(
      'POST',
      `/api/admin/organisations/${organisationId}/erasure-requests`,
      {
        token: admin,
      },
    );
    expect(requested.status).toBe(201);
    expect(requested.json).toMatchObject({ status: 'awaiting-confirmation', organisationId });
    const id = String(requested.json['erasureRequestId']);
    const code = String(requested.json['confirmationCode']);
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    // Nothing happens before the confirmation; a wrong code or organisation is refused.
    const wrongCode = await gw.call('POST', `/api/admin/erasure-requests/${id}/confirm`, {
      token: admin,
      body: { confirmationCode: 'AAAA-2222', organisationId },
    });
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.json['error']).toMatchObject({ fields: [{ path: 'confirmationCode' }] });
    const wrongOrg = await gw.call('POST', `/api/admin/erasure-requests/${id}/confirm`, {
      token: admin,
      body: { confirmationCode: code, organisationId: otherOrganisation },
    });
    expect(wrongOrg.json['error']).toMatchObject({ fields: [{ path: 'organisationId' }] });
    // The report never shows the code again.
    const pendingReport = await gw.call('GET', `/api/admin/erasure-requests/${id}`, {
      token: admin,
    });
    expect(pendingReport.json).not.toHaveProperty('confirmationCode');

    const confirmed = await gw.call('POST', `/api/admin/erasure-requests/${id}/confirm`, {
      token: admin,
      body: { confirmationCode: code, organisationId },
    });
    expect(confirmed.status).toBe(202);
    expect(confirmed.json).toMatchObject({ status: 'in-progress', pending: [...PARTICIPANTS] });
    const again = await gw.call('POST', `/api/admin/erasure-requests/${id}/confirm`, {
      token: admin,
      body: { confirmationCode: code, organisationId },
    });
    expect(again.status).toBe(409);

    const request = await identity.waitForType(
      'identity.organisation.erasure-requested',
      organisationId,
    );
    expect(request.event.payload).toEqual({ erasureRequestId: id, organisationId });

    // Reports arrive (one twice: redelivery is harmless).
    await purged('engagement-service', id, organisationId, 7);
    await purged('engagement-service', id, organisationId, 7);
    const midway = async () =>
      (await gw.call('GET', `/api/admin/erasure-requests/${id}`, { token: admin })).json;
    for (let i = 0; i < 100 && ((await midway())['participants'] as unknown[]).length < 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await midway()).toMatchObject({ status: 'in-progress', pending: ['risk-service'] });
    await purged('risk-service', id, organisationId, 3);

    const completed = await identity.waitForType(
      'identity.organisation.erasure-completed',
      organisationId,
    );
    expect(completed.event.payload).toEqual({ erasureRequestId: id, organisationId });
    const report = await midway();
    expect(report).toMatchObject({
      status: 'completed',
      pending: [],
      usersRemoved: 2,
      participants: [
        {
          service: 'engagement-service',
          keyErased: true,
          removed: [{ kind: 'records', count: 7 }],
        },
        { service: 'risk-service', keyErased: true, removed: [{ kind: 'records', count: 3 }] },
      ],
    });
    // The organisation's users are gone; the other organisation's stay.
    expect(await gw.db.collection('users').countDocuments({ organisationId })).toBe(0);
    expect(
      await gw.db.collection('users').countDocuments({ organisationId: otherOrganisation }),
    ).toBe(1);
    const login = await gw.call('POST', '/api/identity/login', {
      body: { username: 'def.a1', password: 'a long enough passphrase' },
    });
    expect(login.status).toBe(401);
    // The audit trail kept the steps (ids only).
    const audit = await gw.call('GET', '/api/admin/audit?limit=1000', { token: admin });
    const actions = (JSON.parse(audit.body) as { action: string; status: number }[]).map(
      (e) => `${e.action}:${e.status}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'erasure.requested:201',
        'erasure.confirmed:400',
        'erasure.confirmed:202',
      ]),
    );
  });

  it('only admins may erase', async () => {
    await gw.call('POST', '/api/admin/users', {
      token: admin,
      body: {
        username: 'pm.x',
        password: 'a long enough passphrase',
        roles: ['program-manager'],
        unitId: 'tru',
      },
    });
    const pm = await gw.login('pm.x', 'a long enough passphrase');
    const r = await gw.call('POST', '/api/admin/organisations/org-z/erasure-requests', {
      token: pm.accessToken,
    });
    expect(r.status).toBe(403);
  });
});
