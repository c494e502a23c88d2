import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { Public } from '@trellis/platform-auth';
import { ApiError, ApiOperation, OpenApiDocumentBuilder } from '@trellis/platform-http';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mergeOpenApi } from './openapi.merge';
import { ProxyService } from './proxy.service';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    validatorUrl: null,
    persistAuthorization: false,
  });
};
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Trellis API</title>
    <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css" />
    <link rel="stylesheet" href="/api/docs/assets/index.css" />
    <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
    <script src="/api/docs/assets/initializer.js"></script>
  </body>
</html>
`;

const CACHE_MS = 30_000;

/**
 * The public API's documentation: `GET /api/openapi.json` (one document: the gateway's own
 * operations and every service's, under `/api/<context>`) and `GET /api/docs`, a Swagger UI page
 * served entirely from this gateway (no CDN, no third-party request; the validator badge off).
 */
@Public()
@Controller('api')
export class DocsController {
  private cached?: { at: number; document: Record<string, unknown> };
  private readonly assetDir = dirname(require.resolve('swagger-ui-dist/package.json'));

  constructor(
    private readonly proxy: ProxyService,
    @Inject(OpenApiDocumentBuilder) private readonly builder: OpenApiDocumentBuilder,
  ) {}

  @Get('openapi.json')
  @ApiOperation({
    summary: 'The OpenAPI document of the whole public API',
    public: true,
    tags: ['meta'],
  })
  async document(): Promise<Record<string, unknown>> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.document;
    const targets = this.proxy.targets();
    const services = await Promise.all(
      Object.entries(targets).map(async ([context, base]) => {
        try {
          const res = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(2000) });
          return {
            context,
            document: res.ok ? ((await res.json()) as Record<string, unknown>) : undefined,
          };
        } catch {
          return { context, document: undefined };
        }
      }),
    );
    const document = mergeOpenApi(this.builder.build(), services, {
      title: 'Trellis API',
      version: '0.1.0',
      description:
        'The public API of Trellis. Log in with POST /api/identity/login and send the access token as `Authorization: Bearer <token>`.',
    });
    // Cache only a complete document; retry missing services on the next request.
    if (services.every((s) => s.document !== undefined)) this.cached = { at: Date.now(), document };
    return document;
  }

  @Get('docs')
  docs(@Res() reply: FastifyReply): void {
    void reply.header('content-type', 'text/html; charset=utf-8').send(PAGE);
  }

  @Get('docs/assets/:file')
  async asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    if (file === 'initializer.js') {
      void reply.header('content-type', 'text/javascript; charset=utf-8').send(INITIALIZER);
      return;
    }
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) throw new ApiError('NOT_FOUND', 'No such documentation asset.');
    const content = await readFile(join(this.assetDir, file));
    void reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=3600')
      .send(content);
  }
}
