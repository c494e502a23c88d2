import { z } from 'zod';

/**
 * The roles of Trellis users. (Defined here until `@trellis/contracts` owns them.)
 * - `admin`: administers desks, users, erasure; sees everything
 * - `program-manager`, `protection-officer`: staff of a unit (a desk or the TRU)
 * - `analyst`: pseudonymous programme reports, no identifiable data
 * - `defender`: a user of one defender organisation
 */
export const ROLES = [
  'admin',
  'program-manager',
  'protection-officer',
  'analyst',
  'defender',
] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** `user`: a person logged in; `service`: another Trellis service calling an internal endpoint. */
export const TOKEN_TYPES = ['user', 'service'] as const;
/** One of {@link TOKEN_TYPES}. */
export type TokenType = (typeof TOKEN_TYPES)[number];

const UNIT_ROLES: readonly Role[] = ['program-manager', 'protection-officer'];

/** The claims of a Trellis access token (user or service), validated after the signature. */
export const tokenClaimsSchema = z
  .object({
    sub: z.string().min(1),
    typ: z.enum(TOKEN_TYPES),
    roles: z.array(z.enum(ROLES)),
    /** Staff: the unit they work in, a desk id or `tru`. */
    unitId: z.string().min(1).optional(),
    /** Defender users: their organisation. */
    organisationId: z.string().min(1).optional(),
    iss: z.string().min(1),
    aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    exp: z.number().int(),
    iat: z.number().int(),
    jti: z.string().min(1),
  })
  .superRefine((claims, ctx) => {
    if (claims.typ === 'user' && claims.roles.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'a user token needs a role' });
    }
    if (claims.roles.some((r) => UNIT_ROLES.includes(r)) && !claims.unitId) {
      ctx.addIssue({
        code: 'custom',
        path: ['unitId'],
        message: 'program-manager and protection-officer tokens need a unitId',
      });
    }
    if (claims.roles.includes('defender') && !claims.organisationId) {
      ctx.addIssue({
        code: 'custom',
        path: ['organisationId'],
        message: 'defender tokens need an organisationId',
      });
    }
  });
/** See {@link tokenClaimsSchema}. */
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** The authenticated caller of a request. */
export interface Principal {
  /** User id, or the calling service's name (`sub`). */
  id: string;
  type: TokenType;
  roles: readonly Role[];
  unitId?: string;
  organisationId?: string;
  /** `jti` of the token (for audit and revocation). */
  tokenId: string;
  expiresAt: Date;
}

/** The {@link Principal} a verified token describes. */
export function principalFromClaims(claims: TokenClaims): Principal {
  return {
    id: claims.sub,
    type: claims.typ,
    roles: [...new Set(claims.roles)],
    ...(claims.unitId === undefined ? {} : { unitId: claims.unitId }),
    ...(claims.organisationId === undefined ? {} : { organisationId: claims.organisationId }),
    tokenId: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
  };
}
