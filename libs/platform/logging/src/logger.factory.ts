import pino, {
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Level,
  type Logger,
} from 'pino';
import { correlation } from './correlation';
import { redactSensitive } from './redaction';

export type { Logger } from 'pino';

/** Log levels a logger can be set to (`silent` turns it off). */
export type LogLevelName = Level | 'silent';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The service name written on every line (`service`). */
  service: string;
  /** Lowest level written; `info` by default. */
  level?: LogLevelName;
  /** Human-readable lines instead of JSON (local development only). */
  pretty?: boolean;
  /** Where lines go; standard output by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/**
 * A pino logger for one service. Every line is JSON with an ISO `time`, a `level` label,
 * `service`, the current `correlationId` (from {@link correlation}, through pino's `mixin`)
 * and `msg`.
 *
 * Sensitive fields are redacted by key name at any depth (see `SENSITIVE_KEYS`). pino's own
 * `redact` option cannot do that: its paths are fixed (`a.b.c`) and a wildcard matches exactly
 * one level, so a contact nested three levels down in a logged event would slip through. The
 * `log` formatter therefore passes every logged object (after the `mixin`, before the
 * serializers) through `redactSensitive()`, and so do the base and child bindings.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? (options.pretty ? prettyStream() : stdout());
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      mixin() {
        const correlationId = correlation.id();
        return correlationId === undefined ? {} : { correlationId };
      },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactSensitive(bindings),
        log: (object) => redactSensitive(object),
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
  redactChildBindings(logger);
  return logger;
}

let sharedStdout: DestinationStream | undefined;

/**
 * Standard output shared by the process's loggers, written asynchronously: lines logged while a
 * write is in flight go out together in the next one (no minimum length, so nothing waits for
 * more lines), instead of one blocking `write` per line — which the API benchmark's profile
 * showed among a request's costs. Pending lines are flushed synchronously when the process
 * exits; a SIGKILL can lose the last ones.
 */
function stdout(): DestinationStream {
  sharedStdout ??= pino.destination({ dest: 1, sync: false, minLength: 0 });
  return sharedStdout;
}

/**
 * pino applies the `bindings` formatter to the root logger's bindings only (children get an
 * identity formatter), so `logger.child({ user })` would bypass redaction. Children are
 * created by `Object.create(parent)`, so replacing `child` on the root covers every
 * descendant.
 */
function redactChildBindings(logger: Logger): void {
  type ChildFn = (this: unknown, bindings: Bindings, options?: ChildLoggerOptions) => unknown;
  const child = Reflect.get(logger, 'child') as ChildFn;
  const redactedChild: ChildFn = function (this: unknown, bindings, options) {
    return child.call(this, redactSensitive(bindings), options);
  };
  Reflect.set(logger, 'child', redactedChild);
}

/**
 * A destination that turns pino's JSON lines into one readable line each:
 * `12:00:00.000 INFO  [service] (correlation) Context: message {"other":"fields"}`.
 * Built in so development needs no `pino-pretty` transport.
 */
export function prettyStream(
  out: { write(text: string): unknown } = process.stdout,
): DestinationStream {
  return {
    write(line: string): void {
      out.write(formatPrettyLine(line));
    },
  };
}

/** Formats one pino JSON line for humans (unparseable input is passed through). */
export function formatPrettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const { time, level, service, correlationId, context, msg, err, ...rest } = entry;
  const parts = [
    typeof time === 'string' ? time.slice(11, 23) : '',
    text(level).toUpperCase().padEnd(5),
    `[${text(service)}]`,
    correlationId === undefined ? '' : `(${text(correlationId)})`,
    `${context === undefined ? '' : `${text(context)}: `}${text(msg)}`,
    Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
  ].filter((part) => part !== '');
  const stack = err && typeof err === 'object' && 'stack' in err ? `\n${text(err.stack)}` : '';
  return `${parts.join(' ')}${stack}\n`;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
