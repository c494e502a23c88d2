import { z } from 'zod';
import { baseServiceEnv, ConfigError, env, loadConfig } from './index';

const good = {
  PORT: '3101',
  MONGO_URL: 'mongodb://127.0.0.1:27117/',
  KAFKA_BROKERS: '127.0.0.1:9192, 127.0.0.1:9193',
};

describe('loadConfig', () => {
  it('parses and applies defaults', () => {
    const c = loadConfig(baseServiceEnv, good);
    expect(c).toMatchObject({
      PORT: 3101,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: ['127.0.0.1:9192', '127.0.0.1:9193'],
      HTTP_BODY_LIMIT_BYTES: 1024 * 1024,
    });
  });

  it('names every wrong or missing variable', () => {
    let error: unknown;
    try {
      loadConfig(baseServiceEnv, { PORT: 'eighty', MONGO_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'KAFKA_BROKERS',
      'LOG_LEVEL',
      'MONGO_URL',
      'PORT',
    ]);
    expect(problems.find((p) => p.variable === 'KAFKA_BROKERS')?.message).toBe(
      'is required but not set',
    );
    expect(problems.find((p) => p.variable === 'MONGO_URL')?.message).toMatch(
      /expected a URL \(mongodb/,
    );
    expect((error as Error).message).toMatch(/PORT: /);
  });

  it('treats an empty value as unset', () => {
    expect(() => loadConfig(baseServiceEnv, { ...good, PORT: '' })).toThrow(/PORT: is required/);
  });

  it('checks ports, booleans, keys and broker lists', () => {
    const schema = z.object({
      P: env.port(),
      B: env.bool(false),
      K: env.base64Key(32),
      L: env.hostPortList(),
    });
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig(schema, { P: '65535', B: 'yes', K: key, L: 'a:1' })).toEqual({
      P: 65535,
      B: true,
      K: key,
      L: ['a:1'],
    });
    expect(() => loadConfig(schema, { P: '70000', B: 'x', K: 'c2hvcnQ=', L: 'nohost' })).toThrow(
      /P: expected a port between 1 and 65535[\s\S]*B: expected true or false[\s\S]*K: expected 32 bytes[\s\S]*L: expected host:port/,
    );
  });
});
