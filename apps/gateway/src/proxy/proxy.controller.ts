import { All, Controller, Req, Res } from '@nestjs/common';
import { CORRELATION_HEADER } from '@trellis/platform-logging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProxyService } from './proxy.service';

/**
 * `/api/<context>/<path>` → the context's service (`<path>`). Authentication happens here
 * first (the global guard: a missing, expired, tampered or revoked token never reaches a
 * service); authorisation by role, unit and organisation stays with the services, which
 * verify the same token. The services' answers, errors included, come back unchanged.
 */
@Controller('api')
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All(':context/*')
  async forward(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = (request.params as { context: string }).context;
    const prefix = `/api/${context}`;
    const correlationId = reply.getHeader(CORRELATION_HEADER);
    const answer = await this.proxy.forward({
      method: request.method,
      context,
      path: request.url.slice(prefix.length) || '/',
      headers: request.headers,
      body: request.body,
      clientIp: request.ip,
      ...(typeof correlationId === 'string' ? { correlationId } : {}),
    });
    void reply.status(answer.status).headers(answer.headers).send(answer.body);
  }
}
