import { Inject, Injectable } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { principalFromClaims, tokenClaimsSchema, type Principal } from './auth.claims';
import { TokenRejectedError, VerificationKeysUnavailableError } from './auth.errors';

/** The only accepted signature algorithm. */
export const TOKEN_ALGORITHM = 'ES256';

/** Injection token of the {@link AuthOptions}. */
export const AUTH_OPTIONS = 'TRELLIS_AUTH_OPTIONS';

/**
 * How tokens are verified. Give at least one key source; several may be combined (e.g. the
 * gateway's JWKS URL for user tokens plus a local JWKS with the services' keys).
 */
export interface AuthOptions {
  /** Accepted `iss` value(s). */
  issuer: string | string[];
  /** Accepted `aud` value(s); the token must name one of them. */
  audience: string | string[];
  /** A JWKS endpoint (e.g. the gateway's `/.well-known/jwks.json`); fetched and cached. */
  jwksUrl?: string | URL;
  /** A JWKS given in configuration. */
  jwks?: JSONWebKeySet;
  /** Public key(s) in SPKI PEM form (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem?: string | string[];
  /** Allowed clock skew for `exp`/`iat`, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** Timeout of a JWKS fetch in ms. Default 5000. */
  jwksTimeoutMs?: number;
  /**
   * How long a verified token is answered from memory (never past its `exp`), in ms: a session
   * makes many requests with one access token, and the ES256 check (WebCrypto) is the costliest
   * step of a request's authentication. Default 60 000; 0 verifies every time. Revocation is
   * not cached here: the gateway checks it separately on every request.
   */
  verifiedCacheMs?: number;
  /** Most tokens kept verified (oldest dropped first). Default 10 000. */
  verifiedCacheSize?: number;
}

type KeySource = { name: string; remote: boolean; key: JWTVerifyGetKey | Promise<CryptoKey> };

/**
 * Verifies ES256 access tokens: signature against the configured keys, `iss`, `aud`, `exp`,
 * then the Trellis claims (zod). Returns the {@link Principal}; throws
 * {@link TokenRejectedError} (→ 401) or {@link VerificationKeysUnavailableError} (→ 503).
 */
@Injectable()
export class TokenVerifier {
  private readonly sources: KeySource[];
  private readonly issuer: string | string[];
  private readonly audience: string | string[];
  private readonly clockTolerance: number;
  private readonly cacheMs: number;
  private readonly cacheSize: number;
  /** Verified tokens (the compact JWS) → their principal, until `until`. */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(@Inject(AUTH_OPTIONS) options: AuthOptions) {
    this.cacheMs = options.verifiedCacheMs ?? 60_000;
    this.cacheSize = options.verifiedCacheSize ?? 10_000;
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.clockTolerance = options.clockToleranceSeconds ?? 5;
    this.sources = [];
    if (options.jwks) {
      this.sources.push({ name: 'jwks', remote: false, key: createLocalJWKSet(options.jwks) });
    }
    const pems = options.publicKeyPem === undefined ? [] : [options.publicKeyPem].flat();
    pems.forEach((pem, i) => {
      const key = importSPKI(pem, TOKEN_ALGORITHM);
      key.catch(() => undefined); // reported when used
      this.sources.push({ name: `publicKeyPem[${i}]`, remote: false, key });
    });
    if (options.jwksUrl !== undefined) {
      const url = new URL(options.jwksUrl);
      this.sources.push({
        name: 'jwksUrl',
        remote: true,
        key: createRemoteJWKSet(url, { timeoutDuration: options.jwksTimeoutMs ?? 5000 }),
      });
    }
    if (this.sources.length === 0) {
      throw new Error('AuthOptions: give jwksUrl, jwks or publicKeyPem to verify tokens with');
    }
  }

  /**
   * Verifies `token` (the compact JWS, without `Bearer `); a token verified in the last
   * `verifiedCacheMs` and not expired is answered from memory (a copy of its principal).
   */
  async verify(token: string): Promise<Principal> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit !== undefined) {
      if (hit.until > now) return copyOf(hit.principal);
      this.verified.delete(token);
    }
    const principal = await this.verifyNow(token);
    const until = Math.min(now + this.cacheMs, principal.expiresAt.getTime());
    if (this.cacheSize > 0 && until > now) {
      if (this.verified.size >= this.cacheSize) {
        const oldest = this.verified.keys().next();
        if (oldest.done !== true) this.verified.delete(oldest.value);
      }
      this.verified.set(token, { principal: copyOf(principal), until });
    }
    return principal;
  }

  /** Verifies `token` against the keys (see {@link verify}). */
  private async verifyNow(token: string): Promise<Principal> {
    let payload: JWTPayload | undefined;
    let lastKeyMiss: unknown;
    for (const source of this.sources) {
      try {
        const key = source.key instanceof Promise ? await this.pemKey(source) : source.key;
        ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: this.issuer,
          audience: this.audience,
          clockTolerance: this.clockTolerance,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        }));
        break;
      } catch (error) {
        // Try the next key source only if this one did not hold the signing key.
        if (
          error instanceof errors.JWKSNoMatchingKey ||
          error instanceof errors.JWSSignatureVerificationFailed
        ) {
          lastKeyMiss = error;
          continue;
        }
        throw rejection(error, source);
      }
    }
    if (!payload) throw rejection(lastKeyMiss, undefined);
    const parsed = tokenClaimsSchema.safeParse(payload);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(claims)'}: ${i.message}`)
        .join('; ');
      throw new TokenRejectedError(`token claims are invalid (${problems})`);
    }
    return principalFromClaims(parsed.data);
  }

  private async pemKey(source: KeySource): Promise<CryptoKey> {
    try {
      return await (source.key as Promise<CryptoKey>);
    } catch (cause) {
      throw new Error(`AuthOptions.${source.name} is not an ES256 SPKI public key`, { cause });
    }
  }
}

function copyOf(principal: Principal): Principal {
  return { ...principal, roles: [...principal.roles], expiresAt: new Date(principal.expiresAt) };
}

function rejection(error: unknown, source: KeySource | undefined): Error {
  if (error instanceof errors.JWTExpired) return new TokenRejectedError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const what =
      error.claim === 'iss' ? 'issuer' : error.claim === 'aud' ? 'audience' : `"${error.claim}"`;
    return new TokenRejectedError(`token ${what} is not accepted`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new TokenRejectedError('token is signed with an unknown key');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenRejectedError('token signature is invalid');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenRejectedError(`token algorithm is not allowed (only ${TOKEN_ALGORITHM})`);
  }
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    // jose's plain JOSEError from a JWKS fetch: a non-200 answer.
    (source?.remote && error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')
  ) {
    return new VerificationKeysUnavailableError('verification keys could not be fetched', {
      cause: error,
    });
  }
  if (error instanceof errors.JOSEError) {
    // JWSInvalid, JWTInvalid, JOSENotSupported, JWKSMultipleMatchingKeys, ...
    return new TokenRejectedError('token is malformed');
  }
  if (source?.remote) {
    // fetch() failed: network error or a non-2xx answer.
    return new VerificationKeysUnavailableError('verification keys could not be fetched', {
      cause: error,
    });
  }
  return error instanceof Error ? error : new TokenRejectedError('token is malformed');
}
