import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway, type GatewayTestApp } from '../testing/gateway-app.fixture';

/*
 * The proxy's forwarding contract, against a recording upstream HTTP server standing in for a
 * service (the real services behind the gateway are exercised end to end in tools/demo):
 * path and query under `/api/<context>`, the caller's token, correlation id and address
 * forwarded, JSON bodies passed, the service's status, body and headers returned unchanged,
 * internal paths and unknown contexts refused, an unreachable service answered with 503.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('gateway proxy', () => {
  let gw: GatewayTestApp;
  let upstream: Server;
  let admin: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url?.startsWith('/engagements/bad')) {
          res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
          res.end(
            JSON.stringify({
              error: {
                code: 'VALIDATION_FAILED',
                message: 'The request is not valid.',
                fields: [{ path: 'countryCode', message: 'is not a country' }],
              },
            }),
          );
          return;
        }
        if (req.url?.startsWith('/reports.csv')) {
          res.writeHead(200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': 'attachment; filename="r.csv"',
            'x-internal-secret': 'no',
          });
          res.end('a,b\n1,2\n');
          return;
        }
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    gw = await startGateway({
      ENGAGEMENT_SERVICE_URL: url,
      REPORTING_SERVICE_URL: url,
      RISK_SERVICE_URL: 'http://127.0.0.1:9', // nothing listens there
      PROXY_TIMEOUT_MS: '2000',
    });
    admin = (await gw.login('root-admin', gw.adminPassword)).accessToken;
  });
  afterAll(async () => {
    await gw.close();
    await new Promise((r) => upstream.close(r));
  });

  it('forwards path, query, token, correlation id, address and JSON body', async () => {
    const r = await gw.call('POST', '/api/engagement/engagements?dryRun=true', {
      token: admin,
      body: { organisationId: 'org-1' },
      headers: { 'x-correlation-id': 'corr-test-1' },
      ip: '10.1.2.3',
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ ok: true });
    const last = seen[seen.length - 1];
    expect(last.method).toBe('POST');
    expect(last.url).toBe('/engagements?dryRun=true');
    expect(last.headers['authorization']).toBe(`Bearer ${admin}`);
    expect(last.headers['x-correlation-id']).toBe('corr-test-1');
    expect(last.headers['x-forwarded-for']).toBe('10.1.2.3');
    expect(JSON.parse(last.body)).toEqual({ organisationId: 'org-1' });
    expect(r.headers['x-correlation-id']).toBe('corr-test-1');
  });

  it("returns the service's error unchanged (a clear 4xx, never a 500)", async () => {
    const r = await gw.call('POST', '/api/engagement/engagements/bad', {
      token: admin,
      body: { x: 1 },
    });
    expect(r.status).toBe(400);
    expect(r.json['error']).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'countryCode' }],
    });
    const audit = await gw.db
      .collection('audit_entries')
      .find({ path: '/api/engagement/engagements/bad' })
      .toArray();
    expect(audit[0]).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      context: 'engagement',
    });
  });

  it('answers malformed JSON itself with MALFORMED_JSON', async () => {
    const r = await gw.call('POST', '/api/engagement/engagements', {
      token: admin,
      body: '{"broken":',
    });
    expect(r.status).toBe(400);
    expect(r.json['error']).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('passes CSV downloads with their headers, and only the headers a client needs', async () => {
    const r = await gw.call('GET', '/api/reporting/reports.csv', { token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toBe('a,b\n1,2\n');
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['content-disposition']).toContain('r.csv');
    expect(r.headers['x-internal-secret']).toBeUndefined();
  });

  it('refuses unknown contexts and path tricks with 404', async () => {
    expect((await gw.call('GET', '/api/nowhere/x', { token: admin })).json['error']).toMatchObject({
      code: 'ROUTE_NOT_FOUND',
    });
    expect(
      (await gw.call('GET', '/api/engagement/%2e%2e/internal/x', { token: admin })).status,
    ).toBe(404);
  });

  it('answers 503 SERVICE_UNAVAILABLE when a service cannot be reached', async () => {
    const r = await gw.call('GET', '/api/risk/threats', { token: admin });
    expect(r.status).toBe(503);
    expect(r.json['error']).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('serves one merged OpenAPI document and a docs page without third-party requests', async () => {
    const doc = await gw.call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.json['paths'] as Record<string, unknown>);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/identity/login', '/api/admin/users', '/.well-known/jwks.json']),
    );
    const page = await gw.call('GET', '/api/docs');
    expect(page.headers['content-type']).toContain('text/html');
    const refs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(2);
    expect(refs.every((ref) => ref.startsWith('/api/docs/assets/'))).toBe(true);
    for (const ref of refs) expect((await gw.call('GET', ref)).status).toBe(200);
    expect((await gw.call('GET', '/api/docs/assets/..%2fpackage.json')).status).toBe(404);
  });
});
