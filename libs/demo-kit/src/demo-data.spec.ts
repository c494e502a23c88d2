import {
  DEMO_DESKS,
  DEMO_ORGANISATIONS,
  DEMO_USERS,
  DemoDataConflictError,
  seedDemoData,
} from './demo-data';
import { GatewayError, type UserSession } from './gateway.client';

type Row = Record<string, unknown> & { id: string };

/** An in-memory stand-in for the gateway's desks, organisations and users endpoints. */
class FakeAdmin implements Pick<UserSession, 'get' | 'post'> {
  desks: Row[] = [];
  organisations: Row[] = [];
  users: Row[] = [];
  posts: string[] = [];
  /** Answers the next POST to this path with a 409 of this code (after storing, for DUPLICATE). */
  conflictOnce = new Map<string, string>();

  get<T>(path: string): Promise<T> {
    if (path === '/api/engagement/desks') return Promise.resolve(this.desks as T);
    if (path.startsWith('/api/engagement/desks/')) {
      return Promise.resolve(this.desks.find((d) => path.endsWith(d.id)) as T);
    }
    if (path === '/api/engagement/organisations') return Promise.resolve(this.organisations as T);
    if (path === '/api/admin/users') return Promise.resolve(this.users as T);
    return Promise.reject(new Error(`unexpected GET ${path}`));
  }

  post<T>(path: string, body: unknown): Promise<T> {
    this.posts.push(path);
    const input = body as Record<string, unknown>;
    const conflict = this.conflictOnce.get(path);
    if (conflict) this.conflictOnce.delete(path);
    let row: Row;
    if (path === '/api/engagement/desks') {
      row = { id: input['id'] as string, countries: input['countries'] };
      if (conflict !== 'COUNTRY_ALREADY_COVERED') this.desks.push(row);
    } else if (path === '/api/engagement/organisations') {
      const desk = this.desks.find((d) =>
        (d['countries'] as string[]).includes(input['country'] as string),
      );
      row = {
        id: `org-${this.organisations.length + 1}`,
        name: input['name'],
        country: input['country'],
        unitId: desk?.id ?? 'tru',
      };
      this.organisations.push(row);
    } else if (path === '/api/admin/users') {
      row = { id: `user-${this.users.length + 1}`, ...input };
      delete row['password'];
      this.users.push(row);
    } else {
      return Promise.reject(new Error(`unexpected POST ${path}`));
    }
    if (conflict) {
      return Promise.reject(new GatewayError('POST', path, 409, conflict, [], undefined, 'c-1'));
    }
    return Promise.resolve(row as T);
  }
}

describe('seedDemoData', () => {
  it('creates desks, organisations routed in and out of desk scope and every user, then finds them again', async () => {
    const admin = new FakeAdmin();
    const first = await seedDemoData({ admin, password: 'a-demo-password' });
    expect(first.created).toEqual({
      desks: DEMO_DESKS.length,
      organisations: DEMO_ORGANISATIONS.length,
      users: DEMO_USERS.length,
    });
    for (const organisation of DEMO_ORGANISATIONS) {
      expect(first.organisations[organisation.key]?.unitId).toBe(organisation.expectedUnitId);
    }
    const defender = admin.users.find((u) => u['username'] === 'defender.tierra-viva');
    expect(defender).toMatchObject({
      roles: ['defender'],
      organisationId: first.organisations['tierra-viva']?.id,
    });
    expect(admin.users.find((u) => u['username'] === 'officer.tru')).toMatchObject({
      roles: ['protection-officer'],
      unitId: 'tru',
    });

    admin.posts = [];
    const second = await seedDemoData({ admin, password: 'a-demo-password' });
    expect(second.created).toEqual({ desks: 0, organisations: 0, users: 0 });
    expect(second).toMatchObject({
      desks: first.desks,
      organisations: first.organisations,
      users: first.users,
    });
    expect(admin.posts).toEqual([]);
  });

  it('tolerates a user created concurrently (409 DUPLICATE) and finds it', async () => {
    const admin = new FakeAdmin();
    admin.conflictOnce.set('/api/admin/users', 'DUPLICATE');
    const seeded = await seedDemoData({ admin, password: 'a-demo-password' });
    expect(Object.keys(seeded.users)).toHaveLength(DEMO_USERS.length);
    expect(admin.users).toHaveLength(DEMO_USERS.length);
  });

  it('refuses clearly when another desk covers the demo countries', async () => {
    const admin = new FakeAdmin();
    admin.conflictOnce.set('/api/engagement/desks', 'COUNTRY_ALREADY_COVERED');
    const err = await seedDemoData({ admin, password: 'p' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DemoDataConflictError);
    expect((err as Error).message).toContain('desk-americas');
  });

  it('refuses a defender user that belongs to another organisation', async () => {
    const admin = new FakeAdmin();
    admin.users.push({
      id: 'user-x',
      username: 'defender.tierra-viva',
      roles: ['defender'],
      organisationId: 'some-other-organisation',
    });
    const err = await seedDemoData({ admin, password: 'p' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DemoDataConflictError);
    expect((err as Error).message).toContain('defender.tierra-viva');
  });
});
