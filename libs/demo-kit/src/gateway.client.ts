import { randomBytes } from 'node:crypto';

/*
 * The demo's only way into Trellis: the public gateway's HTTP API, as any client would use it.
 * One `UserSession` per person (their own login and bearer token); every request carries a
 * correlation id naming the scenario step; a 401 is answered by one token refresh and a retry;
 * 429 and transient 502/503/504 answers are retried. Errors name the request, the status, the
 * error code and the offending field paths — never a request or response body.
 */

/** Who a session belongs to (the gateway's `user` in the login answer). */
export interface SessionUser {
  id: string;
  roles: string[];
  unitId?: string;
  organisationId?: string;
}

/** The login / refresh answer of `POST /api/identity/login|refresh`. */
interface TokenAnswer {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: SessionUser;
}

/** HTTP methods the demo uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Options of one request. */
export interface RequestOptions {
  /** JSON body. */
  body?: unknown;
  /** What the request does, for the correlation id and error messages (`sign agreement`). */
  step?: string;
}

/**
 * A refused or failed request: method, path, status, the error code and the field paths of
 * the gateway's / service's error body. Never the bodies themselves.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly fields: readonly string[],
    readonly step: string | undefined,
    readonly correlationId: string,
  ) {
    super(
      `${step ? `${step}: ` : ''}${method} ${path} answered ${status}` +
        `${code ? ` ${code}` : ''}` +
        `${fields.length > 0 ? ` (fields: ${fields.join(', ')})` : ''}` +
        ` [correlation id ${correlationId}]`,
    );
  }
}

/** The gateway could not be reached at all. */
export class GatewayUnreachableError extends Error {
  override readonly name = 'GatewayUnreachableError';
}

