import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { Public } from '@trellis/platform-auth';
import { CONFIG } from '@trellis/platform-config';
import { ApiError } from '@trellis/platform-http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { GatewayConfig } from '../config';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves the web application (`WEB_DIST_DIR`, the Vite build of apps/web) from this origin:
 * files by path, hashed assets cached for a year, `index.html` for every other path that is
 * not an API route (client-side routing). Nothing is served when the build is missing.
 */
@Public()
@Controller()
export class WebController {
  private readonly root: string | undefined;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    const dir = config.WEB_DIST_DIR ? resolve(config.WEB_DIST_DIR) : undefined;
    this.root = dir && existsSync(join(dir, 'index.html')) ? dir : undefined;
  }

  @Get()
  index(@Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, 'index.html');
  }

  @Get('*')
  async file(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const [path] = request.url.split('?');
    if (path.startsWith('/api/') || path === '/api') {
      throw new ApiError('ROUTE_NOT_FOUND', 'No such route.');
    }
    const relative = decodeURIComponent(path).replace(/^\/+/, '');
    const looksLikeFile = extname(relative) !== '';
    await this.send(reply, looksLikeFile ? relative : 'index.html', looksLikeFile);
  }

  private async send(reply: FastifyReply, relative: string, mustExist = false): Promise<void> {
    if (this.root === undefined) throw new ApiError('ROUTE_NOT_FOUND', 'No such route.');
    const file = normalize(join(this.root, relative));
    if (!file.startsWith(this.root + sep)) throw new ApiError('ROUTE_NOT_FOUND', 'No such route.');
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      if (mustExist) throw new ApiError('ROUTE_NOT_FOUND', 'No such file.');
      content = await readFile(join(this.root, 'index.html'));
      relative = 'index.html';
    }
    const hashed = relative.startsWith('assets/');
    void reply
      .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(content);
  }
}
