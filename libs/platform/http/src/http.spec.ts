import { Controller, Get, Module, NotFoundException, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { correlation } from '@trellis/platform-logging';
import { z } from 'zod';
import {
  ApiError,
  ApiOperation,
  createHttpApp,
  HealthModule,
  OpenApiModule,
  ValidBody,
  ValidParam,
} from './index';

const CreateDesk = z.object({
  name: z.string().min(1),
  countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 code')).min(1),
});

class CountryTaken extends Error {
  readonly code = 'COUNTRY_ALREADY_COVERED';
}

@Controller('desks')
class DeskController {
  @Post()
  @ApiOperation({
    summary: 'Create a desk',
    body: CreateDesk,
    response: CreateDesk,
    errors: ['COUNTRY_ALREADY_COVERED'],
  })
  create(@ValidBody(CreateDesk) body: z.infer<typeof CreateDesk>): z.infer<typeof CreateDesk> {
    if (body.countries.includes('CO'))
      throw new CountryTaken('Colombia is already covered by another desk.');
    return body;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read a desk',
    params: { id: z.string().uuid() },
    errors: ['NOT_FOUND'],
  })
  read(@ValidParam('id', z.string().uuid()) id: string): { id: string } {
    if (id.startsWith('0')) throw new ApiError('NOT_FOUND', 'No such desk.');
    return { id };
  }

  @Get('whoami/correlation')
  async corr(): Promise<{ id: string | undefined }> {
    await new Promise((r) => setTimeout(r, 5));
    return { id: correlation.id() };
  }

  @Get('boom/now')
  boom(): never {
    throw new Error('secret narrative that must not leak');
  }

  @Get('nest/missing')
  nestMissing(): never {
    throw new NotFoundException();
  }
}

@Module({
  imports: [
    OpenApiModule.forRoot({ title: 'test', version: '1' }),
    HealthModule.forRoot({
      useFactory: () => [
        { name: 'mongo', check: () => Promise.resolve() },
        { name: 'kafka', check: () => Promise.reject(new Error('broker unreachable')) },
      ],
    }),
  ],
  controllers: [DeskController],
})
class TestModule {}

describe('platform-http', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createHttpApp(TestModule, {
      service: 'http-test',
      bodyLimit: 2048,
      logLevel: 'silent',
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const inject = (opts: {
    method: 'GET' | 'POST';
    url: string;
    payload?: string;
    headers?: Record<string, string>;
  }) => app.inject({ ...opts, headers: { 'content-type': 'application/json', ...opts.headers } });

  it('accepts a valid body and echoes the correlation id', async () => {
    const res = await inject({
      method: 'POST',
      url: '/desks',
      payload: JSON.stringify({ name: 'Andes', countries: ['PE'] }),
      headers: { 'x-correlation-id': 'corr-123' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'Andes', countries: ['PE'] });
    expect(res.headers['x-correlation-id']).toBe('corr-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 400 VALIDATION_FAILED naming each failing field', async () => {
    const res = await inject({
      method: 'POST',
      url: '/desks',
      payload: JSON.stringify({ name: '', countries: ['peru'] }),
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name' }),
        { path: 'countries.0', message: 'expected an ISO 3166 alpha-2 code' },
      ]),
    );
    expect(typeof body.correlationId).toBe('string');
  });

  it('answers 400 MALFORMED_JSON for a broken body', async () => {
    const res = await inject({ method: 'POST', url: '/desks', payload: '{"name": "Andes",' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_JSON');
  });

  it('refuses prototype-poisoning keys as malformed', async () => {
    const res = await inject({
      method: 'POST',
      url: '/desks',
      payload: '{"name":"A","countries":["PE"],"__proto__":{"x":1}}',
    });
    expect(res.json().error.code).toBe('MALFORMED_JSON');
  });

  it('carries the correlation id through async work, or makes one', async () => {
    const given = await inject({
      method: 'GET',
      url: '/desks/whoami/correlation',
      headers: { 'x-correlation-id': 'abc-1' },
    });
    expect(given.json()).toEqual({ id: 'abc-1' });
    const made = await inject({ method: 'GET', url: '/desks/whoami/correlation' });
    expect(made.json().id).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers['x-correlation-id']).toBe(made.json().id);
  });

  it('answers 413 PAYLOAD_TOO_LARGE above the body limit', async () => {
    const res = await inject({
      method: 'POST',
      url: '/desks',
      payload: JSON.stringify({ name: 'x'.repeat(5000), countries: ['PE'] }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps domain errors with a stable code to their status', async () => {
    const res = await inject({
      method: 'POST',
      url: '/desks',
      payload: JSON.stringify({ name: 'A', countries: ['CO'] }),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({
      code: 'COUNTRY_ALREADY_COVERED',
      message: 'Colombia is already covered by another desk.',
    });
  });

  it('validates path parameters and maps ApiError', async () => {
    expect((await inject({ method: 'GET', url: '/desks/not-a-uuid' })).json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [expect.objectContaining({ path: 'id' })],
    });
    const res = await inject({ method: 'GET', url: '/desks/0b7d2f5e-8a51-4b8e-9f7c-1f2e3d4c5b6a' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('hides internal errors behind INTERNAL', async () => {
    const res = await inject({ method: 'GET', url: '/desks/boom/now' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toEqual({ code: 'INTERNAL', message: 'Internal error.' });
    expect(res.body).not.toContain('secret');
  });

  it('gives unknown routes and plain Nest exceptions a code', async () => {
    const unknown = await inject({ method: 'GET', url: '/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    expect((await inject({ method: 'GET', url: '/desks/nest/missing' })).json().error.code).toBe(
      'NOT_FOUND',
    );
  });

  it('serves liveness and readiness with each check', async () => {
    expect((await inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      status: 'unavailable',
      checks: { mongo: { status: 'up' }, kafka: { status: 'down', error: 'broker unreachable' } },
    });
  });

  it('serves an OpenAPI document built from the same schemas', async () => {
    const doc = (await inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    const create = doc.paths['/desks'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'countries',
    ]);
    expect(Object.keys(create.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
    ]);
    expect(doc.paths['/desks/{id}'].get.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
      required: true,
    });
    expect(doc.paths['/health/ready'].get.security).toEqual([]);
  });
});
