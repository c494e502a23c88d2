import { z } from 'zod';

/**
 * Building blocks for service configuration schemas. Environment variables are strings; these
 * parse and check them so a wrong value is reported with the variable's name at boot.
 */
export const env = {
  port: (fallback?: number) => {
    const s = z.coerce
      .number({ error: 'expected a TCP port number' })
      .int('expected a whole number')
      .min(1, 'expected a port between 1 and 65535')
      .max(65535, 'expected a port between 1 and 65535');
    return fallback === undefined ? s : s.default(fallback);
  },
  string: (fallback?: string) => {
    const s = z.string().trim().min(1, 'must not be empty');
    return fallback === undefined ? s : s.default(fallback);
  },
  url: (protocols: string[]) =>
    z
      .string()
      .trim()
      .refine(
        (v) => {
          try {
            return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        `expected a URL (${protocols.join(', ')})`,
      ),
  /** Comma-separated list, e.g. `KAFKA_BROKERS=k1:9092,k2:9092`. */
  list: () =>
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .refine((v) => v.length > 0, 'expected a comma-separated list with at least one entry'),
  hostPortList: () =>
    env
      .list()
      .refine(
        (v) => v.every((x) => /^[^\s:]+:\d{1,5}$/.test(x)),
        'expected host:port[,host:port...]',
      ),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .transform((v) => ['true', '1', 'yes'].includes(v))
      .default(fallback),
  int: (min: number, max: number, fallback?: number) => {
    const s = z.coerce
      .number({ error: 'expected a number' })
      .int('expected a whole number')
      .min(min, `expected at least ${min}`)
      .max(max, `expected at most ${max}`);
    return fallback === undefined ? s : s.default(fallback);
  },
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A base64 secret of exactly `bytes` bytes (e.g. a 32-byte AES-256 master key). */
  base64Key: (bytes: number) =>
    z
      .string()
      .trim()
      .refine(
        (v) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === bytes,
        `expected ${bytes} bytes encoded as base64`,
      ),
};

/** Settings every Trellis service shares. Services extend it with their own. */
export const baseServiceEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: env.logLevel(),
  HOST: env.string('127.0.0.1'),
  PORT: env.port(),
  MONGO_URL: env.url(['mongodb', 'mongodb+srv']),
  KAFKA_BROKERS: env.hostPortList(),
  /** Largest accepted request body in bytes (larger bodies get HTTP 413). */
  HTTP_BODY_LIMIT_BYTES: env.int(1024, 50 * 1024 * 1024, 1024 * 1024),
});
export type BaseServiceEnv = z.infer<typeof baseServiceEnv>;