/** Options of {@link GatewayClient}. */
export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:3100` (without `/api`). */
  baseUrl: string;
  /** Prefix of every correlation id (default: `demo-<random>`). */
  correlationPrefix?: string;
  /** Per-request timeout (default 20 s). */
  timeoutMs?: number;
  /** How often a 429 / 502 / 503 / 504 answer or a refused connection is retried (default 5). */
  maxRetries?: number;
}

/** Answers worth retrying: 504 only for reads (a timed-out write may have been applied). */
const TRANSIENT_FOR_READS = new Set([502, 503, 504]);
const TRANSIENT_FOR_WRITES = new Set([502, 503]);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The gateway client: logs people in and answers their sessions' requests. */
export class GatewayClient {
  readonly baseUrl: string;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private sequence = 0;

  constructor(options: GatewayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.prefix = options.correlationPrefix ?? `demo-${randomBytes(4).toString('hex')}`;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.maxRetries = options.maxRetries ?? 5;
  }

  /** Logs a person in (`POST /api/identity/login`); 401/423 become a {@link GatewayError}. */
  async login(username: string, password: string): Promise<UserSession> {
    const answer = await this.send<TokenAnswer>('POST', '/api/identity/login', undefined, {
      body: { username, password },
      step: `log in as ${username}`,
    });
    return new UserSession(this, username, answer);
  }

  /** An unauthenticated request (e.g. `GET /api/openapi.json`). */
  anonymous<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    return this.send<T>(method, path, undefined, options);
  }

  /** A new correlation id for one step. */
  correlationId(step: string | undefined): string {
    this.sequence += 1;
    const slug = (step ?? 'request')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 48);
    return `${this.prefix}-${String(this.sequence).padStart(3, '0')}-${slug}`;
  }

  /**
   * Sends one request (retrying 429 and transient answers); returns the parsed JSON body of a
   * 2xx answer (undefined when empty), throws {@link GatewayError} otherwise.
   */
  async send<T>(
    method: HttpMethod,
    path: string,
    token: string | undefined,
    options: RequestOptions = {},
  ): Promise<T> {
    const correlationId = this.correlationId(options.step);
    for (let attempt = 0; ; attempt += 1) {
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            'x-correlation-id': correlationId,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        const reason = failureReason(err);
        // A refused connection reached nothing; a timed-out write may have been applied.
        if (attempt < this.maxRetries && (method === 'GET' || reason === 'ECONNREFUSED')) {
          await sleep(500 * (attempt + 1));
          continue;
        }
        throw new GatewayUnreachableError(
          `${options.step ? `${options.step}: ` : ''}${method} ${path}: no answer from the ` +
            `gateway at ${this.baseUrl} (${reason})`,
        );
      }
      const transient = method === 'GET' ? TRANSIENT_FOR_READS : TRANSIENT_FOR_WRITES;
      if ((res.status === 429 || transient.has(res.status)) && attempt < this.maxRetries) {
        await res.arrayBuffer().catch(() => undefined);
        await sleep(retryDelayMs(res.headers.get('retry-after'), attempt));
        continue;
      }
      const text = await res.text();
      const parsed = parseJson(text);
      if (res.ok) return parsed as T;
      throw new GatewayError(
        method,
        path,
        res.status,
        errorCode(parsed),
        errorFields(parsed),
        options.step,
        correlationId,
      );
    }
  }
}

/** One person's session: their bearer token, refreshed once when a request answers 401. */
export class UserSession {
  private accessToken: string;

  /** The current access token (for tests that send raw requests). */
  get bearerToken(): string {
    return this.accessToken;
  }
  private refreshToken: string;
  /** The logged-in user (id, roles, unit, organisation). */
  readonly user: SessionUser;

  constructor(
    private readonly client: GatewayClient,
    /** The login name (not sensitive for demo users; printed in progress lines). */
    readonly username: string,
    answer: TokenAnswer,
  ) {
    this.accessToken = answer.accessToken;
    this.refreshToken = answer.refreshToken;
    this.user = answer.user;
  }

  /** The user's id (the `sub` the services see). */
  get id(): string {
    return this.user.id;
  }

  /** A request with this person's bearer token; one refresh and retry on 401. */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    try {
      return await this.client.send<T>(method, path, this.accessToken, options);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.status !== 401) throw err;
      await this.refresh();
      return this.client.send<T>(method, path, this.accessToken, options);
    }
  }

  get<T>(path: string, step?: string): Promise<T> {
    return this.request<T>('GET', path, { ...(step ? { step } : {}) });
  }

  post<T>(path: string, body: unknown, step?: string): Promise<T> {
    return this.request<T>('POST', path, { body, ...(step ? { step } : {}) });
  }

  put<T>(path: string, body: unknown, step?: string): Promise<T> {
    return this.request<T>('PUT', path, { body, ...(step ? { step } : {}) });
  }

  /** Exchanges the refresh token for a new pair (`POST /api/identity/refresh`). */
  async refresh(): Promise<void> {
    const answer = await this.client.send<TokenAnswer>('POST', '/api/identity/refresh', undefined, {
      body: { refreshToken: this.refreshToken },
      step: `refresh the session of ${this.username}`,
    });
    this.accessToken = answer.accessToken;
    this.refreshToken = answer.refreshToken;
  }

  /** Ends the session (`POST /api/identity/logout`); errors are ignored. */
  async logout(): Promise<void> {
    await this.client
      .send('POST', '/api/identity/logout', this.accessToken, {
        body: { refreshToken: this.refreshToken },
        step: `log out ${this.username}`,
      })
      .catch(() => undefined);
  }
}

/**
 * A short reason of a failed fetch: the socket error code, a timeout, or the message. (Duck
 * typed: fetch's errors may come from another realm, e.g. under Jest.)
 */
function failureReason(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'unknown error';
  const { name, message, cause } = err as { name?: unknown; message?: unknown; cause?: unknown };
  if (name === 'TimeoutError') return 'timed out';
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    return String(cause.code);
  }
  return typeof message === 'string' ? message.slice(0, 120) : 'unknown error';
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorObject(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)
    : undefined;
}

/** The stable error code of an error body (`{ error: { code } }`). */
function errorCode(body: unknown): string | undefined {
  const code = errorObject(body)?.['code'];
  return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
}

/** The field paths of an error body (`{ error: { fields: [{ path }] } }`), never the values. */
function errorFields(body: unknown): string[] {
  const fields = errorObject(body)?.['fields'];
  if (!Array.isArray(fields)) return [];
  return fields
    .map((f) => (typeof f === 'object' && f !== null ? (f as { path?: unknown }).path : undefined))
    .filter((p): p is string => typeof p === 'string')
    .map((p) => p.slice(0, 80))
    .slice(0, 10);
}

function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 30) * 1000 + 100;
  return Math.min(500 * 2 ** attempt, 8_000);
}

/** True for a {@link GatewayError} with this status and (when given) code. */
export function isGatewayError(err: unknown, status: number, code?: string): err is GatewayError {
  return (
    err instanceof GatewayError &&
    err.status === status &&
    (code === undefined || err.code === code)
  );
}
