import { Controller, Get, HttpCode, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@trellis/platform-auth';
import { ApiOperation } from './http.openapi';

/** A named readiness check (MongoDB ping, Kafka broker reachable, ...). */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Probes carry no token: both routes are public. */
@Public()
@Controller('health')
class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up', public: true, tags: ['meta'] })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: every dependency answers (503 otherwise)',
    public: true,
    tags: ['meta'],
    errors: ['SERVICE_UNAVAILABLE'],
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{
    status: 'ok' | 'unavailable';
    checks: Record<string, { status: 'up' | 'down'; error?: string }>;
  }> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 3000);
          return [c.name, { status: 'up' as const }] as const;
        } catch (err) {
          return [
            c.name,
            { status: 'down' as const, error: err instanceof Error ? err.message : String(err) },
          ] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.status === 'up');
    void reply.status(ok ? 200 : 503);
    const byName: Record<string, { status: 'up' | 'down'; error?: string }> = {};
    for (const [name, result] of results) byName[name] = result;
    return { status: ok ? 'ok' : 'unavailable', checks: byName };
  }
}

/** `/health/live` and `/health/ready`; readiness runs the `HEALTH_CHECKS` given here. */
@Module({})
export class HealthModule {
  static forRoot(checks: {
    inject?: (string | symbol | (abstract new (...a: never[]) => unknown))[];
    useFactory: (...deps: never[]) => HealthCheck[];
  }): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_CHECKS, inject: checks.inject ?? [], useFactory: checks.useFactory },
      ],
    };
  }
}
