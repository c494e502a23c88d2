import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import type { Principal, Role } from '@trellis/platform-auth';
import { CONFIG } from '@trellis/platform-config';
import { ApiError } from '@trellis/platform-http';
import { InjectModel, isDuplicateKeyError } from '@trellis/platform-mongo';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import type { Model } from 'mongoose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { passwordProblems } from './password.policy';
import {
  REFRESH_TOKEN_MODEL,
  REVOKED_TOKEN_MODEL,
  USER_MODEL,
  type CreateUserBody,
  type RefreshTokenDocument,
  type RevokedTokenDocument,
  type TokenResponse,
  type UserDocument,
  type UserView,
} from './identity.schema';
import { TokenIssuer } from './token.issuer';

/** What happened at a login, for the audit trail (ids and hashes only). */
export interface LoginOutcome {
  /** The user id, when the username named a user. */
  userId?: string;
  /** Keyed hash of the username given (so repeated attempts on one name can be correlated). */
  subjectRef: string;
  result: 'success' | 'bad-credentials' | 'locked' | 'account-locked-now' | 'disabled';
  lockedUntil?: Date;
}

/** A login refused: carries the {@link LoginOutcome} for the audit. */
export class LoginRefusedError extends ApiError {
  constructor(
    readonly outcome: LoginOutcome,
    code: 'UNAUTHENTICATED' | 'ACCOUNT_LOCKED',
    message: string,
  ) {
    super(code, message);
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

// A fixed argon2id hash verified when the username is unknown, so the answer takes as long as
// for a wrong password (no user enumeration by timing).
const DUMMY_HASH_SOURCE = 'trellis-dummy-password-never-valid';

/**
 * Users, logins and tokens: argon2id password hashes, lock-out after repeated failures,
 * short-lived access tokens, rotating refresh tokens (reuse revokes the family), logout that
 * revokes both tokens.
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  private dummyHash?: Promise<string>;
  /** Revoked access token ids (refreshed from the database every few seconds). */
  private revoked = new Set<string>();
  private revokedLoadedAt = 0;
  private revokedLoading?: Promise<void>;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @InjectModel(USER_MODEL) private readonly users: Model<UserDocument>,
    @InjectModel(REFRESH_TOKEN_MODEL) private readonly refreshTokens: Model<RefreshTokenDocument>,
    @InjectModel(REVOKED_TOKEN_MODEL) private readonly revokedTokens: Model<RevokedTokenDocument>,
    private readonly tokens: TokenIssuer,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.tokens.check();
    await this.users.init(); // the automatic index build (unique usernames) has finished
    await this.ensureBootstrapAdmin();
  }

