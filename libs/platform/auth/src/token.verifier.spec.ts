import { SignJWT, UnsecuredJWT } from 'jose';
import { ROLES, type Role } from './auth.claims';
import { TokenRejectedError } from './auth.errors';
import { TokenMinter } from './testing';
import { TokenVerifier } from './token.verifier';

describe('TokenVerifier', () => {
  let minter: TokenMinter;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    minter = await TokenMinter.create();
    verifier = new TokenVerifier(minter.authOptions());
  });

  async function rejection(token: string, v: TokenVerifier = verifier): Promise<string> {
    const error = await v.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenRejectedError);
    return (error as Error).message;
  }

  it.each(ROLES)('accepts a valid %s token and describes the caller', async (role) => {
    const token = await minter.forRole(role, {
      sub: 'u-42',
      unitId: 'desk-andes',
      organisationId: 'org-7',
    });
    const principal = await verifier.verify(token);
    expect(principal).toEqual({
      id: 'u-42',
      type: 'user',
      roles: [role],
      unitId: 'desk-andes',
      organisationId: 'org-7',
      tokenId: expect.any(String) as string,
      expiresAt: expect.any(Date) as Date,
    });
    expect(principal.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('accepts a service token', async () => {
    expect(await verifier.verify(await minter.service('orchestrator'))).toMatchObject({
      id: 'orchestrator',
      type: 'service',
      roles: [],
    });
  });

  it('rejects an expired token, tolerating a few seconds of clock skew', async () => {
    expect(await rejection(await minter.expired())).toBe('token expired');
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await minter.forRole(
      'admin',
      {},
      { issuedAt: now - 602, expiresInSeconds: 600 },
    );
    await expect(verifier.verify(justExpired)).resolves.toMatchObject({ roles: ['admin'] });
    const strict = new TokenVerifier(minter.authOptions({ clockToleranceSeconds: 0 }));
    expect(await rejection(justExpired, strict)).toBe('token expired');
  });

  it('rejects tokens from another issuer or for another audience', async () => {
    expect(await rejection(await minter.wrongIssuer())).toBe('token issuer is not accepted');
    expect(await rejection(await minter.wrongAudience())).toBe('token audience is not accepted');
    const multi = new TokenVerifier(minter.authOptions({ audience: ['other', 'trellis'] }));
    await expect(multi.verify(await minter.admin())).resolves.toMatchObject({ type: 'user' });
  });

  it('rejects tokens signed with another key', async () => {
    const stranger = await TokenMinter.create();
    expect(await rejection(await stranger.admin())).toBe('token is signed with an unknown key');
    // Same kid, different key: the signature does not verify.
    const impostor = await TokenMinter.create({ kid: minter.kid });
    expect(await rejection(await impostor.admin())).toBe('token signature is invalid');
  });

  it('rejects a token whose payload was altered', async () => {
    const [header, payload, signature] = (await minter.analyst()).split('.') as [
      string,
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const elevated = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
      'base64url',
    );
    expect(await rejection(`${header}.${elevated}.${signature}`)).toBe(
      'token signature is invalid',
    );
  });

  it('accepts only ES256 (no HS256 with the public key, no alg none)', async () => {
    const hs = await new SignJWT({ sub: 'x', typ: 'user', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: minter.kid })
      .setIssuer(minter.issuer)
      .setAudience(minter.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('j')
      .sign(new TextEncoder().encode(JSON.stringify(minter.jwks)));
    expect(await rejection(hs)).toMatch(/token algorithm is not allowed|unknown key/);
    const none = new UnsecuredJWT({ sub: 'x', typ: 'user', roles: ['admin'], jti: 'j' })
      .setIssuer(minter.issuer)
      .setAudience(minter.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    expect(await rejection(none)).toMatch(/not allowed|malformed/);
  });

  it('rejects malformed tokens', async () => {
    for (const bad of ['', 'abc', 'a.b.c', '....', 'e30.e30.e30', `${'x'.repeat(20)}.e30.AA`]) {
      expect(await rejection(bad)).toBe('token is malformed');
    }
    // Well-formed but unsigned.
    expect(await rejection('eyJhbGciOiJFUzI1NiJ9.e30.')).toBe('token signature is invalid');
  });

  it('rejects tokens whose Trellis claims are invalid', async () => {
    expect(await rejection(await minter.mint({ sub: 'u', typ: 'user', roles: ['defender'] }))).toBe(
      'token claims are invalid (organisationId: defender tokens need an organisationId)',
    );
    expect(
      await rejection(await minter.mint({ sub: 'u', typ: 'user', roles: ['protection-officer'] })),
    ).toMatch(/unitId: program-manager and protection-officer tokens need a unitId/);
    expect(
      await rejection(await minter.mint({ sub: 'u', typ: 'user', roles: ['root' as Role] })),
    ).toMatch(/roles\.0/);
    expect(await rejection(await minter.mint({ sub: 'u', typ: 'user', roles: [] }))).toMatch(
      /a user token needs a role/,
    );
    expect(await rejection(await minter.mint({ sub: 'u', roles: ['admin'] }))).toMatch(/typ/);
    expect(await rejection(await minter.mint({ typ: 'user', roles: ['admin'] }))).toMatch(/sub/);
  });

  it('verifies with a PEM public key, and with several key sources combined', async () => {
    const fromPem = new TokenVerifier({
      issuer: minter.issuer,
      audience: minter.audience,
      publicKeyPem: await minter.publicKeyPem(),
    });
    await expect(fromPem.verify(await minter.admin())).resolves.toMatchObject({ type: 'user' });

    const services = await TokenMinter.create({ issuer: minter.issuer });
    const combined = new TokenVerifier({
      issuer: minter.issuer,
      audience: minter.audience,
      jwks: services.jwks,
      publicKeyPem: [await minter.publicKeyPem()],
    });
    await expect(combined.verify(await minter.admin())).resolves.toMatchObject({ type: 'user' });
    await expect(combined.verify(await services.service())).resolves.toMatchObject({
      type: 'service',
    });
    const stranger = await TokenMinter.create();
    expect(await rejection(await stranger.admin(), combined)).toBe('token signature is invalid');
  });

  it('needs a key source, and a valid PEM', async () => {
    expect(() => new TokenVerifier({ issuer: 'i', audience: 'a' })).toThrow(
      /jwksUrl, jwks or publicKeyPem/,
    );
    const broken = new TokenVerifier({ issuer: 'i', audience: 'a', publicKeyPem: 'not a pem' });
    await expect(broken.verify(await minter.admin())).rejects.toThrow(
      /AuthOptions.publicKeyPem\[0\] is not an ES256 SPKI public key/,
    );
  });
});

describe('TokenVerifier cache of verified tokens', () => {
  let minter: TokenMinter;

  beforeAll(async () => {
    minter = await TokenMinter.create();
  });

  function counted(v: TokenVerifier): { calls: () => number } {
    let calls = 0;
    const original = Reflect.get(v, 'verifyNow') as (t: string) => Promise<unknown>;
    Reflect.set(v, 'verifyNow', (t: string) => {
      calls += 1;
      return original.call(v, t);
    });
    return { calls: () => calls };
  }

  it('answers a token verified before from memory, with a copy of its principal', async () => {
    const verifier = new TokenVerifier(minter.authOptions());
    const count = counted(verifier);
    const token = await minter.forRole('program-manager', { sub: 'u-1', unitId: 'desk-a' });
    const first = await verifier.verify(token);
    (first.roles as string[]).push('admin'); // a caller changing its copy changes nothing
    const second = await verifier.verify(token);
    expect(second).toMatchObject({ id: 'u-1', roles: ['program-manager'] });
    expect(count.calls()).toBe(1);
  });

  it('verifies again after verifiedCacheMs, and never answers past the expiry', async () => {
    const verifier = new TokenVerifier({ ...minter.authOptions(), verifiedCacheMs: 50 });
    const count = counted(verifier);
    const token = await minter.forRole('admin');
    await verifier.verify(token);
    await new Promise((r) => setTimeout(r, 80));
    await verifier.verify(token);
    expect(count.calls()).toBe(2);

    const now = Math.floor(Date.now() / 1000);
    const justExpired = await minter.forRole(
      'admin',
      {},
      { issuedAt: now - 602, expiresInSeconds: 600 },
    );
    await verifier.verify(justExpired); // within the clock tolerance: valid, not kept
    await verifier.verify(justExpired);
    expect(count.calls()).toBe(4);
  });

  it('keeps at most verifiedCacheSize tokens; 0 verifies every time', async () => {
    const small = new TokenVerifier({ ...minter.authOptions(), verifiedCacheSize: 1 });
    const count = counted(small);
    const [a, b] = [await minter.forRole('admin'), await minter.forRole('analyst')];
    await small.verify(a);
    await small.verify(b); // drops a
    await small.verify(a);
    expect(count.calls()).toBe(3);

    const none = new TokenVerifier({ ...minter.authOptions(), verifiedCacheSize: 0 });
    const noneCount = counted(none);
    await none.verify(a);
    await none.verify(a);
    expect(noneCount.calls()).toBe(2);
  });
});
