import { Module, type DynamicModule } from '@nestjs/common';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ERROR_CODES } from '@trellis/contracts';
import { AuthModule } from '@trellis/platform-auth';
import { CONFIG, ConfigModule, loadConfig } from '@trellis/platform-config';
import {
  ApiError,
  createHttpApp,
  HealthModule,
  OpenApiModule,
  registerErrorCodes,
} from '@trellis/platform-http';
import { checkKafka, createKafkaClient, KafkaModule } from '@trellis/platform-kafka';
import { createLogger, LOGGER, LoggingModule, type Logger } from '@trellis/platform-logging';
import { getModelToken, MONGO_CONNECTION, MongoHealth, MongoModule } from '@trellis/platform-mongo';
import { KafkaEventPublisher, OutboxModule, type OutboxSource } from '@trellis/platform-outbox';
import { createHash } from 'node:crypto';
import { installAuditHook } from './audit/audit.hook';
import { AuditModule } from './audit/audit.module';
import { AuditTrail } from './audit/audit.service';
import { gatewayConfigSchema, SERVICE_NAME, type GatewayConfig } from './config';
import { ERASURE_MODELS, ErasureModule } from './erasure/erasure.module';
import { ERASURE_REQUEST_MODEL } from './erasure/erasure.schema';
import { IdentityModule } from './identity/identity.module';
import { publicJwk } from './identity/token.issuer';
import { DocsController } from './proxy/docs.controller';
import { ProxyModule } from './proxy/proxy.module';
import { WebController } from './web/web.controller';

/** Source of the configuration: `process.env` in production, a plain object in tests. */
export type ConfigSource = Record<string, string | undefined>;

/**
 * The gateway: the one public entry of Trellis. Identity (users, login, tokens, JWKS), the
 * proxy to the services under `/api/<context>`, the merged OpenAPI document and docs page,
 * rate limits and security headers, the hash-chained audit trail of every API request, and
 * organisation erasure.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    const config = loadConfig(gatewayConfigSchema, source);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(gatewayConfigSchema, source),
        LoggingModule.forRoot({ service: SERVICE_NAME, level: config.LOG_LEVEL }),
        MongoModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: GatewayConfig) => ({
            url: c.MONGO_URL,
            dbName: c.MONGO_DB,
            appName: SERVICE_NAME,
          }),
        }),
        // The gateway verifies its own tokens (the signing key's public part and rotated keys).
        AuthModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: GatewayConfig) => ({
            issuer: c.JWT_ISSUER,
            audience: c.JWT_AUDIENCE,
            jwks: {
              keys: [
                publicJwk(c.TOKEN_SIGNING_PRIVATE_JWK),
                ...(
                  (c.TOKEN_EXTRA_JWKS?.['keys'] as Record<string, unknown>[] | undefined) ?? []
                ).map(publicJwk),
              ],
            },
          }),
        }),
        KafkaModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: GatewayConfig) => ({
            clientId: SERVICE_NAME,
            brokers: c.KAFKA_BROKERS,
            groupId: c.ERASURE_EVENTS_GROUP_ID,
          }),
          mongoConnection: MONGO_CONNECTION,
        }),
        OutboxModule.forRootAsync({
          imports: [ERASURE_MODELS],
          inject: [CONFIG, LOGGER, getModelToken(ERASURE_REQUEST_MODEL)],
          useFactory: (c: GatewayConfig, logger: Logger, ...sources: OutboxSource[]) => ({
            sources,
            publisher: new KafkaEventPublisher(
              createKafkaClient({ clientId: SERVICE_NAME, brokers: c.KAFKA_BROKERS, logger }),
            ),
            logger: logger.child({ component: 'outbox' }),
            pollIntervalMs: c.OUTBOX_POLL_MS,
            autoStart: c.OUTBOX_AUTOSTART,
          }),
        }),
        HealthModule.forRoot({
          inject: [MongoHealth, CONFIG],
          useFactory: (mongo: MongoHealth, c: GatewayConfig) => [
            { name: 'mongodb', check: () => mongo.check() },
            { name: 'kafka', check: () => checkKafka(c.KAFKA_BROKERS) },
          ],
        }),
        OpenApiModule.forRoot({ title: 'Trellis gateway', version: '0.1.0' }),
        AuditModule,
        IdentityModule,
        ErasureModule,
        ProxyModule,
      ],
      controllers: [DocsController, WebController],
    };
  }
}

/** The rate-limit bucket of a request: login by address; otherwise by token, else address. */
function rateLimitKey(request: {
  ip: string;
  headers: Record<string, unknown>;
  routeOptions: { config?: unknown };
}): string {
  const group = (request.routeOptions.config as { rateLimitGroup?: string } | undefined)
    ?.rateLimitGroup;
  if (group === 'login') return `login:${request.ip}`;
  const auth = request.headers['authorization'];
  if (typeof auth === 'string' && auth.length > 0) {
    return `token:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}`;
  }
  return `ip:${request.ip}`;
}

/**
 * Builds the gateway (not yet listening): configuration, the HTTP app with Trellis' conventions,
 * security headers (helmet; a strict content security policy: everything from this origin),
 * rate limits (429 RATE_LIMITED with `Retry-After`), and the audit hook.
 */
export async function createGatewayApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: GatewayConfig; logger: Logger }> {
  const config = loadConfig(gatewayConfigSchema, source);
  registerErrorCodes(ERROR_CODES);
  const appLogger = logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });

  @Module({ imports: [AppModule.forRoot(source)] })
  class GatewayModule {}

  const app = await createHttpApp(GatewayModule, {
    service: SERVICE_NAME,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    logger: appLogger,
    trustProxy: config.TRUST_PROXY,
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // Plain http on localhost in development; TLS terminates in front in production.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyRateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) =>
      (request.routeOptions.config as { rateLimitGroup?: string } | undefined)?.rateLimitGroup ===
      'login'
        ? config.LOGIN_RATE_LIMIT_PER_MINUTE
        : config.RATE_LIMIT_PER_MINUTE,
    keyGenerator: (request) => rateLimitKey(request),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'RATE_LIMITED',
        `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`,
        undefined,
        429,
      ),
  });
  const trail = app.get(AuditTrail);
  installAuditHook(app.getHttpAdapter().getInstance(), () => trail);
  return { app, config, logger: appLogger };
}
