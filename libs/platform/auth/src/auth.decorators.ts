import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ROLES as ALL_ROLES, type Principal, type Role } from './auth.claims';
import { unauthenticated } from './auth.errors';
import { scopeOf, type DataScope } from './request-scope';

/** Metadata keys read by the {@link AuthGuard}. */
export const AUTH_METADATA = {
  public: 'trellis:auth:public',
  roles: 'trellis:auth:roles',
  internalOnly: 'trellis:auth:internal-only',
} as const;

/** A request as the {@link AuthGuard} leaves it: with the verified caller attached. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The route (or every route of the controller) needs no token. */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_METADATA.public, true);

/**
 * The caller must hold at least one of `roles` (403 `FORBIDDEN` otherwise). On a method it
 * replaces the controller's `@Roles`.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => {
  const unknown = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length > 0) {
    throw new Error(
      `@Roles: expected roles among ${ALL_ROLES.join(', ')}; got ${roles.join(', ')}`,
    );
  }
  return SetMetadata(AUTH_METADATA.roles, roles);
};

/**
 * Only other Trellis services may call this (service tokens); user tokens get 403
 * `FORBIDDEN`, even an admin's.
 */
export const InternalOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_METADATA.internalOnly, true);

function principalOf(ctx: ExecutionContext): Principal {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw unauthenticated('authentication required');
  return principal;
}

/** Parameter decorator: the authenticated {@link Principal} of the request. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => principalOf(ctx),
);

/**
 * Parameter decorator: the caller's {@link DataScope} (all, their unit, their organisation, or
 * analyst) to restrict queries with.
 */
export const RequestScope = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): DataScope => scopeOf(principalOf(ctx)),
);
