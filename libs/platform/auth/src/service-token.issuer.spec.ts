import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ServiceTokenIssuer } from './service-token.issuer';
import { TokenMinter } from './testing';
import { TokenVerifier } from './token.verifier';

describe('ServiceTokenIssuer', () => {
  let keys: TokenMinter;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    keys = await TokenMinter.create({ kid: 'orchestrator-2026' });
    verifier = new TokenVerifier(keys.authOptions());
  });

  it('mints short-lived service tokens the receiving services accept', async () => {
    const issuer = new ServiceTokenIssuer({
      service: 'orchestrator',
      issuer: keys.issuer,
      audience: keys.audience,
      privateKey: await keys.privateJwk(),
      ttlSeconds: 120,
    });
    const token = await issuer.token();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: 'orchestrator-2026' });
    const claims = decodeJwt(token);
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(await verifier.verify(token)).toMatchObject({
      id: 'orchestrator',
      type: 'service',
      roles: [],
    });
    expect(await issuer.authorizationHeader()).toBe(`Bearer ${token}`);
  });

  it('accepts a PKCS#8 PEM key', async () => {
    const issuer = new ServiceTokenIssuer({
      service: 'risk-service',
      issuer: keys.issuer,
      audience: keys.audience,
      privateKey: await keys.privateKeyPem(),
      keyId: keys.kid,
    });
    expect(await verifier.verify(await issuer.token())).toMatchObject({ id: 'risk-service' });
  });

  it('reuses a token until shortly before it expires, then mints a new one', async () => {
    let now = Date.now();
    const issuer = new ServiceTokenIssuer({
      service: 'orchestrator',
      issuer: keys.issuer,
      audience: keys.audience,
      privateKey: await keys.privateJwk(),
      ttlSeconds: 300,
      renewBeforeSeconds: 60,
      now: () => now,
    });
    const [a, b, c] = await Promise.all([issuer.token(), issuer.token(), issuer.token()]);
    expect(new Set([a, b, c]).size).toBe(1);
    now += 239_000;
    expect(await issuer.token()).toBe(a);
    now += 2_000; // 59 s left: inside the renewal window
    const renewed = await issuer.token();
    expect(renewed).not.toBe(a);
    expect(decodeJwt(renewed).jti).not.toBe(decodeJwt(a).jti);
    expect(await issuer.token()).toBe(renewed);
  });

  it('reports an unusable key or lifetime clearly', async () => {
    const broken = new ServiceTokenIssuer({
      service: 's',
      issuer: 'i',
      audience: 'a',
      privateKey: 'not a key',
    });
    await expect(broken.token()).rejects.toThrow(/privateKey is not an ES256 private key/);
    const jwk = await keys.privateJwk();
    expect(
      () =>
        new ServiceTokenIssuer({
          service: 's',
          issuer: 'i',
          audience: 'a',
          privateKey: jwk,
          ttlSeconds: 30,
          renewBeforeSeconds: 60,
        }),
    ).toThrow(/ttlSeconds > renewBeforeSeconds/);
  });
});
