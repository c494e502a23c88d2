import { Inject, Injectable } from '@nestjs/common';
import { TOKEN_ALGORITHM } from '@trellis/platform-auth';
import { CONFIG } from '@trellis/platform-config';
import { exportJWK, importJWK, SignJWT, type CryptoKey, type JWK, type JSONWebKeySet } from 'jose';
import { randomUUID } from 'node:crypto';
import type { GatewayConfig } from '../config';

/** Who an access token is for (the Trellis claims). */
export interface TokenSubject {
  userId: string;
  roles: readonly string[];
  unitId?: string;
  organisationId?: string;
}

/** A signed access token and its facts. */
export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresAt: Date;
  expiresIn: number;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

/** The public part of a JWK (private members dropped), marked for ES256 signatures. */
export function publicJwk(jwk: Record<string, unknown>): JWK {
  const pub: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete pub[member];
  delete pub['key_ops'];
  return { ...pub, alg: TOKEN_ALGORITHM, use: 'sig' };
}

/**
 * Signs the gateway's ES256 access tokens (`typ: user`, roles, unit or organisation, short
 * expiry, unique `jti`) and publishes the verification keys as a JWKS: the signing key's public
 * part plus `TOKEN_EXTRA_JWKS` (keys being rotated out).
 */
@Injectable()
export class TokenIssuer {
  private readonly key: Promise<CryptoKey>;
  private readonly kid: string;
  readonly jwks: JSONWebKeySet;

  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {
    const jwk = config.TOKEN_SIGNING_PRIVATE_JWK;
    if (typeof jwk['kid'] !== 'string' || jwk['kid'] === '') {
      throw new Error('TOKEN_SIGNING_PRIVATE_JWK needs a "kid"');
    }
    if (typeof jwk['d'] !== 'string') {
      throw new Error('TOKEN_SIGNING_PRIVATE_JWK must be a private key (member "d")');
    }
    this.kid = jwk['kid'];
    this.key = importJWK(jwk as JWK, TOKEN_ALGORITHM) as Promise<CryptoKey>;
    this.key.catch(() => undefined); // reported on first use
    const extra =
      (config.TOKEN_EXTRA_JWKS?.['keys'] as Record<string, unknown>[] | undefined) ?? [];
    this.jwks = {
      keys: [publicJwk(jwk), ...extra.filter((k) => k['kid'] !== this.kid).map(publicJwk)],
    };
  }

  /** Checks the signing key can be used (at start-up). */
  async check(): Promise<void> {
    const key = await this.key.catch((cause: unknown) => {
      throw new Error('TOKEN_SIGNING_PRIVATE_JWK is not an ES256 private key', { cause });
    });
    await exportJWK(key).catch(() => undefined);
  }

  async issue(subject: TokenSubject, now = new Date()): Promise<IssuedAccessToken> {
    const ttl = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const iat = Math.floor(now.getTime() / 1000);
    const jti = randomUUID();
    const token = await new SignJWT({
      typ: 'user',
      roles: [...subject.roles],
      ...(subject.unitId !== undefined ? { unitId: subject.unitId } : {}),
      ...(subject.organisationId !== undefined ? { organisationId: subject.organisationId } : {}),
    })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setSubject(subject.userId)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(jti)
      .sign(await this.key);
    return { token, jti, expiresAt: new Date((iat + ttl) * 1000), expiresIn: ttl };
  }
}
