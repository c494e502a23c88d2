import type { SessionStore, TokenAnswer } from '../auth/session-store';
import { ApiProblem, networkProblem, toApiProblem } from './problem';

/** HTTP methods the web application uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Options of one request. */
export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Query parameters; undefined and empty values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
}

/** A downloaded file. */
export interface Download {
  blob: Blob;
  filename: string | undefined;
}

/** The `fetch` the client uses (tests give their own). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Appends the defined, non-empty query parameters to a path. */
export function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/** The file name of a `content-disposition` header, if any. */
export function filenameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1];
}

async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The browser's only way to the system: same-origin requests to the gateway (`/api/...`) with
 * the access token. A 401 is answered by ONE refresh (shared by concurrent requests) and a
 * retry; when the refresh fails the session is cleared and `onExpired` is called.
 */
export class ApiClient {
  private refreshing: Promise<boolean> | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    private readonly onExpired: () => void = () => undefined,
  ) {}

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown = {}, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  /** A JSON request; throws {@link ApiProblem} for anything but 2xx. */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options, 'application/json');
    return (await parseBody(response)) as T;
  }

  /** A file (e.g. a CSV report) fetched with the token, for a download link. */
  async download(path: string, accept: string, options: RequestOptions = {}): Promise<Download> {
    const response = await this.send('GET', path, options, accept);
    return {
      blob: await response.blob(),
      filename: filenameOf(response.headers.get('content-disposition')),
    };
  }

  /** `POST /api/identity/login`. */
  async login(username: string, password: string): Promise<TokenAnswer> {
    const answer = await this.anonymous<TokenAnswer>('/api/identity/login', {
      username,
      password,
    });
    this.store.accept(answer);
    return answer;
  }

  /** Exchanges this tab's refresh token for a new session; false when there is none or it failed. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * `POST /api/identity/logout` (revokes the access token and the refresh family), then forgets
   * the session. `keepalive` lets the request finish while the page is being left (quick exit).
   */
  async logout(options: { keepalive?: boolean } = {}): Promise<void> {
    const session = this.store.session;
    const refreshToken = this.store.storedRefreshToken;
    this.store.clear();
    if (!session) return;
    try {
      await this.fetchImpl('/api/identity/logout', {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Bearer ${session.accessToken}`,
        },
        body: JSON.stringify(refreshToken ? { refreshToken } : {}),
        credentials: 'omit',
        ...(options.keepalive ? { keepalive: true } : {}),
      });
    } catch {
      // Signing out locally is what matters; the tokens expire on their own.
    }
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.store.storedRefreshToken;
    if (!refreshToken) return false;
    try {
      this.store.accept(
        await this.anonymous<TokenAnswer>('/api/identity/refresh', { refreshToken }),
      );
      return true;
    } catch {
      this.store.clear();
      return false;
    }
  }

  private async anonymous<T>(path: string, body: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(path, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
      });
    } catch {
      throw networkProblem();
    }
    const parsed = await parseBody(response);
    if (!response.ok) {
      throw toApiProblem(
        response.status,
        parsed,
        response.headers.get('x-correlation-id') ?? undefined,
      );
    }
    return parsed as T;
  }

  private async send(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    accept: string,
    retried = false,
  ): Promise<Response> {
    const session = this.store.session;
    if (!session && !retried && (await this.refresh())) {
      return this.send(method, path, options, accept, true);
    }
    const token = this.store.session?.accessToken;
    let response: Response;
    try {
      response = await this.fetchImpl(withQuery(path, options.query), {
        method,
        headers: {
          accept,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        credentials: 'omit',
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw networkProblem();
    }
    if (response.status === 401 && !retried) {
      if (await this.refresh()) return this.send(method, path, options, accept, true);
      this.onExpired();
    }
    if (!response.ok) {
      throw toApiProblem(
        response.status,
        await parseBody(response),
        response.headers.get('x-correlation-id') ?? undefined,
      );
    }
    return response;
  }
}

export { ApiProblem };
