import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from './auth.claims';
import { AUTH_METADATA, type AuthenticatedRequest } from './auth.decorators';
import {
  authUnavailable,
  forbidden,
  TokenRejectedError,
  unauthenticated,
  VerificationKeysUnavailableError,
} from './auth.errors';
import { TokenVerifier } from './token.verifier';

/** Response methods of Fastify (`header`) and Express (`setHeader`). */
interface HeaderWriter {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/**
 * Authenticates every HTTP request (registered globally by {@link AuthModule}): reads
 * `Authorization: Bearer <token>`, verifies it and attaches the {@link Principal}, then applies
 * `@Public()`, `@InternalOnly()` and `@Roles(...)`. 401 `UNAUTHENTICATED` for a missing,
 * malformed, expired or untrusted token; 403 `FORBIDDEN` for a wrong role or a user token on
 * an internal endpoint. Non-HTTP contexts (Kafka handlers) are not its concern and pass.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();

    if (this.reflector.getAllAndOverride<boolean>(AUTH_METADATA.public, targets)) {
      // A valid token on a public route still identifies the caller; a bad one is ignored.
      const token = bearerToken(request.headers['authorization']);
      if (typeof token === 'string') {
        request.principal = await this.verifier.verify(token).catch(() => undefined);
      }
      return true;
    }

    const token = bearerToken(request.headers['authorization']);
    if (typeof token !== 'string') {
      challenge(http.getResponse<HeaderWriter>(), token === null ? undefined : 'invalid_request');
      throw unauthenticated(
        token === null ? 'a bearer token is required' : 'the Authorization header is malformed',
      );
    }
    try {
      request.principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        challenge(http.getResponse<HeaderWriter>(), 'invalid_token');
        throw unauthenticated(error.message);
      }
      if (error instanceof VerificationKeysUnavailableError) throw authUnavailable(error.message);
      throw error;
    }
    const principal = request.principal;

    if (
      this.reflector.getAllAndOverride<boolean>(AUTH_METADATA.internalOnly, targets) &&
      principal.type !== 'service'
    ) {
      throw forbidden('this endpoint is for internal service calls only');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(
      AUTH_METADATA.roles,
      targets,
    );
    if (roles && !roles.some((r) => principal.roles.includes(r))) {
      throw forbidden(`this needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}

/** The token; null if there is no header; false if the header is not `Bearer <token>`. */
function bearerToken(header: string | string[] | undefined): string | null | false {
  if (header === undefined || header === '') return null;
  if (Array.isArray(header)) return false;
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  return match?.[1] ?? false;
}

/** RFC 6750 `WWW-Authenticate` challenge on 401 answers. */
function challenge(response: HeaderWriter, error?: 'invalid_request' | 'invalid_token'): void {
  const value = error ? `Bearer error="${error}"` : 'Bearer';
  if (typeof response.header === 'function') response.header('WWW-Authenticate', value);
  else if (typeof response.setHeader === 'function') response.setHeader('WWW-Authenticate', value);
}
