export {
  principalFromClaims,
  ROLES,
  TOKEN_TYPES,
  tokenClaimsSchema,
  type Principal,
  type Role,
  type TokenClaims,
  type TokenType,
} from './auth.claims';
export {
  AUTH_METADATA,
  CurrentUser,
  InternalOnly,
  Public,
  RequestScope,
  Roles,
  type AuthenticatedRequest,
} from './auth.decorators';
export {
  AUTH_ERROR_CODES,
  authUnavailable,
  forbidden,
  TokenRejectedError,
  unauthenticated,
  VerificationKeysUnavailableError,
} from './auth.errors';
export { AuthGuard } from './auth.guard';
export { AuthModule, type AuthModuleOptions } from './auth.module';
export {
  assertInScope,
  isInScope,
  scopeOf,
  type DataScope,
  type ScopedRecord,
} from './request-scope';
export {
  SERVICE_TOKEN_OPTIONS,
  ServiceTokenIssuer,
  type ServiceTokenOptions,
} from './service-token.issuer';
export { bearer, TokenMinter, type MintOptions, type TestClaims } from './testing';
export { AUTH_OPTIONS, TOKEN_ALGORITHM, TokenVerifier, type AuthOptions } from './token.verifier';
