import {
  errorCode,
  startEngagementApp,
  type EngagementTestApp,
} from '../testing/engagement-app.fixture';

describe('desks on the real servers', () => {
  let t: EngagementTestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startEngagementApp();
    admin = await t.minter.admin('admin-1');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates a desk and publishes engagement.desk.created through the outbox', async () => {
    const res = await t.call('POST', '/desks', admin, {
      id: 'desk-andes',
      name: 'Andes desk',
      countries: ['CO', 'PE'],
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      id: 'desk-andes',
      name: 'Andes desk',
      countries: ['CO', 'PE'],
      version: 0,
    });

    const received = await t.events.waitForType('engagement.desk.created', 'desk-andes');
    expect(received.event).toMatchObject({
      type: 'engagement.desk.created',
      version: 1,
      unitId: 'desk-andes',
      actor: { kind: 'user', id: 'admin-1', role: 'admin' },
      payload: { deskId: 'desk-andes', countries: ['CO', 'PE'] },
    });
    expect(received.headers['x-event-id']).toBe(received.event.id);
    // Published once, and the outbox is emptied after publishing.
    await new Promise((r) => setTimeout(r, 300));
    expect(t.events.deliveries(received.event.id)).toHaveLength(1);
    const stored = await t.db.collection('desks').findOne({ _id: 'desk-andes' as never });
    expect(stored?.['outbox']).toEqual([]);

    const list = await t.call('GET', '/desks', await t.minter.protectionOfficer('desk-andes'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ id: 'desk-andes' })]);
    const one = await t.call('GET', '/desks/desk-andes', admin);
    expect(one.json).toMatchObject({ id: 'desk-andes', countries: ['CO', 'PE'] });
  });

  it('carries the request\u2019s correlation id into the event and its Kafka headers', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/desks',
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': 'application/json',
        'x-correlation-id': 'corr-desk-42',
      },
      payload: JSON.stringify({ id: 'desk-corr', name: 'Correlated', countries: ['BO'] }),
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-correlation-id']).toBe('corr-desk-42');
    const received = await t.events.waitForType('engagement.desk.created', 'desk-corr');
    expect(received.event.correlationId).toBe('corr-desk-42');
    expect(received.headers['x-correlation-id']).toBe('corr-desk-42');
  });

  it('answers 400 UNKNOWN_COUNTRY with the field for a country code that is not assigned', async () => {
    const res = await t.call('POST', '/desks', admin, { name: 'Nowhere', countries: ['KE', 'XX'] });
    expect(res.status).toBe(400);
    expect(res.json['error']).toMatchObject({
      code: 'UNKNOWN_COUNTRY',
      fields: [{ path: 'countries.1', message: expect.stringMatching(/ISO 3166-1/) }],
    });
    const lower = await t.call('POST', '/desks', admin, { name: 'Lower', countries: ['ke'] });
    expect(lower.status).toBe(400);
    expect(errorCode(lower)).toBe('UNKNOWN_COUNTRY');
  });

  it('answers 400 VALIDATION_FAILED for other invalid input, naming the fields', async () => {
    const res = await t.call('POST', '/desks', admin, { countries: ['KE', 'KE'], extra: 1 });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    const paths = (res.json['error'] as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'countries']));
    const tru = await t.call('POST', '/desks', admin, { id: 'tru', name: 'x', countries: ['KE'] });
    expect(tru.status).toBe(400);
    expect(errorCode(tru)).toBe('VALIDATION_FAILED');
  });

  it('answers malformed JSON with 400 and oversized bodies with 413', async () => {
    const malformed = await t.call('POST', '/desks', admin, '{"name": "x", countries');
    expect(malformed.status).toBe(400);
    expect(errorCode(malformed)).toBe('MALFORMED_JSON');
    const big = await t.call('POST', '/desks', admin, {
      name: 'x'.repeat(2 * 1024 * 1024),
      countries: ['KE'],
    });
    expect(big.status).toBe(413);
    expect(errorCode(big)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a country another desk covers with 409 COUNTRY_ALREADY_COVERED naming it', async () => {
    await t.call('POST', '/desks', admin, { id: 'desk-east', name: 'East', countries: ['KE'] });
    const res = await t.call('POST', '/desks', admin, {
      id: 'desk-horn',
      name: 'Horn',
      countries: ['ET', 'KE'],
    });
    expect(res.status).toBe(409);
    expect(res.json['error']).toMatchObject({
      code: 'COUNTRY_ALREADY_COVERED',
      message: expect.stringContaining('KE'),
      fields: [{ path: 'countries.1', message: expect.stringContaining('desk-east') }],
    });
    // Nothing of the refused desk remains: ET is still free.
    const et = await t.call('POST', '/desks', admin, {
      id: 'desk-et',
      name: 'ET',
      countries: ['ET'],
    });
    expect(et.status).toBe(201);
  });

  it('lets exactly one of two concurrent desks claim the same country', async () => {
    const [a, b] = await Promise.all([
      t.call('POST', '/desks', admin, { id: 'race-a', name: 'A', countries: ['BR', 'AR'] }),
      t.call('POST', '/desks', admin, { id: 'race-b', name: 'B', countries: ['UY', 'AR'] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(errorCode(loser)).toBe('COUNTRY_ALREADY_COVERED');
    const desks = (await t.call('GET', '/desks', admin)).body as { countries: string[] }[];
    expect(desks.filter((d) => d.countries.includes('AR'))).toHaveLength(1);
  });

  it('updates countries, publishes engagement.desk.updated and frees removed countries', async () => {
    const created = await t.call('POST', '/desks', admin, {
      id: 'desk-sea',
      name: 'South-East Asia',
      countries: ['TH', 'MM'],
    });
    expect(created.status).toBe(201);
    const updated = await t.call('PUT', '/desks/desk-sea', admin, {
      name: 'Mekong desk',
      countries: ['TH', 'KH'],
      version: 0,
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      name: 'Mekong desk',
      countries: ['TH', 'KH'],
      version: 1,
    });

    const received = await t.events.waitForType('engagement.desk.updated', 'desk-sea');
    expect(received.event.payload).toEqual({
      deskId: 'desk-sea',
      countries: ['TH', 'KH'],
      addedCountries: ['KH'],
      removedCountries: ['MM'],
    });

    // MM was released: another desk can take it.
    const mm = await t.call('POST', '/desks', admin, {
      id: 'desk-mm',
      name: 'MM',
      countries: ['MM'],
    });
    expect(mm.status).toBe(201);
    // ...and KH is now taken.
    const kh = await t.call('PUT', '/desks/desk-mm', admin, {
      name: 'MM',
      countries: ['MM', 'KH'],
      version: 0,
    });
    expect(kh.status).toBe(409);
    expect(errorCode(kh)).toBe('COUNTRY_ALREADY_COVERED');

    const stale = await t.call('PUT', '/desks/desk-sea', admin, {
      name: 'Stale',
      countries: ['TH', 'KH', 'LA'],
      version: 0,
    });
    expect(stale.status).toBe(409);
    expect(errorCode(stale)).toBe('VERSION_CONFLICT');
    // The stale update did not keep LA claimed.
    const la = await t.call('POST', '/desks', admin, {
      id: 'desk-la',
      name: 'LA',
      countries: ['LA'],
    });
    expect(la.status).toBe(201);

    const missing = await t.call('PUT', '/desks/no-such-desk', admin, {
      name: 'x',
      countries: [],
      version: 0,
    });
    expect(missing.status).toBe(404);
  });

  it('takes over a country claim left behind by a crashed request, but not a fresh one', async () => {
    const claims = t.db.collection<{ _id: string; deskId: string; claimedAt: Date }>(
      'desk_country_claims',
    );
    await claims.insertOne({
      _id: 'GH',
      deskId: 'ghost',
      claimedAt: new Date(Date.now() - 120_000),
    });
    await claims.insertOne({ _id: 'SN', deskId: 'in-flight', claimedAt: new Date() });
    const stale = await t.call('POST', '/desks', admin, {
      id: 'desk-gh',
      name: 'GH',
      countries: ['GH'],
    });
    expect(stale.status).toBe(201);
    expect(await claims.findOne({ _id: 'GH' })).toMatchObject({ deskId: 'desk-gh' });
    const fresh = await t.call('POST', '/desks', admin, {
      id: 'desk-sn',
      name: 'SN',
      countries: ['SN'],
    });
    expect(fresh.status).toBe(409);
    expect(errorCode(fresh)).toBe('COUNTRY_ALREADY_COVERED');
  });

  it('lets only admins change desks and only staff read them', async () => {
    const body = { name: 'PM desk', countries: ['NP'] };
    const pm = await t.call('POST', '/desks', await t.minter.programManager('desk-andes'), body);
    expect(pm.status).toBe(403);
    expect(errorCode(pm)).toBe('FORBIDDEN');
    const anonymous = await t.call('POST', '/desks', undefined, body);
    expect(anonymous.status).toBe(401);
    const analyst = await t.call('GET', '/desks', await t.minter.analyst());
    expect(analyst.status).toBe(403);
    const defender = await t.call('GET', '/desks', await t.minter.defender('org-1'));
    expect(defender.status).toBe(403);
  });
});
