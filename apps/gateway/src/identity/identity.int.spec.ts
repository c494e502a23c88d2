import { importJWK, SignJWT, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import { signingJwk, startGateway, type GatewayTestApp } from '../testing/gateway-app.fixture';

/*
 * Identity and the security edge of the gateway on the real MongoDB wire protocol: users,
 * password rules, login, lock-out, token refresh and reuse detection, logout revocation, and
 * every refused request (no token, expired, tampered, foreign key, wrong role, brute force,
 * rate limit) answered with the right status AND written to the audit trail.
 */

type AuditEntry = {
  seq: number;
  action: string;
  path?: string;
  status: number;
  code?: string;
  detail?: string;
  actor: { userId?: string; subjectRef?: string };
};

describe('gateway identity and security', () => {
  let gw: GatewayTestApp;
  let admin: string;

  const audit = async (): Promise<AuditEntry[]> => {
    const r = await gw.call('GET', '/api/admin/audit?limit=1000', { token: admin });
    expect(r.status).toBe(200);
    return r.body ? (JSON.parse(r.body) as AuditEntry[]) : [];
  };
  const lastAudit = async (path: string): Promise<AuditEntry | undefined> =>
    (await audit()).filter((e) => e.path === path).pop();

  const createUser = (body: Record<string, unknown>) =>
    gw.call('POST', '/api/admin/users', { token: admin, body });

  beforeAll(async () => {
    gw = await startGateway();
    admin = (await gw.login('root-admin', gw.adminPassword)).accessToken;
  });
  afterAll(async () => {
    await gw.close();
  });

  it('creates the bootstrap admin once, and users with roles and memberships', async () => {
    const pm = await createUser({
      username: 'pm.andes',
      password: 'a long enough passphrase',
      roles: ['program-manager'],
      unitId: 'desk-andes',
    });
    expect(pm.status).toBe(201);
    expect(pm.json).toMatchObject({
      username: 'pm.andes',
      roles: ['program-manager'],
      unitId: 'desk-andes',
    });
    expect(pm.json).not.toHaveProperty('passwordHash');
    const stored = await gw.db.collection('users').findOne({ username: 'pm.andes' });
    expect(String(stored?.['passwordHash'])).toMatch(/^\$argon2id\$/);

    const defender = await createUser({
      username: 'def.one',
      password: 'another long passphrase',
      roles: ['defender'],
      organisationId: 'org-one',
    });
    expect(defender.status).toBe(201);

    const list = await gw.call('GET', '/api/admin/users?organisationId=org-one', { token: admin });
    expect((JSON.parse(list.body) as { username: string }[]).map((u) => u.username)).toEqual([
      'def.one',
    ]);
    expect(await gw.db.collection('users').countDocuments({ roles: 'admin' })).toBe(1);
  });

  it('enforces password rules and memberships with the field at fault', async () => {
    const weak = await createUser({ username: 'weak.user', password: 'short', roles: ['analyst'] });
    expect(weak.status).toBe(400);
    expect(weak.json['error']).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'password', message: 'must be at least 12 characters' }],
    });
    const containsName = await createUser({
      username: 'analyst.x',
      password: 'my analyst.x password',
      roles: ['analyst'],
    });
    expect(containsName.json['error']).toMatchObject({
      fields: [{ path: 'password', message: 'must not contain the username' }],
    });
    const noUnit = await createUser({
      username: 'officer.x',
      password: 'a long enough passphrase',
      roles: ['protection-officer'],
    });
    expect(noUnit.status).toBe(400);
    expect(noUnit.json['error']).toMatchObject({ fields: [{ path: 'unitId' }] });
    const duplicate = await createUser({
      username: 'PM.Andes',
      password: 'a long enough passphrase',
      roles: ['analyst'],
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json['error']).toMatchObject({
      code: 'DUPLICATE',
      fields: [{ path: 'username' }],
    });
  });

  it('refuses a request without a token, with 401, and audits it', async () => {
    const r = await gw.call('GET', '/api/engagement/engagements');
    expect(r.status).toBe(401);
    expect(r.json['error']).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await lastAudit('/api/engagement/engagements')).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      actor: {},
    });
  });

  it('refuses expired, tampered and foreign-key tokens with 401, and audits them', async () => {
    const key = (await importJWK(gw.privateJwk, 'ES256')) as CryptoKey;
    const now = Math.floor(Date.now() / 1000);
    const token = (
      iat: number,
      exp: number,
      signer: CryptoKey = key,
      kid = String(gw.privateJwk.kid),
    ) =>
      new SignJWT({ typ: 'user', roles: ['admin'] })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject('usr-forged')
        .setIssuer('trellis-test')
        .setAudience('trellis')
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(signer);

    const expired = await gw.call('GET', '/api/admin/users', {
      token: await token(now - 600, now - 300),
    });
    expect(expired.status).toBe(401);
    expect(String((expired.json['error'] as { message: string }).message)).toMatch(/expired/);

    const [h, p, s] = admin.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tamperedPayload = Buffer.from(
      JSON.stringify({ ...claims, roles: ['admin', 'analyst'] }),
    ).toString('base64url');
    const tampered = await gw.call('GET', '/api/admin/users', {
      token: `${h}.${tamperedPayload}.${s}`,
    });
    expect(tampered.status).toBe(401);

    const foreign = (await importJWK(await signingJwk(), 'ES256')) as CryptoKey;
    const otherKey = await gw.call('GET', '/api/admin/users', {
      token: await token(now, now + 60, foreign, String(gw.privateJwk.kid)),
    });
    expect(otherKey.status).toBe(401);

    const entries = (await audit()).filter(
      (e) => e.path === '/api/admin/users' && e.status === 401,
    );
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries.every((e) => e.code === 'UNAUTHENTICATED')).toBe(true);
  });

  it('refuses the wrong role with 403, and audits it with the caller', async () => {
    const pm = await gw.login('pm.andes', 'a long enough passphrase');
    const r = await gw.call('GET', '/api/admin/users', { token: pm.accessToken });
    expect(r.status).toBe(403);
    expect(r.json['error']).toMatchObject({ code: 'FORBIDDEN' });
    expect(await lastAudit('/api/admin/users')).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      actor: { userId: pm.userId },
    });
  });

  it('locks an account after repeated wrong passwords (brute force), with 423 and audit', async () => {
    await createUser({
      username: 'target.user',
      password: 'the right passphrase',
      roles: ['analyst'],
    });
    const attempt = (password: string) =>
      gw.call('POST', '/api/identity/login', { body: { username: 'target.user', password } });
    expect((await attempt('wrong guess 1')).status).toBe(401);
    expect((await attempt('wrong guess 2')).status).toBe(401);
    const locking = await attempt('wrong guess 3');
    expect(locking.status).toBe(423);
    expect(locking.json['error']).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(Number(locking.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password is refused while locked.
    expect((await attempt('the right passphrase')).status).toBe(423);

    const logins = (await audit()).filter((e) => e.action === 'identity.login' && e.status !== 200);
    expect(logins.slice(-4).map((e) => e.detail)).toEqual([
      'bad-credentials',
      'bad-credentials',
      'account-locked-now',
      'locked',
    ]);
    // The audit holds ids and a keyed name reference, never the username or the password.
    const raw = JSON.stringify(await gw.db.collection('audit_entries').find({}).toArray());
    expect(raw).not.toContain('target.user');
    expect(raw).not.toContain('wrong guess');

    await new Promise((r) => setTimeout(r, 2100)); // LOCKOUT_SECONDS=2
    expect((await attempt('the right passphrase')).status).toBe(200);
  });

  it('answers an unknown user like a wrong password (no enumeration) and audits a name hash', async () => {
    const r = await gw.call('POST', '/api/identity/login', {
      body: { username: 'nobody.here', password: 'whatever passphrase' },
    });
    expect(r.status).toBe(401);
    const entry = await lastAudit('/api/identity/login');
    expect(entry).toMatchObject({ status: 401, detail: 'bad-credentials' });
    expect(entry?.actor.subjectRef).toMatch(/^[0-9a-f]{24}$/);
    expect(entry?.actor.userId).toBeUndefined();
  });

  it('rotates refresh tokens and revokes the family when a used one is presented again', async () => {
    const first = await gw.login('def.one', 'another long passphrase');
    const refreshed = await gw.call('POST', '/api/identity/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const second = String(refreshed.json['refreshToken']);
    expect(second).not.toBe(first.refreshToken);
    // The access token works and carries the organisation.
    const me = await gw.call('GET', '/api/identity/me', {
      token: String(refreshed.json['accessToken']),
    });
    expect(me.json).toMatchObject({ username: 'def.one', organisationId: 'org-one' });

    const reuse = await gw.call('POST', '/api/identity/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(reuse.status).toBe(401);
    // ... which revoked the newer token of the same family too.
    const after = await gw.call('POST', '/api/identity/refresh', {
      body: { refreshToken: second },
    });
    expect(after.status).toBe(401);
  });

  it('logout revokes the access token and the refresh token', async () => {
    const session = await gw.login('pm.andes', 'a long enough passphrase');
    expect((await gw.call('GET', '/api/identity/me', { token: session.accessToken })).status).toBe(
      200,
    );
    const out = await gw.call('POST', '/api/identity/logout', {
      token: session.accessToken,
      body: { refreshToken: session.refreshToken },
    });
    expect(out.status).toBe(204);
    const me = await gw.call('GET', '/api/identity/me', { token: session.accessToken });
    expect(me.status).toBe(401);
    expect(String((me.json['error'] as { message: string }).message)).toMatch(/revoked/);
    const refresh = await gw.call('POST', '/api/identity/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(refresh.status).toBe(401);
    expect(await lastAudit('/api/identity/logout')).toMatchObject({
      action: 'identity.logout',
      status: 204,
    });
  });

  it('publishes the token keys as a JWKS without private members', async () => {
    const r = await gw.call('GET', '/.well-known/jwks.json');
    expect(r.status).toBe(200);
    const keys = (r.json['keys'] as Record<string, unknown>[]) ?? [];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: gw.privateJwk.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('sends security headers', async () => {
    const r = await gw.call('GET', '/api/identity/me', { token: admin });
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['strict-transport-security']).toContain('max-age=');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-correlation-id']).toBeDefined();
  });
});

describe('gateway rate limits', () => {
  let gw: GatewayTestApp;
  beforeAll(async () => {
    gw = await startGateway({ LOGIN_RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('limits logins per address with 429 RATE_LIMITED and Retry-After, and audits it', async () => {
    const attempt = (ip: string) =>
      gw.call('POST', '/api/identity/login', {
        body: { username: 'x.y.z', password: 'nope nope nope' },
        ip,
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt('10.0.0.1')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await attempt('10.0.0.1');
    expect(limited.json['error']).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address has its own budget.
    expect((await attempt('10.0.0.2')).status).toBe(401);
    const admin = await gw.login('root-admin', gw.adminPassword).catch(() => undefined);
    expect(admin).toBeDefined(); // a third address (the injector's default)
    const entries = await gw.db.collection('audit_entries').find({ status: 429 }).toArray();
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries[0]).toMatchObject({ code: 'RATE_LIMITED', ip: '10.0.0.1' });
  });
});
