import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@trellis/platform-config';
import { ApiError } from '@trellis/platform-http';
import { CORRELATION_HEADER, LOGGER, type Logger } from '@trellis/platform-logging';
import { ROUTED_CONTEXTS, serviceUrls, type GatewayConfig, type RoutedContext } from '../config';

/** A request to forward to a service. */
export interface ForwardRequest {
  method: string;
  context: string;
  /** The path below `/api/<context>` (starting with `/`), with its query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, a raw body, or nothing. */
  body?: unknown;
  clientIp: string;
  correlationId?: string;
}

/** A service's answer, passed back unchanged (status, body, the headers a client needs). */
export interface ForwardResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Request headers passed to the services (the token, the correlation id, content negotiation). */
const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'accept-language',
  'if-match',
  'if-none-match',
];
/** Response headers passed back. */
const RETURNED_RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'cache-control',
  'etag',
  'last-modified',
  'location',
  'retry-after',
];

/** True for a context the gateway routes. */
export function isRoutedContext(context: string): context is RoutedContext {
  return Object.hasOwn(ROUTED_CONTEXTS, context);
}

/**
 * Forwards `/api/<context>/<path>` to the context's service at its internal address, with the
 * caller's token, correlation id and address (`x-forwarded-for`). Answers 404 ROUTE_NOT_FOUND
 * for an unknown context and 503 SERVICE_UNAVAILABLE when the service cannot be reached or
 * does not answer in time. The body of a request is sent as JSON when it was JSON.
 */
@Injectable()
export class ProxyService {
  private readonly urls: Record<RoutedContext, string>;
  private readonly timeoutMs: number;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.urls = serviceUrls(config);
    this.timeoutMs = config.PROXY_TIMEOUT_MS;
  }

  /** The internal base URL of each routed context. */
  targets(): Record<RoutedContext, string> {
    return { ...this.urls };
  }

  async forward(request: ForwardRequest): Promise<ForwardResponse> {
    if (!isRoutedContext(request.context)) {
      throw new ApiError('ROUTE_NOT_FOUND', `No API context "${request.context}".`);
    }
    if (/(^|\/)\.\.?(\/|$)|\/\//.test(request.path.split('?')[0])) {
      throw new ApiError('ROUTE_NOT_FOUND', 'No such route.');
    }
    const url = `${this.urls[request.context]}${request.path}`;
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (request.correlationId) headers[CORRELATION_HEADER] = request.correlationId;
    headers['x-forwarded-for'] = request.clientIp;
    let body: string | Buffer | undefined;
    if (request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
      if (Buffer.isBuffer(request.body) || typeof request.body === 'string') {
        body = request.body;
      } else {
        body = JSON.stringify(request.body);
        headers['content-type'] = 'application/json';
      }
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      this.logger.warn(
        { context: request.context, method: request.method, timedOut },
        'service unreachable',
      );
      throw new ApiError(
        'SERVICE_UNAVAILABLE',
        timedOut
          ? `The ${request.context} service did not answer in time; retry later.`
          : `The ${request.context} service is unavailable; retry later.`,
      );
    }
    const out: Record<string, string> = {};
    for (const name of RETURNED_RESPONSE_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) out[name] = value;
    }
    return {
      status: response.status,
      headers: out,
      body: Buffer.from(await response.arrayBuffer()),
    };
  }
}
