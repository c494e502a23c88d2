import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Role } from './auth.claims';
import { TOKEN_ALGORITHM } from './token.verifier';

/** Injection token of the {@link ServiceTokenOptions}. */
export const SERVICE_TOKEN_OPTIONS = 'TRELLIS_SERVICE_TOKEN_OPTIONS';

/** How a service signs the tokens it sends to other services' internal endpoints. */
export interface ServiceTokenOptions {
  /** Name of the calling service; becomes `sub` (e.g. `orchestrator`). */
  service: string;
  /** `iss` of the tokens; must be accepted by the receiving services. */
  issuer: string;
  /** `aud` of the tokens. */
  audience: string | string[];
  /** The service's ES256 private key: PKCS#8 PEM or a private JWK. */
  privateKey: string | JWK;
  /** `kid` header, so receivers pick the right public key (default: the JWK's `kid`). */
  keyId?: string;
  /** Token lifetime in seconds. Default 300. */
  ttlSeconds?: number;
  /** A cached token is replaced this many seconds before it expires. Default 60. */
  renewBeforeSeconds?: number;
  /** Roles to carry (default none: service tokens are meant for `@InternalOnly()` routes). */
  roles?: Role[];
  /** Clock in ms, for tests. */
  now?: () => number;
}

/**
 * Mints short-lived `typ: 'service'` tokens for calls to other services' internal endpoints,
 * and reuses each one until shortly before it expires.
 */
@Injectable()
export class ServiceTokenIssuer {
  private readonly ttl: number;
  private readonly renewBefore: number;
  private readonly now: () => number;
  private readonly key: Promise<CryptoKey>;
  private current?: { token: string; expiresAt: number };
  private minting?: Promise<string>;

  constructor(@Inject(SERVICE_TOKEN_OPTIONS) private readonly options: ServiceTokenOptions) {
    this.ttl = options.ttlSeconds ?? 300;
    this.renewBefore = options.renewBeforeSeconds ?? 60;
    this.now = options.now ?? Date.now;
    if (!options.service) throw new Error('ServiceTokenOptions.service is required');
    if (!(this.ttl > 0) || !(this.renewBefore >= 0) || this.renewBefore >= this.ttl) {
      throw new Error('ServiceTokenOptions: need ttlSeconds > renewBeforeSeconds >= 0');
    }
    this.key = (
      typeof options.privateKey === 'string'
        ? importPKCS8(options.privateKey, TOKEN_ALGORITHM)
        : (importJWK(options.privateKey, TOKEN_ALGORITHM) as Promise<CryptoKey>)
    ).catch((cause: unknown) => {
      throw new Error('ServiceTokenOptions.privateKey is not an ES256 private key', { cause });
    });
    this.key.catch(() => undefined); // reported on first use
  }

  /** A valid service token (cached until `renewBeforeSeconds` before it expires). */
  async token(): Promise<string> {
    const now = this.now();
    if (this.current && this.current.expiresAt - this.renewBefore * 1000 > now) {
      return this.current.token;
    }
    this.minting ??= this.mint().finally(() => {
      this.minting = undefined;
    });
    return this.minting;
  }

  /** `Bearer <token>`, for the `Authorization` header. */
  async authorizationHeader(): Promise<string> {
    return `Bearer ${await this.token()}`;
  }

  private async mint(): Promise<string> {
    const key = await this.key;
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + this.ttl;
    const kid =
      this.options.keyId ??
      (typeof this.options.privateKey === 'string' ? undefined : this.options.privateKey.kid);
    const token = await new SignJWT({ typ: 'service', roles: this.options.roles ?? [] })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT', ...(kid ? { kid } : {}) })
      .setSubject(this.options.service)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(key);
    this.current = { token, expiresAt: exp * 1000 };
    return token;
  }
}
