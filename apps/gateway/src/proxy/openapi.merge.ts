/*
 * One OpenAPI document for the public API: the gateway's own operations plus each service's
 * document with its paths moved under `/api/<context>`, internal operations (service-to-service)
 * left out, operation ids and tags made unique, and `servers` pointing at the gateway.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** A service's document and the context it is routed under. */
export interface ServiceDocument {
  context: string;
  document: Json | undefined;
}

/** Merges the gateway's document with the services' documents. */
export function mergeOpenApi(
  gateway: Json,
  services: ServiceDocument[],
  info: { title: string; version: string; description?: string },
): Json {
  const paths: Json = {};
  const schemas: Json = {
    ...(((gateway['components'] as Json | undefined)?.['schemas'] as Json | undefined) ?? {}),
  };
  const tags = new Map<string, Json>();
  const unavailable: string[] = [];
  for (const [path, item] of Object.entries((gateway['paths'] as Json | undefined) ?? {})) {
    if (path === '/openapi.json' || path.startsWith('/health')) continue;
    paths[path] = item;
  }
  for (const { context, document } of services) {
    if (document === undefined) {
      unavailable.push(context);
      continue;
    }
    tags.set(context, { name: context, description: `The ${context} service (via the gateway)` });
    for (const [schemaName, schema] of Object.entries(
      ((document['components'] as Json | undefined)?.['schemas'] as Json | undefined) ?? {},
    )) {
      // Shared component names (e.g. `Error`) must describe the same thing in every service.
      schemas[schemaName] ??= schema;
    }
    for (const [path, item] of Object.entries((document['paths'] as Json | undefined) ?? {})) {
      if (path === '/openapi.json' || path.startsWith('/health') || path.startsWith('/internal')) {
        continue;
      }
      const operations: Json = {};
      for (const [method, operation] of Object.entries(item as Json)) {
        if (!METHODS.includes(method)) {
          operations[method] = operation;
          continue;
        }
        const op = operation as Json;
        if (op['x-internal'] === true) continue;
        operations[method] = {
          ...op,
          tags: [context, ...((op['tags'] as string[] | undefined) ?? [])],
          operationId: `${context}.${method}.${path}`.replace(/[{}]/g, '').replace(/\//g, '_'),
        };
      }
      if (Object.keys(operations).some((m) => METHODS.includes(m))) {
        paths[`/api/${context}${path}`] = operations;
      }
    }
  }
  return {
    openapi: gateway['openapi'] ?? '3.0.3',
    info: {
      ...info,
      ...(unavailable.length > 0
        ? {
            description:
              `${info.description ?? ''}\n\nNot included (service unreachable when this document was built): ${unavailable.join(', ')}.`.trim(),
          }
        : {}),
    },
    servers: [{ url: '/', description: 'this gateway' }],
    tags: [...tags.values()],
    paths,
    components: {
      ...(gateway['components'] ?? {}),
      schemas,
    },
    security: gateway['security'] ?? [{ bearer: [] }],
  };
}
