import { DynamicModule, Global, Module } from '@nestjs/common';
import type { z } from 'zod';

/** A configuration that failed validation; the message names every variable at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Validates the environment against `schema`; throws `ConfigError` naming each variable. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // Empty strings count as unset, so `PORT=` falls back to the default or is reported missing.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    const present = typeof issue.path[0] === 'string' && cleaned[issue.path[0]] !== undefined;
    const message = present ? issue.message : 'is required but not set';
    return { variable, message };
  });
  throw new ConfigError(problems);
}

export const CONFIG = Symbol('CONFIG');

/**
 * Loads configuration once at boot and provides it under the `CONFIG` token. A wrong or
 * missing value stops the application: the error names the variable (see `bootOrExit`).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<S extends z.ZodType>(
    schema: S,
    source?: Record<string, string | undefined>,
  ): DynamicModule {
    const config = loadConfig(schema, source);
    return {
      module: ConfigModule,
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }
}

/**
 * Runs an application's bootstrap; a `ConfigError` (or any start-up failure) is printed
 * plainly to stderr and the process exits with code 1 instead of a stack trace.
 */
export function bootOrExit(service: string, boot: () => Promise<unknown>): void {
  boot().catch((err: unknown) => {
    const message =
      err instanceof ConfigError
        ? err.message
        : err instanceof Error
          ? (err.stack ?? err.message)
          : String(err);
    process.stderr.write(`${service}: cannot start.\n${message}\n`);
    process.exit(1);
  });
}
