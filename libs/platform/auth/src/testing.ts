import { randomUUID } from 'node:crypto';
import {
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { Role, TokenType } from './auth.claims';
import type { AuthOptions } from './token.verifier';

/** Claims a test token carries (registered claims are filled in by the minter). */
export interface TestClaims {
  sub?: string;
  typ?: TokenType;
  roles?: Role[];
  unitId?: string;
  organisationId?: string;
  /** Anything else, e.g. to test claim validation. */
  [extra: string]: unknown;
}

/** Overrides of the registered claims and header of one test token. */
export interface MintOptions {
  issuer?: string;
  audience?: string | string[];
  /** Lifetime from `issuedAt`, seconds (negative for an expired token). Default 600. */
  expiresInSeconds?: number;
  /** `iat` in seconds since the epoch. Default now. */
  issuedAt?: number;
  kid?: string;
  jti?: string;
}

/**
 * Test helper: an ES256 key pair with its public JWKS, minting real tokens for each role and
 * the bad tokens negative tests need. Use its {@link authOptions} to configure `AuthModule`.
 *
 * Not for production code: it holds a private key in memory and signs whatever it is asked.
 */
export class TokenMinter {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly publicJwk: JWK,
    /** `iss` of the minted tokens. */
    readonly issuer: string,
    /** `aud` of the minted tokens. */
    readonly audience: string,
    /** `kid` of the key pair. */
    readonly kid: string,
  ) {}

  /** A new key pair (and so a new JWKS). */
  static async create(
    options: { issuer?: string; audience?: string; kid?: string } = {},
  ): Promise<TokenMinter> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = options.kid ?? `test-${randomUUID().slice(0, 8)}`;
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    return new TokenMinter(
      privateKey,
      publicKey,
      publicJwk,
      options.issuer ?? 'https://trellis.test/auth',
      options.audience ?? 'trellis',
      kid,
    );
  }

  /** The public JWKS to verify this minter's tokens with (serve it, or pass it as `jwks`). */
  get jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicJwk }] };
  }

  /** `AuthOptions` that accept this minter's tokens (local JWKS). */
  authOptions(overrides: Partial<AuthOptions> = {}): AuthOptions {
    return { issuer: this.issuer, audience: this.audience, jwks: this.jwks, ...overrides };
  }

  /** The public key as SPKI PEM. */
  publicKeyPem(): Promise<string> {
    return exportSPKI(this.publicKey);
  }

  /** The private key as PKCS#8 PEM (e.g. for a `ServiceTokenIssuer` under test). */
  privateKeyPem(): Promise<string> {
    return exportPKCS8(this.privateKey);
  }

  /** The private key as a JWK with this minter's `kid`. */
  async privateJwk(): Promise<JWK> {
    return { ...(await exportJWK(this.privateKey)), kid: this.kid, alg: 'ES256' };
  }

  /** A signed token with exactly these claims (plus `iss`, `aud`, `iat`, `exp`, `jti`). */
  async mint(claims: TestClaims, options: MintOptions = {}): Promise<string> {
    const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: options.kid ?? this.kid })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (options.expiresInSeconds ?? 600))
      .setJti(options.jti ?? randomUUID())
      .sign(this.privateKey);
  }

  /** A user token for `role`; unit roles default to unit `desk-1`, defenders to `org-1`. */
  forRole(
    role: Role,
    membership: { sub?: string; unitId?: string; organisationId?: string } = {},
    options?: MintOptions,
  ): Promise<string> {
    const unitRole = role === 'program-manager' || role === 'protection-officer';
    return this.mint(
      {
        sub: membership.sub ?? `user-${role}`,
        typ: 'user',
        roles: [role],
        ...(unitRole || membership.unitId ? { unitId: membership.unitId ?? 'desk-1' } : {}),
        ...(role === 'defender' || membership.organisationId
          ? { organisationId: membership.organisationId ?? 'org-1' }
          : {}),
      },
      options,
    );
  }

  admin(sub?: string): Promise<string> {
    return this.forRole('admin', sub ? { sub } : {});
  }

  programManager(unitId: string, sub?: string): Promise<string> {
    return this.forRole('program-manager', { unitId, ...(sub ? { sub } : {}) });
  }

  protectionOfficer(unitId: string, sub?: string): Promise<string> {
    return this.forRole('protection-officer', { unitId, ...(sub ? { sub } : {}) });
  }

  analyst(sub?: string): Promise<string> {
    return this.forRole('analyst', sub ? { sub } : {});
  }

  defender(organisationId: string, sub?: string): Promise<string> {
    return this.forRole('defender', { organisationId, ...(sub ? { sub } : {}) });
  }

  /** A service-to-service token (`typ: 'service'`, no roles). */
  service(name = 'orchestrator', options?: MintOptions): Promise<string> {
    return this.mint({ sub: name, typ: 'service', roles: [] }, options);
  }

  /** An otherwise valid admin token that expired an hour ago. */
  expired(role: Role = 'admin'): Promise<string> {
    return this.forRole(
      role,
      {},
      { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 3600 },
    );
  }

  /** An otherwise valid admin token for another audience. */
  wrongAudience(role: Role = 'admin'): Promise<string> {
    return this.forRole(role, {}, { audience: 'some-other-api' });
  }

  /** An otherwise valid admin token from another issuer. */
  wrongIssuer(role: Role = 'admin'): Promise<string> {
    return this.forRole(role, {}, { issuer: 'https://evil.example/auth' });
  }
}

/** `{ authorization: 'Bearer <token>' }`, for request headers. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
