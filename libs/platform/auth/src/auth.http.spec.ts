import { Controller, Get, Module, Param, Post, Put } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from './auth.claims';
import { CurrentUser, InternalOnly, Public, RequestScope, Roles } from './auth.decorators';
import { AuthModule, type AuthModuleOptions } from './auth.module';
import { assertInScope, type DataScope } from './request-scope';
import { ServiceTokenIssuer } from './service-token.issuer';
import { bearer, TokenMinter } from './testing';

@Controller('engagements')
class EngagementsController {
  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }

  @Public()
  @Get('whoami')
  whoami(@CurrentUser() user: Principal) {
    return { id: user.id };
  }

  @Get('me')
  me(@CurrentUser() user: Principal) {
    return user;
  }

  @Get('scope')
  scope(@RequestScope() scope: DataScope) {
    return scope;
  }

  @Roles('program-manager', 'admin')
  @Post()
  create(@CurrentUser() user: Principal) {
    return { createdBy: user.id };
  }

  @Get(':unitId/:organisationId')
  read(
    @CurrentUser() user: Principal,
    @Param('unitId') unitId: string,
    @Param('organisationId') organisationId: string,
  ) {
    assertInScope(user, { unitId, organisationId });
    return { unitId, organisationId };
  }

  @InternalOnly()
  @Put(':id/phase')
  setPhase(@CurrentUser() user: Principal, @Param('id') id: string) {
    return { id, by: user.id };
  }
}

@Roles('admin')
@Controller('desks')
class DesksController {
  @Get()
  list() {
    return [];
  }

  @Roles('analyst')
  @Get('report')
  report() {
    return { pseudonymous: true };
  }
}

