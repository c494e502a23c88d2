import {
  errorCode,
  startEngagementApp,
  type EngagementTestApp,
} from '../testing/engagement-app.fixture';

const NAME = 'Colectivo Defensoras del Cauca';
const CONTACT = 'focal.point@defensoras.example';

function registration(overrides: Record<string, unknown> = {}) {
  return {
    name: NAME,
    contacts: [{ kind: 'email', value: CONTACT, label: 'security focal point' }],
    country: 'CO',
    region: 'CO-CAU',
    setting: 'rural',
    focusAreas: ['land-environment', 'women-hrd'],
    size: 'small',
    ...overrides,
  };
}

describe('organisations on the real servers', () => {
  let t: EngagementTestApp;
  let admin: string;
  let pm: string;

  beforeAll(async () => {
    t = await startEngagementApp();
    admin = await t.minter.admin('admin-1');
    pm = await t.minter.programManager('desk-andes', 'pm-andes');
    const desk = await t.call('POST', '/desks', admin, {
      id: 'desk-andes',
      name: 'Andes',
      countries: ['CO', 'PE'],
    });
    expect(desk.status).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('registers an organisation with encrypted name and contacts, and an event without them', async () => {
    const res = await t.call('POST', '/organisations', pm, registration());
    expect(res.status).toBe(201);
    const id = res.json['id'] as string;
    expect(res.json).toMatchObject({
      unitId: 'desk-andes',
      name: NAME,
      contacts: [{ kind: 'email', value: CONTACT }],
      country: 'CO',
      region: 'CO-CAU',
      setting: 'rural',
      focusAreas: ['land-environment', 'women-hrd'],
      size: 'small',
      version: 0,
    });

    // At rest: ciphertext only.
    const raw = await t.db.collection('organisations').findOne({ _id: id as never });
    expect(raw?.['name']).toEqual({
      v: 1,
      k: expect.any(String),
      iv: expect.any(String),
      ct: expect.any(String),
      tag: expect.any(String),
    });
    const stored = JSON.stringify(raw);
    expect(stored).not.toContain('Cauca');
    expect(stored).not.toContain(CONTACT);

    // On Kafka: the profile only.
    const received = await t.events.waitForType('engagement.organisation.registered', id);
    expect(received.event).toMatchObject({
      organisationId: id,
      unitId: 'desk-andes',
      actor: { kind: 'user', id: 'pm-andes', role: 'program-manager' },
      payload: {
        organisationId: id,
        country: 'CO',
        region: 'CO-CAU',
        setting: 'rural',
        focusAreas: ['land-environment', 'women-hrd'],
        size: 'small',
      },
    });
    expect(received.value).not.toContain('Cauca');
    expect(received.value).not.toContain(CONTACT);
  });

  it('registers organisations of uncovered countries with the TRU, by TRU staff only', async () => {
    const refused = await t.call(
      'POST',
      '/organisations',
      pm,
      registration({ country: 'KE', region: undefined }),
    );
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('FORBIDDEN');

    const truPm = await t.minter.programManager('tru', 'pm-tru');
    const res = await t.call(
      'POST',
      '/organisations',
      truPm,
      registration({ country: 'KE', region: 'KE-30' }),
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ unitId: 'tru', country: 'KE' });
  });

  it('answers bad input with 400: unknown country, region of another country, bad fields', async () => {
    const unknown = await t.call(
      'POST',
      '/organisations',
      pm,
      registration({ country: 'XX', region: undefined }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json['error']).toMatchObject({
      code: 'UNKNOWN_COUNTRY',
      fields: [{ path: 'country' }],
    });
    const region = await t.call('POST', '/organisations', pm, registration({ region: 'PE-LIM' }));
    expect(region.status).toBe(400);
    expect(region.json['error']).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'region', message: 'must be a region of country' }],
    });
    const bad = await t.call(
      'POST',
      '/organisations',
      pm,
      registration({ size: 42, focusAreas: ['x'] }),
    );
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
  });

  it('shows an organisation to its unit, its own defenders and admins only', async () => {
    const res = await t.call('POST', '/organisations', pm, registration());
    const id = res.json['id'] as string;

    const reads = {
      admin: await t.call('GET', `/organisations/${id}`, admin),
      pm: await t.call('GET', `/organisations/${id}`, pm),
      officer: await t.call(
        'GET',
        `/organisations/${id}`,
        await t.minter.protectionOfficer('desk-andes'),
      ),
      ownDefender: await t.call('GET', `/organisations/${id}`, await t.minter.defender(id)),
      otherOfficer: await t.call(
        'GET',
        `/organisations/${id}`,
        await t.minter.protectionOfficer('tru'),
      ),
      otherDefender: await t.call(
        'GET',
        `/organisations/${id}`,
        await t.minter.defender('org-other'),
      ),
      analyst: await t.call('GET', `/organisations/${id}`, await t.minter.analyst()),
    };
    expect(reads.admin.status).toBe(200);
    expect(reads.pm.status).toBe(200);
    expect(reads.officer.status).toBe(200);
    expect(reads.ownDefender.status).toBe(200);
    expect(reads.ownDefender.json).toMatchObject({ id, name: NAME });
    expect(reads.otherOfficer.status).toBe(404);
    expect(reads.otherDefender.status).toBe(404);
    expect(reads.analyst.status).toBe(403);

    const ownList = await t.call('GET', '/organisations', await t.minter.defender(id));
    expect(ownList.body).toEqual([expect.objectContaining({ id })]);
    const truList = await t.call('GET', '/organisations', await t.minter.protectionOfficer('tru'));
    expect((truList.body as { unitId: string }[]).every((o) => o.unitId === 'tru')).toBe(true);
  });

  it('updates an organisation (its own defender may), publishing engagement.organisation.updated', async () => {
    const res = await t.call('POST', '/organisations', pm, registration());
    const id = res.json['id'] as string;
    const defender = await t.minter.defender(id, 'defender-1');
    const newContact = 'new.focal.point@defensoras.example';

    const updated = await t.call(
      'PUT',
      `/organisations/${id}`,
      defender,
      registration({
        contacts: [{ kind: 'phone', value: newContact }],
        region: undefined,
        size: 'medium',
        version: 0,
      }),
    );
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      contacts: [{ kind: 'phone', value: newContact }],
      size: 'medium',
      version: 1,
    });
    expect(updated.json['region']).toBeUndefined();

    const received = await t.events.waitForType('engagement.organisation.updated', id);
    expect(received.event).toMatchObject({
      actor: { kind: 'user', id: 'defender-1', role: 'defender' },
      payload: { organisationId: id, size: 'medium', country: 'CO' },
    });
    expect(received.event.payload).not.toHaveProperty('region');
    expect(received.value).not.toContain(newContact);

    const stale = await t.call(
      'PUT',
      `/organisations/${id}`,
      defender,
      registration({ version: 0 }),
    );
    expect(stale.status).toBe(409);
    expect(errorCode(stale)).toBe('VERSION_CONFLICT');

    const other = await t.call(
      'PUT',
      `/organisations/${id}`,
      await t.minter.defender('org-other'),
      registration({ version: 1 }),
    );
    expect(other.status).toBe(404);
    const officer = await t.call(
      'PUT',
      `/organisations/${id}`,
      await t.minter.protectionOfficer('desk-andes'),
      registration({ version: 1 }),
    );
    expect(officer.status).toBe(403);
  });
});
