import { SessionStore, type KeyValueStorage, type TokenAnswer } from '../auth/session-store';
import { ApiClient, filenameOf, withQuery, type FetchLike } from './client';
import { ApiProblem } from './problem';

/** A Storage backed by a map (the tab's sessionStorage in the browser). */
class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  clear() {
    this.map.clear();
  }
}

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  keepalive: boolean;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const answer = (n: number): TokenAnswer => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresIn: 300,
  user: { id: 'usr-1', roles: ['program-manager'], unitId: 'desk-americas' },
});

/** A fake gateway: `route` answers each call; every call is recorded. */
function fakeGateway(route: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    const call: Call = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      keepalive: init.keepalive === true,
    };
    calls.push(call);
    return route(call);
  };
  return { calls, fetchImpl };
}

function setUp(route: (call: Call) => Response | Promise<Response>) {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage);
  const gateway = fakeGateway(route);
  const expired = jest.fn();
  const client = new ApiClient(store, gateway.fetchImpl, expired);
  return { storage, store, client, expired, calls: gateway.calls };
}

describe('ApiClient', () => {
  it('signs in, keeps the access token in memory and only the refresh token in the tab', async () => {
    const { client, store, storage, calls } = setUp(() => json(200, answer(1)));
    await client.login('pm.americas', 'secret');
    expect(calls[0]).toMatchObject({
      url: '/api/identity/login',
      method: 'POST',
      body: { username: 'pm.americas', password: 'secret' },
    });
    expect(store.session?.accessToken).toBe('access-1');
    expect([...storage.map.entries()]).toEqual([['trellis.refresh', 'refresh-1']]);
  });

  it('sends the bearer token and the query, and returns the JSON answer', async () => {
    const { client, store, calls } = setUp(() => json(200, [{ id: 'e1' }]));
    store.accept(answer(1));
    await expect(
      client.get('/api/training/sessions', {
        query: { engagementId: 'e1', empty: '', no: undefined },
      }),
    ).resolves.toEqual([{ id: 'e1' }]);
    expect(calls[0]?.url).toBe('/api/training/sessions?engagementId=e1');
    expect(calls[0]?.headers['authorization']).toBe('Bearer access-1');
  });

  it("throws the server's problem with its fields", async () => {
    const { client, store } = setUp(() =>
      json(400, {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid.',
          fields: [{ path: 'occurredAt', message: 'must not lie in the future' }],
        },
        correlationId: 'c-9',
      }),
    );
    store.accept(answer(1));
    const err = await client.post('/api/risk/incidents', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiProblem);
    expect((err as ApiProblem).fieldMessage('occurredAt')).toBe('must not lie in the future');
    expect((err as ApiProblem).correlationId).toBe('c-9');
  });

  it('answers a 401 with one refresh, shared by concurrent requests, and retries', async () => {
    let refreshes = 0;
    const { client, store, storage, calls } = setUp(async (call) => {
      if (call.url === '/api/identity/refresh') {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return json(200, answer(2));
      }
      return call.headers['authorization'] === 'Bearer access-2'
        ? json(200, { ok: call.url })
        : json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } });
    });
    store.accept(answer(1));
    const results = await Promise.all([client.get('/api/a'), client.get('/api/b')]);
    expect(results).toEqual([{ ok: '/api/a' }, { ok: '/api/b' }]);
    expect(refreshes).toBe(1);
    expect(calls.find((c) => c.url === '/api/identity/refresh')?.body).toEqual({
      refreshToken: 'refresh-1',
    });
    expect(storage.getItem('trellis.refresh')).toBe('refresh-2');
  });

  it('restores a session after a reload from the refresh token kept in the tab', async () => {
    const storage = new MemoryStorage();
    storage.setItem('trellis.refresh', 'refresh-7');
    const store = new SessionStore(storage);
    const gateway = fakeGateway((call) =>
      call.url === '/api/identity/refresh' ? json(200, answer(8)) : json(200, { me: true }),
    );
    const client = new ApiClient(store, gateway.fetchImpl);
    await expect(client.get('/api/identity/me')).resolves.toEqual({ me: true });
    expect(gateway.calls.map((c) => c.url)).toEqual(['/api/identity/refresh', '/api/identity/me']);
    expect(gateway.calls[1]?.headers['authorization']).toBe('Bearer access-8');
  });

  it('ends the session when the refresh is refused (and says so once)', async () => {
    const { client, store, storage, expired } = setUp((call) =>
      call.url === '/api/identity/refresh'
        ? json(401, { error: { code: 'UNAUTHENTICATED', message: 'revoked' } })
        : json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }),
    );
    store.accept(answer(1));
    await expect(client.get('/api/a')).rejects.toMatchObject({ status: 401 });
    expect(store.session).toBeUndefined();
    expect(storage.getItem('trellis.refresh')).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('signs out: forgets the session at once, then revokes it at the gateway (keepalive)', async () => {
    const { client, store, storage, calls } = setUp(() => json(204, undefined));
    store.accept(answer(3));
    const done = client.logout({ keepalive: true });
    expect(store.session).toBeUndefined();
    expect(storage.getItem('trellis.refresh')).toBeNull();
    await done;
    expect(calls[0]).toMatchObject({
      url: '/api/identity/logout',
      method: 'POST',
      body: { refreshToken: 'refresh-3' },
      keepalive: true,
    });
    expect(calls[0]?.headers['authorization']).toBe('Bearer access-3');
  });

  it('turns a request that got no answer into a network problem', async () => {
    const { client, store } = setUp(() => Promise.reject(new TypeError('Failed to fetch')));
    store.accept(answer(1));
    await expect(client.get('/api/a')).rejects.toMatchObject({ kind: 'network', status: 0 });
  });

  it('downloads a file with the token and its file name', async () => {
    const { client, store, calls } = setUp(
      () =>
        new Response('a,b\r\n1,2\r\n', {
          status: 200,
          headers: { 'content-disposition': 'attachment; filename="autonomy.csv"' },
        }),
    );
    store.accept(answer(1));
    const file = await client.download('/api/reporting/x', 'text/csv');
    expect(file.filename).toBe('autonomy.csv');
    expect(await file.blob.text()).toBe('a,b\r\n1,2\r\n');
    expect(calls[0]?.headers['accept']).toBe('text/csv');
  });
});

describe('request helpers', () => {
  it('adds the query to a path that may already have one', () => {
    expect(withQuery('/a', { x: 1, y: true })).toBe('/a?x=1&y=true');
    expect(withQuery('/a?z=0', { x: 'b c' })).toBe('/a?z=0&x=b+c');
    expect(withQuery('/a', {})).toBe('/a');
  });

  it('reads file names of content-disposition headers', () => {
    expect(filenameOf("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.csv")).toBe('résumé.csv');
    expect(filenameOf('attachment; filename=report.csv')).toBe('report.csv');
    expect(filenameOf(null)).toBeUndefined();
  });
});
