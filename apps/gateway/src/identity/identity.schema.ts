import { IdSchema, ROLES, UnitIdSchema } from '@trellis/contracts';
import { Schema } from 'mongoose';
import { z } from 'zod';

/*
 * The gateway's identity store: users (argon2id password hashes, roles, membership), refresh
 * tokens (stored only as SHA-256 hashes, rotated on use, grouped in families so reuse of a
 * rotated token revokes the whole family) and revoked access tokens (until they expire).
 */

export const USER_MODEL = 'User';
export const REFRESH_TOKEN_MODEL = 'RefreshToken';
export const REVOKED_TOKEN_MODEL = 'RevokedToken';

/** A Trellis user. `username` is stored lower-case; it is never logged. */
export interface UserDocument {
  _id: string;
  username: string;
  passwordHash: string;
  roles: string[];
  /** Staff: their unit (a desk id or `tru`). */
  unitId?: string;
  /** Defender users: their organisation. */
  organisationId?: string;
  status: 'active' | 'disabled';
  failedLogins: number;
  lockedUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const userSchema = new Schema<UserDocument>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    roles: { type: [String], required: true },
    unitId: { type: String },
    organisationId: { type: String, index: true },
    status: { type: String, required: true, default: 'active' },
    failedLogins: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date },
  },
  { timestamps: true, versionKey: false },
);

/** A refresh token, by the SHA-256 of its value. */
export interface RefreshTokenDocument {
  _id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  /** Set when the token was exchanged (rotation): presenting it again is reuse. */
  usedAt?: Date;
  revokedAt?: Date;
  createdAt: Date;
}

export const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    familyId: { type: String, required: true, index: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

/** An access token revoked before its expiry (logout), by `jti`. */
export interface RevokedTokenDocument {
  _id: string;
  userId: string;
  expiresAt: Date;
}

export const revokedTokenSchema = new Schema<RevokedTokenDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

// ------------------------------------------------------------------------------ HTTP shapes

const UsernameSchema = z
  .string()
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');

export const LoginBodySchema = z.strictObject({
  username: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const RefreshBodySchema = z.strictObject({
  refreshToken: z.string().min(16).max(512),
});

export const LogoutBodySchema = z
  .strictObject({ refreshToken: z.string().min(16).max(512).optional() })
  .optional();

export const UserViewSchema = z.object({
  id: IdSchema,
  username: z.string(),
  roles: z.array(z.enum(ROLES)),
  unitId: UnitIdSchema.optional(),
  organisationId: IdSchema.optional(),
  status: z.enum(['active', 'disabled']),
  locked: z.boolean(),
});
export type UserView = z.infer<typeof UserViewSchema>;

export const TokenResponseSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  refreshExpiresIn: z.number().int(),
  user: UserViewSchema.omit({ status: true, locked: true, username: true }),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const CreateUserBodySchema = z
  .strictObject({
    username: UsernameSchema,
    password: z.string().max(1024),
    roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
    unitId: UnitIdSchema.optional(),
    organisationId: IdSchema.optional(),
  })
  .superRefine((user, ctx) => {
    const staff = user.roles.some((r) => r === 'program-manager' || r === 'protection-officer');
    if (staff && user.unitId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'staff users need a unit' });
    }
    if (user.roles.includes('defender') && user.organisationId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['organisationId'],
        message: 'defender users need an organisation',
      });
    }
    if (user.roles.includes('defender') && user.roles.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['roles'],
        message: 'a defender account holds no staff role',
      });
    }
  });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UserIdParamSchema = IdSchema;
