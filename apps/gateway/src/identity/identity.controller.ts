import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { IdSchema, UnitIdSchema } from '@trellis/contracts';
import { CurrentUser, Public, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidQuery } from '@trellis/platform-http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { noteAudit } from '../audit/audit.hook';
import {
  CreateUserBodySchema,
  LoginBodySchema,
  LogoutBodySchema,
  RefreshBodySchema,
  TokenResponseSchema,
  UserViewSchema,
  type CreateUserBody,
  type TokenResponse,
  type UserView,
} from './identity.schema';
import { IdentityService, LoginRefusedError } from './identity.service';
import { TokenIssuer } from './token.issuer';

/** Route config marking the stricter login rate limit (`LOGIN_RATE_LIMIT_PER_MINUTE`, per address). */
export const LOGIN_RATE_LIMIT = { rateLimitGroup: 'login' } as const;

/** Login, token refresh, logout and the caller's identity; the token keys (JWKS). */
@Controller()
export class IdentityController {
  constructor(
    private readonly identity: IdentityService,
    private readonly tokens: TokenIssuer,
  ) {}

  @Public()
  @Get('.well-known/jwks.json')
  @ApiOperation({
    summary: 'The public keys that verify Trellis access tokens (JWKS)',
    public: true,
    tags: ['identity'],
  })
  jwks(): unknown {
    return this.tokens.jwks;
  }

  @Public()
  @Post('api/identity/login')
  @HttpCode(200)
  @RouteConfig(LOGIN_RATE_LIMIT)
  @ApiOperation({
    summary: 'Log in with username and password',
    description:
      'Returns a short-lived access token and a refresh token. After `LOGIN_MAX_FAILURES` wrong passwords the account is locked (423 ACCOUNT_LOCKED) for `LOCKOUT_SECONDS`; logins are also rate-limited per address (429).',
    body: LoginBodySchema,
    response: TokenResponseSchema,
    public: true,
    errors: ['UNAUTHENTICATED', 'ACCOUNT_LOCKED', 'RATE_LIMITED'],
    tags: ['identity'],
  })
  async login(
    @ValidBody(LoginBodySchema) body: z.infer<typeof LoginBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse> {
    try {
      const { response, outcome } = await this.identity.login(body.username, body.password);
      noteAudit(request, {
        action: 'identity.login',
        actor: { userId: outcome.userId, roles: response.user.roles },
        detail: outcome.result,
      });
      return response;
    } catch (error) {
      if (error instanceof LoginRefusedError) {
        noteAudit(request, {
          action: 'identity.login',
          actor: {
            ...(error.outcome.userId !== undefined ? { userId: error.outcome.userId } : {}),
            subjectRef: error.outcome.subjectRef,
          },
          detail: error.outcome.result,
        });
        if (error.outcome.lockedUntil) {
          const seconds = Math.ceil((error.outcome.lockedUntil.getTime() - Date.now()) / 1000);
          void reply.header('retry-after', String(Math.max(1, seconds)));
        }
      } else {
        noteAudit(request, { action: 'identity.login' });
      }
      throw error;
    }
  }

  @Public()
  @Post('api/identity/refresh')
  @HttpCode(200)
  @RouteConfig(LOGIN_RATE_LIMIT)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens (the refresh token rotates)',
    body: RefreshBodySchema,
    response: TokenResponseSchema,
    public: true,
    errors: ['UNAUTHENTICATED', 'RATE_LIMITED'],
    tags: ['identity'],
  })
  async refresh(
    @ValidBody(RefreshBodySchema) body: z.infer<typeof RefreshBodySchema>,
    @Req() request: FastifyRequest,
  ): Promise<TokenResponse> {
    noteAudit(request, { action: 'identity.refresh' });
    const response = await this.identity.refresh(body.refreshToken);
    noteAudit(request, { actor: { userId: response.user.id, roles: response.user.roles } });
    return response;
  }

  @Post('api/identity/logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Log out: revokes the access token and the refresh token (its whole family)',
    body: LogoutBodySchema,
    status: 204,
    tags: ['identity'],
  })
  async logout(
    @CurrentUser() principal: Principal,
    @ValidBody(LogoutBodySchema) body: z.infer<typeof LogoutBodySchema>,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    noteAudit(request, { action: 'identity.logout' });
    await this.identity.logout(principal, body?.refreshToken);
  }

  @Get('api/identity/me')
  @ApiOperation({ summary: 'The caller', response: UserViewSchema, tags: ['identity'] })
  me(@CurrentUser() principal: Principal): Promise<UserView> {
    return this.identity.user(principal.id);
  }
}

const UsersQuerySchema = z.strictObject({
  organisationId: IdSchema.optional(),
  unitId: UnitIdSchema.optional(),
});

/** User administration (admins only). */
@Controller('api/admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(private readonly identity: IdentityService) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a user (roles and membership: a unit for staff, an organisation for defenders)',
    body: CreateUserBodySchema,
    response: UserViewSchema,
    roles: ['admin'],
    errors: ['DUPLICATE'],
    tags: ['admin'],
  })
  create(@ValidBody(CreateUserBodySchema) body: CreateUserBody): Promise<UserView> {
    return this.identity.createUser(body);
  }

  @Get()
  @ApiOperation({
    summary: 'List users',
    query: UsersQuerySchema,
    response: z.array(UserViewSchema),
    roles: ['admin'],
    tags: ['admin'],
  })
  list(@ValidQuery(UsersQuerySchema) query: z.infer<typeof UsersQuerySchema>): Promise<UserView[]> {
    return this.identity.listUsers(query);
  }
}
