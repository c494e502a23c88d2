import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
/** A service's answer as the proxy reads it. */
interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The service did not answer within the proxy's timeout. */
class UpstreamTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

@Injectable()
export class ProxyService implements OnApplicationShutdown {
  private readonly urls: Record<RoutedContext, string>;
  private readonly timeoutMs: number;
  // node:http with keep-alive agents: cheaper per request than `fetch` (undici's WHATWG
  // streams), which the API benchmark's profile showed among the gateway's costs.
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
  };

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
    let response: UpstreamResponse;
    try {
      response = await this.send(url, request.method, headers, body);
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
      const value = response.headers[name];
      if (typeof value === 'string') out[name] = value;
    }
    return { status: response.status, headers: out, body: response.body };
  }

  onApplicationShutdown(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /**
   * One request to a service; resolves with its status, headers and whole body (redirects are
   * not followed); rejects on a network error or when the answer has not come within
   * `PROXY_TIMEOUT_MS` ({@link UpstreamTimeoutError}).
   */
  private send(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
  ): Promise<UpstreamResponse> {
    const https = url.startsWith('https:');
    const requestHeaders =
      body === undefined
        ? headers
        : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method, headers: requestHeaders, agent: https ? this.agents.https : this.agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', fail);
          res.once('end', () => {
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      const timer = setTimeout(
        () => req.destroy(new UpstreamTimeoutError('the service did not answer in time')),
        this.timeoutMs,
      );
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(error);
      }
      req.once('error', fail);
      req.end(body);
    });
  }
}
