import {
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';

/** Stable error codes in the bodies of auth failures. */
export const AUTH_ERROR_CODES = {
  /** 401: no token, or an invalid, expired or untrusted one. */
  unauthenticated: 'UNAUTHENTICATED',
  /** 403: authenticated, but not allowed (role, internal-only, outside the caller's scope). */
  forbidden: 'FORBIDDEN',
  /** 503: the verification keys (JWKS) could not be fetched. */
  unavailable: 'AUTH_UNAVAILABLE',
} as const;

/** 401 with body `{ code: 'UNAUTHENTICATED', message }`. */
export function unauthenticated(message: string): UnauthorizedException {
  return new UnauthorizedException({ code: AUTH_ERROR_CODES.unauthenticated, message });
}

/** 403 with body `{ code: 'FORBIDDEN', message }`. */
export function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ code: AUTH_ERROR_CODES.forbidden, message });
}

/** 503 with body `{ code: 'AUTH_UNAVAILABLE', message }`. */
export function authUnavailable(message: string): ServiceUnavailableException {
  return new ServiceUnavailableException({ code: AUTH_ERROR_CODES.unavailable, message });
}

/** A token was rejected; `message` says why without repeating the token. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

/** The keys to verify a token with could not be obtained (JWKS endpoint down or invalid). */
export class VerificationKeysUnavailableError extends Error {
  override readonly name = 'VerificationKeysUnavailableError';
}
