import { HttpException, HttpStatus } from '@nestjs/common';
import { ERROR_CODES } from '@trellis/contracts';

/** One field at fault in a request: a JSON path (`interventions.0.targetDate`) and why. */
export interface FieldError {
  path: string;
  message: string;
}

/** The body of every error response (libs/contracts `ErrorResponseSchema`). */
export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
  correlationId?: string;
}

/**
 * Stable error codes with their HTTP status (`ERROR_CODES` of libs/contracts). Domain errors anywhere in the code base carry a
 * `code` from this table (and may carry `fields`); the error filter turns them into responses.
 */
export const ERROR_STATUS: Record<string, number> = { ...ERROR_CODES };

/** Registers further codes (e.g. from libs/contracts) with their statuses. */
export function registerErrorCodes(codes: Record<string, number>): void {
  Object.assign(ERROR_STATUS, codes);
}

/** An error meant for the caller: a stable code, a message without sensitive data, fields. */
export class ApiError extends HttpException {
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    status: number = ERROR_STATUS[code] ?? HttpStatus.BAD_REQUEST,
  ) {
    super({ code, message, ...(fields ? { fields } : {}) }, status);
    this.name = 'ApiError';
  }
}

/** HTTP 400 VALIDATION_FAILED with the failing fields. */
export class ValidationFailedError extends ApiError {
  constructor(fields: FieldError[], message = 'The request is not valid.') {
    super('VALIDATION_FAILED', message, fields, 400);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Maps any thrown value to a status and error body; unknown errors become INTERNAL (500). */
export function toErrorResponse(err: unknown): {
  status: number;
  body: ErrorBody['error'];
  internal: boolean;
} {
  // Errors raised by Fastify before Nest sees the request (body parsing, size limit).
  if (isRecord(err) && typeof err['code'] === 'string' && err['code'].startsWith('FST_')) {
    const code = err['code'];
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return {
        status: 413,
        body: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
        internal: false,
      };
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return {
        status: 415,
        body: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'Send the request body as application/json.',
        },
        internal: false,
      };
    }
    if (code.startsWith('FST_ERR_CTP') || code === 'FST_ERR_BAD_URL') {
      return {
        status: 400,
        body: { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' },
        internal: false,
      };
    }
  }
  if (err instanceof SyntaxError && isRecord(err) && err['statusCode'] === 400) {
    return {
      status: 400,
      body: { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' },
      internal: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    if (isRecord(response) && typeof response['code'] === 'string') {
      const fields = Array.isArray(response['fields'])
        ? (response['fields'] as FieldError[])
        : undefined;
      return {
        status,
        body: {
          code: response['code'],
          message: typeof response['message'] === 'string' ? response['message'] : err.message,
          ...(fields ? { fields } : {}),
        },
        internal: false,
      };
    }
    const byStatus: Record<number, string> = {
      400: 'VALIDATION_FAILED',
      401: 'UNAUTHENTICATED',
      403: 'FORBIDDEN',
      404: 'NOT_FOUND',
      405: 'METHOD_NOT_ALLOWED',
      409: 'CONFLICT',
      413: 'PAYLOAD_TOO_LARGE',
      415: 'UNSUPPORTED_MEDIA_TYPE',
      429: 'RATE_LIMITED',
      503: 'SERVICE_UNAVAILABLE',
    };
    const code = byStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
    return {
      status,
      body: { code, message: status >= 500 ? 'Internal error.' : err.message },
      internal: status >= 500,
    };
  }
  // Domain errors: anything carrying a known stable code.
  if (isRecord(err) && typeof err['code'] === 'string' && ERROR_STATUS[err['code']] !== undefined) {
    const code = err['code'];
    const status = ERROR_STATUS[code] ?? 400;
    const fields = Array.isArray(err['fields']) ? (err['fields'] as FieldError[]) : undefined;
    const message = err instanceof Error && status < 500 ? err.message : 'Internal error.';
    return {
      status,
      body: { code, message, ...(fields ? { fields } : {}) },
      internal: status >= 500,
    };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'Internal error.' }, internal: true };
}
