import { Module, type DynamicModule } from '@nestjs/common';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@trellis/platform-config';
import { ApiError } from '@trellis/platform-http';
import type { Logger } from '@trellis/platform-logging';
import {
  createServiceApp,
  platformImports,
  type ConfigSource,
  type ServiceKit,
} from '@trellis/platform-service';
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

export type { ConfigSource };

/**
 * The gateway: the one public entry of Trellis. Identity (users, login, tokens, JWKS), the
 * proxy to the services under `/api/<context>`, the merged OpenAPI document and docs page,
 * rate limits and security headers, the hash-chained audit trail of every API request, and
 * organisation erasure.
 */
/** The gateway's platform wiring (see `platformImports`): it verifies its own tokens. */
export const GATEWAY_SERVICE: ServiceKit<GatewayConfig> = {
  name: SERVICE_NAME,
  title: 'Trellis gateway',
  schema: gatewayConfigSchema,
  // The signing key's public part and the keys being rotated out.
  auth: (c) => ({
    issuer: c.JWT_ISSUER,
    audience: c.JWT_AUDIENCE,
    jwks: {
      keys: [
        publicJwk(c.TOKEN_SIGNING_PRIVATE_JWK),
        ...((c.TOKEN_EXTRA_JWKS?.['keys'] as Record<string, unknown>[] | undefined) ?? []).map(
          publicJwk,
        ),
      ],
    },
  }),
  kafka: (c) => ({ groupId: c.ERASURE_EVENTS_GROUP_ID }),
  outbox: { models: [ERASURE_MODELS], modelNames: [ERASURE_REQUEST_MODEL] },
};

@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports(GATEWAY_SERVICE, source),
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
  const { app, logger: appLogger } = await createServiceApp(
    GATEWAY_SERVICE,
    AppModule.forRoot(source),
    source,
    { ...(logger ? { logger } : {}), trustProxy: config.TRUST_PROXY },
  );
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
