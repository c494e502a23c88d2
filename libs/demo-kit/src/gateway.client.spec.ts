import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GatewayClient,
  GatewayError,
  GatewayUnreachableError,
  isGatewayError,
} from './gateway.client';

/** A scripted stand-in for the gateway: answers each request with the next handler. */
class FakeGateway {
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }> =
    [];
  private server: Server | undefined;
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) =>
    json(res, 404, {});

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        this.handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const tokens = (n: number) => ({
  accessToken: `access-${n}`,
  tokenType: 'Bearer',
  expiresIn: 300,
  refreshToken: `refresh-${n}`,
  refreshExpiresIn: 3600,
  user: { id: 'u-1', roles: ['program-manager'], unitId: 'desk-a' },
});

describe('GatewayClient', () => {
  const gateway = new FakeGateway();
  let client: GatewayClient;

  beforeAll(async () => {
    const baseUrl = await gateway.start();
    client = new GatewayClient({ baseUrl, correlationPrefix: 'test', maxRetries: 2 });
  });

  afterAll(() => gateway.stop());

  beforeEach(() => {
    gateway.requests.length = 0;
  });

  it('logs in and sends the bearer token and a correlation id naming the step', async () => {
    gateway.handler = (req, res) =>
      req.url === '/api/identity/login' ? json(res, 200, tokens(1)) : json(res, 200, { ok: 1 });
    const session = await client.login('pm.a', 'a-long-password');
    expect(session.user).toEqual({ id: 'u-1', roles: ['program-manager'], unitId: 'desk-a' });
    await expect(session.get('/api/engagement/desks', 'list desks')).resolves.toEqual({ ok: 1 });
    const [login, list] = gateway.requests;
    expect(login?.headers['authorization']).toBeUndefined();
    expect(list?.headers['authorization']).toBe('Bearer access-1');
    expect(list?.headers['x-correlation-id']).toMatch(/^test-\d{3}-list-desks$/);
  });

  it('refreshes the token once on 401 and retries; a second 401 is an error, not a loop', async () => {
    let refreshed = 0;
    gateway.handler = (req, res) => {
      if (req.url === '/api/identity/login') return json(res, 200, tokens(1));
      if (req.url === '/api/identity/refresh') {
        refreshed += 1;
        return json(res, 200, tokens(2));
      }
      if (req.url === '/api/ok' && req.headers['authorization'] === 'Bearer access-2') {
        return json(res, 200, { ok: true });
      }
      return json(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } });
    };
    const session = await client.login('pm.a', 'a-long-password');
    await expect(session.get('/api/ok')).resolves.toEqual({ ok: true });
    expect(refreshed).toBe(1);
    const err = await session.get('/api/never').catch((e: unknown) => e);
    expect(isGatewayError(err, 401, 'UNAUTHENTICATED')).toBe(true);
    expect(refreshed).toBe(2);
  });

  it('retries 429 after Retry-After and 503; never retries a write that timed out at the gateway (504)', async () => {
    let calls = 0;
    gateway.handler = (req, res) => {
      calls += 1;
      if (req.url === '/api/busy') {
        return calls === 1 ? json(res, 429, {}, { 'retry-after': '0' }) : json(res, 200, [1]);
      }
      if (req.url === '/api/starting') {
        return calls <= 2 ? json(res, 503, {}) : json(res, 201, { id: 'x' });
      }
      return json(res, 504, { error: { code: 'SERVICE_UNAVAILABLE' } });
    };
    await expect(client.anonymous('GET', '/api/busy')).resolves.toEqual([1]);
    calls = 0;
    await expect(client.anonymous('POST', '/api/starting', { body: {} })).resolves.toEqual({
      id: 'x',
    });
    calls = 0;
    const err = await client.anonymous('POST', '/api/slow', { body: {} }).catch((e: unknown) => e);
    expect(isGatewayError(err, 504)).toBe(true);
    expect(calls).toBe(1);
  });

  it('names the request, status, code and field paths of a refusal, never the bodies', async () => {
    gateway.handler = (_req, res) =>
      json(res, 400, {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'narrative "Armed men at the office" is too long',
          fields: [{ path: 'narrative', message: 'Armed men at the office' }],
        },
      });
    const err = await client
      .anonymous('POST', '/api/risk/incidents', {
        body: { narrative: 'Armed men at the office' },
        step: 'report the incident',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    const error = err as GatewayError;
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', fields: ['narrative'] });
    expect(error.message).toMatch(
      /^report the incident: POST \/api\/risk\/incidents answered 400 VALIDATION_FAILED \(fields: narrative\)/,
    );
    expect(error.message).not.toContain('Armed men');
  });

  it('says when the gateway cannot be reached at all', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = new GatewayClient({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const err = await nowhere.anonymous('GET', '/health/ready').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayUnreachableError);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });
});
