import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  RequestMethod,
  SetMetadata,
  type DynamicModule,
} from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, Reflector } from '@nestjs/core';
import { Public } from '@trellis/platform-auth';
import { z } from 'zod';
import { ERROR_STATUS } from './http.errors';

const OPERATION = 'trellis:openapi:operation';

/** Documentation of one route, from the same zod schemas that validate it. */
export interface ApiOperationSpec {
  summary: string;
  description?: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: Record<string, z.ZodType>;
  /** Success response schema (status defaults to 200, or 201 for POST). */
  response?: z.ZodType;
  status?: number;
  /** Error codes this route can answer with (see ERROR_STATUS). */
  errors?: string[];
  /** Roles allowed; documented as `x-roles`. */
  roles?: string[];
  /** Not part of the public API (service-to-service only). */
  internal?: boolean;
  /** No bearer token needed. */
  public?: boolean;
}

/** Declares a route's OpenAPI operation. */
export const ApiOperation = (spec: ApiOperationSpec) => SetMetadata(OPERATION, spec);

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
    correlationId: { type: 'string' },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'openapi-3.0',
  }) as Record<string, unknown>;
  delete out['$schema'];
  return out;
}

const joinPath = (...parts: (string | string[] | undefined)[]) =>
  '/' +
  parts
    .flatMap((p) => (Array.isArray(p) ? p[0] : p))
    .filter((p): p is string => !!p && p !== '/')
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');

/** A route found in the application with its documentation (undocumented routes included). */
export interface DiscoveredRoute {
  method: string;
  path: string;
  spec?: ApiOperationSpec;
}

@Injectable()
export class OpenApiDocumentBuilder {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    @Inject('TRELLIS_OPENAPI_INFO') private readonly info: OpenApiInfo,
  ) {}

  routes(): DiscoveredRoute[] {
    const routes: DiscoveredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!instance || !type) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined;
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        routes.push({
          method: RequestMethod[method].toLowerCase(),
          path: joinPath(base, path).replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
          spec: this.reflector.get<ApiOperationSpec | undefined>(OPERATION, handler),
        });
      }
    }
    return routes;
  }

  build(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.routes()) {
      const spec = route.spec;
      if (!spec) continue;
      const status = spec.status ?? (route.method === 'post' ? 201 : 200);
      const parameters: Record<string, unknown>[] = [];
      for (const [name, schema] of Object.entries(spec.params ?? {})) {
        parameters.push({ name, in: 'path', required: true, schema: jsonSchema(schema, 'input') });
      }
      const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const name of pathParams) {
        if (!spec.params?.[name])
          parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
      }
      if (spec.query) {
        const q = jsonSchema(spec.query, 'input') as {
          properties?: Record<string, unknown>;
          required?: string[];
        };
        for (const [name, schema] of Object.entries(q.properties ?? {})) {
          parameters.push({
            name,
            in: 'query',
            required: q.required?.includes(name) ?? false,
            schema,
          });
        }
      }
      const responses: Record<string, unknown> = {
        [String(status)]: spec.response
          ? {
              description: 'Success',
              content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } },
            }
          : { description: 'Success' },
      };
      const codes = new Set([
        ...(spec.errors ?? []),
        ...(spec.body || spec.query ? ['VALIDATION_FAILED'] : []),
      ]);
      if (spec.body) codes.add('MALFORMED_JSON').add('PAYLOAD_TOO_LARGE');
      if (!spec.public) codes.add('UNAUTHENTICATED').add('FORBIDDEN');
      const byStatus = new Map<number, string[]>();
      for (const code of codes) {
        const s = ERROR_STATUS[code] ?? 400;
        byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
      }
      for (const [s, list] of byStatus) {
        responses[String(s)] = {
          description: `Error: ${list.join(', ')}`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
      }
      paths[route.path] ??= {};
      paths[route.path][route.method] = {
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.tags ? { tags: spec.tags } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(spec.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
              },
            }
          : {}),
        responses,
        ...(spec.public ? { security: [] } : {}),
        ...(spec.roles ? { 'x-roles': spec.roles } : {}),
        ...(spec.internal ? { 'x-internal': true } : {}),
      };
    }
    return {
      openapi: '3.0.3',
      info: this.info,
      paths,
      components: {
        schemas: { Error: ERROR_SCHEMA },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    };
  }
}

@Public()
@Controller()
class OpenApiController {
  private cached?: Record<string, unknown>;
  constructor(private readonly builder: OpenApiDocumentBuilder) {}

  @Get('openapi.json')
  @ApiOperation({ summary: 'This OpenAPI document', public: true, tags: ['meta'] })
  document(): Record<string, unknown> {
    this.cached ??= this.builder.build();
    return this.cached;
  }
}

/** Serves `GET /openapi.json` built from the `@ApiOperation` metadata of every controller. */
@Module({})
export class OpenApiModule {
  static forRoot(info: OpenApiInfo): DynamicModule {
    return {
      module: OpenApiModule,
      imports: [DiscoveryModule],
      controllers: [OpenApiController],
      providers: [OpenApiDocumentBuilder, { provide: 'TRELLIS_OPENAPI_INFO', useValue: info }],
      exports: [OpenApiDocumentBuilder],
    };
  }
}
