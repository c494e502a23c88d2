import type { AuthenticatedRequest } from '@trellis/platform-auth';
import { CORRELATION_HEADER, correlation } from '@trellis/platform-logging';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditActor, AuditRecord } from './audit.schema';
import type { AuditTrail } from './audit.service';

/** What a handler adds to the audit entry of its request (ids and enum-like words only). */
export interface AuditNote {
  /** A named action instead of `http` (e.g. `identity.login`). */
  action?: string;
  /** The actor when the request carries no token (login: the user found, or a name hash). */
  actor?: AuditActor;
  /** An enum-like outcome detail (`bad-credentials`, `account-locked-now`, ...). */
  detail?: string;
}

/** A request that may carry an {@link AuditNote}. */
export type AuditableRequest = AuthenticatedRequest & { auditNote?: AuditNote };

/** Adds to the audit note of the current request. */
export function noteAudit(request: unknown, note: AuditNote): void {
  const r = request as AuditableRequest;
  r.auditNote = { ...r.auditNote, ...note };
}

/** Paths that are not audited: documentation and key publication (no records behind them). */
const UNAUDITED = [/^\/api\/openapi\.json$/, /^\/api\/docs(\/.*)?$/];

function errorCode(payload: unknown): string | undefined {
  const text =
    typeof payload === 'string'
      ? payload
      : Buffer.isBuffer(payload) && payload.length < 8192
        ? payload.toString('utf8')
        : undefined;
  if (text === undefined || !text.startsWith('{')) return undefined;
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function actorOf(request: AuditableRequest): AuditActor {
  const p = request.principal;
  if (p) {
    return {
      userId: p.id,
      roles: [...p.roles],
      ...(p.unitId !== undefined ? { unitId: p.unitId } : {}),
      ...(p.organisationId !== undefined ? { organisationId: p.organisationId } : {}),
    };
  }
  return request.auditNote?.actor ?? {};
}

function correlationOf(reply: FastifyReply): string | undefined {
  const header = reply.getHeader(CORRELATION_HEADER);
  return typeof header === 'string' ? header : correlation.id();
}

/** The audit record of a finished request. */
export function auditRecordOf(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): AuditRecord {
  const r = request as unknown as AuditableRequest;
  const [path] = request.url.split('?');
  const segments = path.split('/');
  const query = request.query as Record<string, unknown> | undefined;
  const queryKeys = query && typeof query === 'object' ? Object.keys(query).sort() : [];
  const code = reply.statusCode >= 400 ? errorCode(payload) : undefined;
  return {
    at: new Date(),
    actor: actorOf(r),
    action: r.auditNote?.action ?? 'http',
    method: request.method,
    ...(segments[2] ? { context: segments[2] } : {}),
    path: path.slice(0, 512),
    ...(queryKeys.length > 0 ? { queryKeys: queryKeys.slice(0, 20) } : {}),
    status: reply.statusCode,
    ...(code !== undefined ? { code } : {}),
    ...(r.auditNote?.detail !== undefined ? { detail: r.auditNote.detail } : {}),
    ip: request.ip,
    ...(correlationOf(reply) !== undefined ? { correlationId: correlationOf(reply) } : {}),
  };
}

/**
 * Records every API request (authorised or refused) in the audit trail before its response
 * leaves: who, what, when, from where and the outcome. If the entry cannot be stored the
 * response is replaced by 503 SERVICE_UNAVAILABLE (fail closed: no unaudited access).
 */
export function installAuditHook(fastify: FastifyInstance, trail: () => AuditTrail): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const [path] = request.url.split('?');
    if (!path.startsWith('/api/') || UNAUDITED.some((p) => p.test(path))) return payload;
    try {
      await trail().record(auditRecordOf(request, reply, payload));
      return payload;
    } catch {
      void reply.code(503).header('content-type', 'application/json; charset=utf-8');
      reply.removeHeader('content-length');
      return JSON.stringify({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'The audit trail is unavailable; the request was not completed. Retry later.',
        },
        correlationId: correlationOf(reply),
      });
    }
  });
}
