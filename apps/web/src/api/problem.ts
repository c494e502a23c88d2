/**
 * What went wrong with a request, in the terms the UI needs: the HTTP status, the stable error
 * code of Trellis' error body (`{ error: { code, message, fields? }, correlationId }`), the
 * server's message, the fields at fault and the correlation id to quote to support.
 */
export interface FieldProblem {
  /** Dotted path of the field in the request body, e.g. `endsAt` or `items.0.title`. */
  path: string;
  message: string;
}

/** How the UI reacts to a problem. */
export type ProblemKind =
  | 'validation'
  | 'unauthenticated'
  | 'refused'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'unavailable'
  | 'network'
  | 'unexpected';

/** A failed request (thrown by the API client). */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldProblem[] = [],
    readonly correlationId?: string,
  ) {
    super(message);
  }

  /** What the UI does with it (see {@link problemKind}). */
  get kind(): ProblemKind {
    return problemKind(this.status, this.code);
  }

  /** The server's message for one field (exact path, or the first nested under it). */
  fieldMessage(path: string): string | undefined {
    return fieldMessage(this.fields, path);
  }
}

/** Classifies a status and code. Out-of-scope records answer 404: shown as refused access. */
export function problemKind(status: number, code: string): ProblemKind {
  if (status === 0) return 'network';
  if (status === 400 || status === 422 || code === 'VALIDATION_FAILED') return 'validation';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'refused';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 423 || status === 429) return 'rate-limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'unexpected';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field problems of an error body, keeping only well-formed entries. */
export function parseFields(raw: unknown): FieldProblem[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(isRecord)
    .filter((f) => typeof f['path'] === 'string' && typeof f['message'] === 'string')
    .map((f) => ({ path: normalisePath(f['path'] as string), message: f['message'] as string }));
}

/** `body.items[0].title`, `items/0/title` → `items.0.title`; `query.from` → `from`. */
export function normalisePath(path: string): string {
  return path
    .replace(/^\/+/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/^(body|query)\./, '')
    .replace(/^\.+|\.+$/g, '');
}

/** The message for `path`: its own, or the first of a nested path (`spokes` ← `spokes.training`). */
export function fieldMessage(fields: readonly FieldProblem[], path: string): string | undefined {
  const own = fields.find((f) => f.path === path);
  if (own) return own.message;
  return fields.find((f) => f.path.startsWith(`${path}.`))?.message;
}

/**
 * The problem an HTTP answer describes. `body` is the parsed JSON (or undefined); a body that is
 * not Trellis' error shape still gives a problem with a code derived from the status.
 */
export function toApiProblem(status: number, body: unknown, correlationId?: string): ApiProblem {
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
  const code =
    typeof error?.['code'] === 'string' && /^[A-Z_]{1,64}$/.test(error['code'])
      ? error['code']
      : fallbackCode(status);
  const message =
    typeof error?.['message'] === 'string' ? error['message'].slice(0, 1000) : `HTTP ${status}`;
  const id =
    isRecord(body) && typeof body['correlationId'] === 'string'
      ? body['correlationId']
      : correlationId;
  return new ApiProblem(status, code, message, parseFields(error?.['fields']), id);
}

function fallbackCode(status: number): string {
  switch (problemKind(status, '')) {
    case 'validation':
      return 'VALIDATION_FAILED';
    case 'unauthenticated':
      return 'UNAUTHENTICATED';
    case 'refused':
      return 'FORBIDDEN';
    case 'not-found':
      return 'NOT_FOUND';
    case 'conflict':
      return 'CONFLICT';
    case 'rate-limited':
      return 'RATE_LIMITED';
    case 'unavailable':
      return 'SERVICE_UNAVAILABLE';
    default:
      return 'INTERNAL';
  }
}

/** A request that never got an answer (offline, aborted, refused connection). */
export function networkProblem(): ApiProblem {
  return new ApiProblem(0, 'NETWORK', 'No answer from the server.');
}

/** True when `err` is an {@link ApiProblem}. */
export function isApiProblem(err: unknown): err is ApiProblem {
  return err instanceof ApiProblem;
}

/** A read that answers 404 when nothing is recorded yet: undefined instead of an error. */
export async function optional<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isApiProblem(err) && err.status === 404) return undefined;
    throw err;
  }
}