  /** Creates the first admin from the configuration when no admin exists yet. */
  async ensureBootstrapAdmin(): Promise<void> {
    const username = this.config.BOOTSTRAP_ADMIN_USERNAME;
    const password = this.config.BOOTSTRAP_ADMIN_PASSWORD;
    if (username === undefined || password === undefined) return;
    if (await this.users.exists({ roles: 'admin' })) return;
    try {
      await this.createUser({ username, password, roles: ['admin'] });
      this.logger.info('bootstrap admin created');
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'DUPLICATE')) throw error;
    }
  }

  /** A keyed reference to a username for the audit trail (never the name itself). */
  subjectRef(username: string): string {
    return createHash('sha256')
      .update(this.config.AUDIT_HMAC_KEY)
      .update(username.trim().toLowerCase())
      .digest('hex')
      .slice(0, 24);
  }

  async createUser(body: CreateUserBody): Promise<UserView> {
    const username = body.username.trim().toLowerCase();
    const problems = passwordProblems(body.password, username, this.config.PASSWORD_MIN_LENGTH);
    if (problems.length > 0) {
      throw new ApiError(
        'VALIDATION_FAILED',
        'The password does not meet the password rules.',
        problems.map((message) => ({ path: 'password', message })),
      );
    }
    const user: Omit<UserDocument, 'createdAt' | 'updatedAt'> = {
      _id: `usr-${randomUUID()}`,
      username,
      passwordHash: await hash(body.password),
      roles: [...new Set(body.roles)],
      ...(body.unitId !== undefined ? { unitId: body.unitId } : {}),
      ...(body.organisationId !== undefined ? { organisationId: body.organisationId } : {}),
      status: 'active',
      failedLogins: 0,
    };
    try {
      const created = await this.users.create(user);
      return view(created.toObject());
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new ApiError('DUPLICATE', 'This username is taken.', [
          { path: 'username', message: 'is taken' },
        ]);
      }
      throw error;
    }
  }

  async listUsers(filter: { organisationId?: string; unitId?: string } = {}): Promise<UserView[]> {
    const docs = await this.users.find(filter).sort({ _id: 1 }).lean<UserDocument[]>();
    return docs.map(view);
  }

  async user(userId: string): Promise<UserView> {
    const doc = await this.users.findById(userId).lean<UserDocument>();
    if (!doc) throw new ApiError('NOT_FOUND', 'No such user.');
    return view(doc);
  }

  /** Password login. Throws {@link LoginRefusedError} (401 or 423) with the audit outcome. */
  async login(
    username: string,
    password: string,
    now = new Date(),
  ): Promise<{ response: TokenResponse; outcome: LoginOutcome }> {
    const name = username.trim().toLowerCase();
    const subjectRef = this.subjectRef(name);
    const user = await this.users.findOne({ username: name }).lean<UserDocument>();
    if (!user) {
      await verify(await this.dummy(), password).catch(() => false);
      throw new LoginRefusedError(
        { subjectRef, result: 'bad-credentials' },
        'UNAUTHENTICATED',
        'The username or password is wrong.',
      );
    }
    const base = { userId: user._id, subjectRef };
    if (user.lockedUntil && user.lockedUntil > now) {
      throw new LoginRefusedError(
        { ...base, result: 'locked', lockedUntil: user.lockedUntil },
        'ACCOUNT_LOCKED',
        'This account is locked after too many failed logins; try again later.',
      );
    }
    const valid = await verify(user.passwordHash, password).catch(() => false);
    if (!valid) {
      // Atomic count; the attempt that reaches the limit locks the account and resets it.
      const after = await this.users
        .findOneAndUpdate(
          { _id: user._id },
          { $inc: { failedLogins: 1 } },
          { returnDocument: 'after' },
        )
        .lean<UserDocument>();
      if ((after?.failedLogins ?? 0) >= this.config.LOGIN_MAX_FAILURES) {
        const lockedUntil = new Date(now.getTime() + this.config.LOCKOUT_SECONDS * 1000);
        await this.users.updateOne({ _id: user._id }, { $set: { lockedUntil, failedLogins: 0 } });
        throw new LoginRefusedError(
          { ...base, result: 'account-locked-now', lockedUntil },
          'ACCOUNT_LOCKED',
          'Too many failed logins: this account is locked for a while.',
        );
      }
      throw new LoginRefusedError(
        { ...base, result: 'bad-credentials' },
        'UNAUTHENTICATED',
        'The username or password is wrong.',
      );
    }
    if (user.status !== 'active') {
      throw new LoginRefusedError(
        { ...base, result: 'disabled' },
        'UNAUTHENTICATED',
        'The username or password is wrong.',
      );
    }
    if (user.failedLogins > 0 || user.lockedUntil) {
      await this.users.updateOne(
        { _id: user._id },
        { $set: { failedLogins: 0 }, $unset: { lockedUntil: 1 } },
      );
    }
    const response = await this.tokensFor(user, randomUUID(), now);
    return { response, outcome: { ...base, result: 'success' } };
  }

  /**
   * Exchanges a refresh token for new tokens (rotation). A token used before is a sign of
   * theft: the whole family is revoked. Unknown, expired or revoked tokens get 401.
   */
  async refresh(refreshToken: string, now = new Date()): Promise<TokenResponse> {
    const id = sha256(refreshToken);
    const refused = () => new ApiError('UNAUTHENTICATED', 'The refresh token is not valid.');
    const claimed = await this.refreshTokens
      .findOneAndUpdate(
        { _id: id, usedAt: { $exists: false }, revokedAt: { $exists: false } },
        { $set: { usedAt: now } },
        { returnDocument: 'after' },
      )
      .lean<RefreshTokenDocument>();
    if (!claimed) {
      const known = await this.refreshTokens.findById(id).lean<RefreshTokenDocument>();
      if (known?.usedAt && !known.revokedAt) {
        await this.refreshTokens.updateMany(
          { familyId: known.familyId, revokedAt: { $exists: false } },
          { $set: { revokedAt: now } },
        );
        this.logger.warn({ userId: known.userId }, 'refresh token reused: family revoked');
      }
      throw refused();
    }
    if (claimed.expiresAt <= now) throw refused();
    const user = await this.users.findById(claimed.userId).lean<UserDocument>();
    if (!user || user.status !== 'active' || (user.lockedUntil && user.lockedUntil > now)) {
      throw refused();
    }
    return this.tokensFor(user, claimed.familyId, now);
  }

  /** Logout: revokes the access token (until it expires) and the refresh token's family. */
  async logout(principal: Principal, refreshToken?: string, now = new Date()): Promise<void> {
    await this.revokedTokens.updateOne(
      { _id: principal.tokenId },
      { $setOnInsert: { userId: principal.id, expiresAt: principal.expiresAt } },
      { upsert: true },
    );
    this.revoked.add(principal.tokenId);
    if (refreshToken !== undefined) {
      const known = await this.refreshTokens.findById(sha256(refreshToken)).lean();
      if (known && known.userId === principal.id) {
        await this.refreshTokens.updateMany(
          { familyId: known.familyId, revokedAt: { $exists: false } },
          { $set: { revokedAt: now } },
        );
      }
    }
  }

  /** True when the access token was revoked (logout); the list is refreshed every 2 s. */
  async isRevoked(tokenId: string): Promise<boolean> {
    if (this.revoked.has(tokenId)) return true;
    if (Date.now() - this.revokedLoadedAt > 2000) {
      this.revokedLoading ??= this.loadRevoked().finally(() => {
        this.revokedLoading = undefined;
      });
      await this.revokedLoading;
    }
    return this.revoked.has(tokenId);
  }

  /** Removes every user of an organisation and their refresh tokens (erasure). */
  async removeOrganisationUsers(organisationId: string): Promise<number> {
    const users = await this.users.find({ organisationId }, { _id: 1 }).lean<{ _id: string }[]>();
    const ids = users.map((u) => u._id);
    if (ids.length === 0) return 0;
    await this.refreshTokens.deleteMany({ userId: { $in: ids } });
    const result = await this.users.deleteMany({ _id: { $in: ids } });
    return result.deletedCount;
  }

  private async loadRevoked(): Promise<void> {
    const now = new Date();
    const docs = await this.revokedTokens
      .find({ expiresAt: { $gt: now } }, { _id: 1 })
      .lean<{ _id: string }[]>();
    this.revoked = new Set(docs.map((d) => d._id));
    this.revokedLoadedAt = Date.now();
    // Expired entries are no longer needed (FerretDB has no TTL indexes).
    await this.revokedTokens.deleteMany({ expiresAt: { $lte: now } });
  }

  private async tokensFor(user: UserDocument, familyId: string, now: Date): Promise<TokenResponse> {
    const subject = {
      userId: user._id,
      roles: user.roles,
      ...(user.unitId !== undefined ? { unitId: user.unitId } : {}),
      ...(user.organisationId !== undefined ? { organisationId: user.organisationId } : {}),
    };
    const access = await this.tokens.issue(subject, now);
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshTtl = this.config.REFRESH_TOKEN_TTL_SECONDS;
    await this.refreshTokens.create({
      _id: sha256(refreshToken),
      userId: user._id,
      familyId,
      expiresAt: new Date(now.getTime() + refreshTtl * 1000),
    });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn: refreshTtl,
      user: {
        id: user._id,
        roles: user.roles as Role[],
        ...(user.unitId !== undefined ? { unitId: user.unitId } : {}),
        ...(user.organisationId !== undefined ? { organisationId: user.organisationId } : {}),
      },
    };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hash(DUMMY_HASH_SOURCE);
    return this.dummyHash;
  }
}

function view(doc: UserDocument): UserView {
  return {
    id: doc._id,
    username: doc.username,
    roles: doc.roles as Role[],
    ...(doc.unitId !== undefined ? { unitId: doc.unitId } : {}),
    ...(doc.organisationId !== undefined ? { organisationId: doc.organisationId } : {}),
    status: doc.status,
    locked: doc.lockedUntil !== undefined && doc.lockedUntil > new Date(),
  };
}
