import {
  ArgumentsHost,
  Catch,
  type ExceptionFilter,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  correlation,
  CORRELATION_HEADER,
  createLogger,
  NestPinoLogger,
  type Logger,
  type LogLevelName,
} from '@trellis/platform-logging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, toErrorResponse } from './http.errors';

/** The one error filter: every error becomes `{ error: { code, message, fields? }, correlationId }`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    sendError(this.logger, exception, request, reply);
  }
}

function sendError(
  logger: Logger,
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { status, body, internal } = toErrorResponse(exception);
  const correlationId = correlation.id();
  const route = request.routeOptions?.url ?? 'unmatched';
  if (internal) {
    // Log the error class and stack only; request bodies may hold sensitive fields.
    logger.error(
      {
        err:
          exception instanceof Error
            ? { type: exception.name, stack: exception.stack }
            : String(exception),
        method: request.method,
        route,
        status,
      },
      'request failed',
    );
  } else {
    logger.info({ method: request.method, route, status, code: body.code }, 'request refused');
  }
  if (!reply.sent) {
    void reply
      .status(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: body, correlationId });
  }
}

function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (
    key === '__proto__' ||
    (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)
  ) {
    throw new SyntaxError('forbidden key');
  }
  return value;
}

export interface HttpAppOptions {
  service: string;
  /** Largest accepted body in bytes; larger bodies get 413 PAYLOAD_TOO_LARGE. */
  bodyLimit?: number;
  logger?: Logger;
  logLevel?: LogLevelName;
  /** Trust `X-Forwarded-For` from a proxy in front (the client address then comes from it). */
  trustProxy?: boolean;
}

/**
 * Creates a NestJS application on Fastify with Trellis' HTTP conventions: correlation id from
 * `x-correlation-id` (or a new one) carried through async work and echoed in the response,
 * a body size limit, the one error filter (also for errors raised by Fastify before routing),
 * basic security headers, structured request logs without bodies, and graceful shutdown.
 */
export async function createHttpApp(
  module: Type<unknown>,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const logger =
    options.logger ?? createLogger({ service: options.service, level: options.logLevel });
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    logger: false,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    const header = request.headers[CORRELATION_HEADER];
    const id = correlation.ensure(Array.isArray(header) ? header[0] : header);
    void reply.header(CORRELATION_HEADER, id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('cache-control', 'no-store');
    void reply.header('referrer-policy', 'no-referrer');
    correlation.run(id, () => done());
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logger.info(
      {
        method: request.method,
        route: request.routeOptions?.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });
  // Our own JSON parser, so malformed bodies answer MALFORMED_JSON (Nest would turn Fastify's
  // parser error into a code-less 400). Rejects prototype-poisoning keys like Fastify does.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text, rejectPrototypeKeys) as unknown);
      } catch {
        done(
          new ApiError('MALFORMED_JSON', 'The request body is not valid JSON.', undefined, 400),
          undefined,
        );
      }
    },
  );
  // Errors raised by Fastify itself (body too large, parser errors) reach Nest's exception
  // handling and so the error filter below; no Fastify error handler of our own (Nest sets one).
  // Unknown routes: Nest registers its own not-found handler, which throws NotFoundException
  // into the error filter (→ 404 NOT_FOUND).

  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.enableShutdownHooks();
  return app;
}

/** Starts listening and logs where (never on 0.0.0.0 unless HOST says so). */
export async function listen(
  app: INestApplication,
  host: string,
  port: number,
  logger?: Logger,
): Promise<string> {
  await app.listen(port, host);
  const url = await app.getUrl();
  logger?.info({ url }, 'listening');
  return url.replace('[::1]', 'localhost');
}
