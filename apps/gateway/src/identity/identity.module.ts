import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MongoModule } from '@trellis/platform-mongo';
import { AdminUsersController, IdentityController } from './identity.controller';
import {
  REFRESH_TOKEN_MODEL,
  refreshTokenSchema,
  REVOKED_TOKEN_MODEL,
  revokedTokenSchema,
  USER_MODEL,
  userSchema,
} from './identity.schema';
import { IdentityService } from './identity.service';
import { RevocationGuard } from './revocation.guard';
import { TokenIssuer } from './token.issuer';

/** Users, login, tokens, logout and the JWKS. */
@Module({
  imports: [
    MongoModule.forFeature([
      { name: USER_MODEL, schema: userSchema, collection: 'users' },
      { name: REFRESH_TOKEN_MODEL, schema: refreshTokenSchema, collection: 'refresh_tokens' },
      { name: REVOKED_TOKEN_MODEL, schema: revokedTokenSchema, collection: 'revoked_tokens' },
    ]),
  ],
  controllers: [IdentityController, AdminUsersController],
  providers: [TokenIssuer, IdentityService, { provide: APP_GUARD, useClass: RevocationGuard }],
  exports: [TokenIssuer, IdentityService],
})
export class IdentityModule {}