async function startApp(options: AuthModuleOptions): Promise<NestFastifyApplication> {
  @Module({
    imports: [AuthModule.forRoot(options)],
    controllers: [EngagementsController, DesksController],
  })
  class TestAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestAppModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** A tiny JWKS endpoint, like the gateway's. */
async function serveJwks(
  jwks: object,
): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/.well-known/jwks.json`, hits: () => hits, server };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('AuthModule over HTTP (Fastify, JWKS fetched from a URL)', () => {
  let minter: TokenMinter;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    minter = await TokenMinter.create();
    jwks = await serveJwks(minter.jwks);
    app = await startApp({ issuer: minter.issuer, audience: minter.audience, jwksUrl: jwks.url });
  });

  afterAll(async () => {
    await app?.close();
    if (jwks) await close(jwks.server);
  });

  async function call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    token?: string | Record<string, string>,
  ) {
    const headers = typeof token === 'string' ? bearer(token) : (token ?? {});
    const res = await app.inject({ method, url, headers });
    return { status: res.statusCode, body: res.json<unknown>(), headers: res.headers };
  }

  it('lets anyone reach a @Public() route', async () => {
    expect(await call('GET', '/engagements/health')).toMatchObject({
      status: 200,
      body: { ok: true },
    });
  });

  it('answers 401 UNAUTHENTICATED without a token, with a bearer challenge', async () => {
    const res = await call('GET', '/engagements/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'UNAUTHENTICATED', message: 'a bearer token is required' });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 for a malformed Authorization header', async () => {
    for (const authorization of ['Basic dXNlcjpwdw==', 'Bearer', 'Bearer a b', 'token']) {
      const res = await call('GET', '/engagements/me', { authorization });
      expect(res).toMatchObject({
        status: 401,
        body: { code: 'UNAUTHENTICATED', message: 'the Authorization header is malformed' },
      });
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_request"');
    }
  });

  it('answers 401 for expired, foreign, tampered or garbage tokens', async () => {
    const stranger = await TokenMinter.create();
    const cases: [string, string][] = [
      [await minter.expired(), 'token expired'],
      [await minter.wrongAudience(), 'token audience is not accepted'],
      [await minter.wrongIssuer(), 'token issuer is not accepted'],
      [await stranger.admin(), 'token is signed with an unknown key'],
      [`${(await minter.analyst()).slice(0, -4)}AAAA`, 'token signature is invalid'],
      ['not.a.jwt', 'token is malformed'],
    ];
    for (const [token, message] of cases) {
      const res = await call('GET', '/engagements/me', token);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 401,
        body: { code: 'UNAUTHENTICATED', message },
      });
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
  });

  it('gives the handler the typed principal', async () => {
    const res = await call(
      'GET',
      '/engagements/me',
      await minter.protectionOfficer('desk-andes', 'u-1'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'u-1',
      type: 'user',
      roles: ['protection-officer'],
      unitId: 'desk-andes',
    });
  });

  it('identifies the caller on a public route when a valid token is sent, and ignores a bad one', async () => {
    expect((await call('GET', '/engagements/whoami', await minter.admin('u-9'))).body).toEqual({
      id: 'u-9',
    });
    expect(await call('GET', '/engagements/whoami', await minter.expired())).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED', message: 'authentication required' },
    });
  });

  it('derives the request scope per role', async () => {
    const scopes = await Promise.all(
      [
        minter.admin(),
        minter.programManager('desk-andes'),
        minter.protectionOfficer('tru'),
        minter.defender('org-7'),
        minter.analyst(),
        minter.service('orchestrator'),
      ].map(async (t) => (await call('GET', '/engagements/scope', await t)).body),
    );
    expect(scopes).toEqual([
      { kind: 'all' },
      { kind: 'unit', unitId: 'desk-andes' },
      { kind: 'unit', unitId: 'tru' },
      { kind: 'organisation', organisationId: 'org-7' },
      { kind: 'analyst' },
      { kind: 'all' },
    ]);
  });

  it('enforces @Roles with 403 FORBIDDEN', async () => {
    expect(
      await call('POST', '/engagements', await minter.programManager('desk-andes', 'pm-1')),
    ).toEqual(expect.objectContaining({ status: 201, body: { createdBy: 'pm-1' } }));
    expect((await call('POST', '/engagements', await minter.admin())).status).toBe(201);
    for (const token of [
      await minter.protectionOfficer('desk-andes'),
      await minter.defender('org-7'),
      await minter.analyst(),
      await minter.service(),
    ]) {
      expect(await call('POST', '/engagements', token)).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN', message: 'this needs one of the roles: program-manager, admin' },
      });
    }
  });

  it('lets a method @Roles replace the controller @Roles', async () => {
    expect((await call('GET', '/desks', await minter.admin())).status).toBe(200);
    expect((await call('GET', '/desks', await minter.analyst())).status).toBe(403);
    expect((await call('GET', '/desks/report', await minter.analyst())).status).toBe(200);
    expect((await call('GET', '/desks/report', await minter.admin())).status).toBe(403);
  });

  it('lets only service tokens call @InternalOnly() routes', async () => {
    expect(
      await call('PUT', '/engagements/e-1/phase', await minter.service('orchestrator')),
    ).toMatchObject({
      status: 200,
      body: { id: 'e-1', by: 'orchestrator' },
    });
    for (const token of [await minter.admin(), await minter.programManager('desk-andes')]) {
      expect(await call('PUT', '/engagements/e-1/phase', token)).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN', message: 'this endpoint is for internal service calls only' },
      });
    }
    expect((await call('PUT', '/engagements/e-1/phase')).status).toBe(401);
  });

  it('keeps callers within their unit or organisation with assertInScope', async () => {
    const officer = await minter.protectionOfficer('desk-andes');
    const defender = await minter.defender('org-7');
    expect((await call('GET', '/engagements/desk-andes/org-7', officer)).status).toBe(200);
    expect(await call('GET', '/engagements/desk-sahel/org-8', officer)).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN', message: 'this record belongs to another unit' },
    });
    expect((await call('GET', '/engagements/desk-andes/org-7', defender)).status).toBe(200);
    expect(await call('GET', '/engagements/desk-andes/org-8', defender)).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN', message: 'this record belongs to another organisation' },
    });
    expect(
      (await call('GET', '/engagements/desk-andes/org-7', await minter.analyst())).status,
    ).toBe(403);
    expect((await call('GET', '/engagements/desk-sahel/org-8', await minter.admin())).status).toBe(
      200,
    );
  });

  it('fetched the JWKS over HTTP once and cached it', () => {
    expect(jwks.hits()).toBe(1);
  });
});

describe('AuthModule when the JWKS endpoint is down', () => {
  it('answers 503 AUTH_UNAVAILABLE instead of calling valid tokens invalid', async () => {
    const minter = await TokenMinter.create();
    const gone = await serveJwks(minter.jwks);
    await close(gone.server);
    const app = await startApp({
      issuer: minter.issuer,
      audience: minter.audience,
      jwksUrl: gone.url,
      jwksTimeoutMs: 1000,
    });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/engagements/me',
        headers: bearer(await minter.admin()),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        code: 'AUTH_UNAVAILABLE',
        message: 'verification keys could not be fetched',
      });
    } finally {
      await app.close();
    }
  });
});

describe('AuthModule with a service token issuer', () => {
  it('provides a ServiceTokenIssuer whose tokens pass @InternalOnly() of another service', async () => {
    const users = await TokenMinter.create();
    const orchestratorKeys = await TokenMinter.create({
      issuer: users.issuer,
      kid: 'orchestrator-1',
    });
    const app = await startApp({
      issuer: users.issuer,
      audience: users.audience,
      // Users' keys and the orchestrator's key, both from configuration.
      jwks: { keys: [...users.jwks.keys, ...orchestratorKeys.jwks.keys] },
      serviceToken: {
        service: 'orchestrator',
        issuer: users.issuer,
        audience: users.audience,
        privateKey: await orchestratorKeys.privateJwk(),
      },
    });
    try {
      const issuer = app.get(ServiceTokenIssuer);
      const res = await app.inject({
        method: 'PUT',
        url: '/engagements/e-2/phase',
        headers: { authorization: await issuer.authorizationHeader() },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: 'e-2', by: 'orchestrator' });
    } finally {
      await app.close();
    }
  });
});
