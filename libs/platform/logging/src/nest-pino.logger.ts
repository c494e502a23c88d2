import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/** Nest's levels mapped onto pino's. */
const LEVELS: Record<LogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

const PINO_ORDER: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** A Nest error stack as passed by `Logger.error(message, stack)`. */
const STACK_FORMAT = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * Routes Nest's own logs (bootstrap, routes, exceptions, microservice transport) through the
 * service's pino logger, so they get the same JSON shape, correlation id and redaction:
 *
 * ```ts
 * const app = await NestFactory.create(AppModule, { bufferLogs: true });
 * app.useLogger(app.get(NestPinoLogger));
 * ```
 *
 * Nest passes the logging class's name as the last string parameter; it becomes `context`.
 * `error(message, stack, context)` puts the stack under `err.stack`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('log', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('verbose', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Sets pino's level to the lowest of the enabled Nest levels (`silent` when none). */
  setLogLevels(levels: LogLevel[]): void {
    const mapped = levels.map((level) => PINO_ORDER.indexOf(LEVELS[level]));
    this.logger.level = mapped.length === 0 ? 'silent' : PINO_ORDER[Math.min(...mapped)];
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    const { context, stack, extra } = splitParams(level, params);
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields['context'] = context;
    if (extra.length > 0) fields['details'] = extra;

    let msg: string | undefined;
    if (message instanceof Error) {
      fields['err'] = message;
      msg = message.message;
    } else if (typeof message === 'string') {
      msg = message;
    } else if (message !== undefined) {
      fields['data'] = message;
    }
    if (stack !== undefined) {
      fields['err'] = { message: msg, stack };
    }
    this.logger[LEVELS[level]](fields, msg);
  }
}

/** Splits Nest's optional parameters into context, stack and anything else (as Nest's ConsoleLogger does). */
function splitParams(
  level: LogLevel,
  params: unknown[],
): { context?: string; stack?: string; extra: unknown[] } {
  const rest = [...params];
  let context: string | undefined;
  let stack: string | undefined;
  if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') {
    const last = rest[rest.length - 1] as string;
    // `error(message, stack)` from code without a context: the only parameter is a stack.
    if (!(level === 'error' && rest.length === 1 && STACK_FORMAT.test(last))) {
      context = last;
      rest.pop();
    }
  }
  if (level === 'error' && rest.length > 0) {
    const candidate = rest[rest.length - 1];
    if (typeof candidate === 'string' || candidate === undefined) {
      rest.pop();
      stack = candidate;
    }
  }
  return { context, stack, extra: rest };
}
