import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { unauthenticated, type AuthenticatedRequest } from '@trellis/platform-auth';
import { IdentityService } from './identity.service';

/**
 * Refuses access tokens revoked by a logout (401), after the global token check. Registered
 * after `AuthGuard`, so `principal` is set for every non-public route.
 */
@Injectable()
export class RevocationGuard implements CanActivate {
  constructor(private readonly identity: IdentityService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (
      principal &&
      principal.type === 'user' &&
      (await this.identity.isRevoked(principal.tokenId))
    ) {
      throw unauthenticated('token revoked (logged out)');
    }
    return true;
  }
}
