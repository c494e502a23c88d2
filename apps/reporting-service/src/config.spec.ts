import { ConfigError, loadConfig } from '@trellis/platform-config';
import { reportingConfigSchema } from './config';

const key = Buffer.alloc(32, 9).toString('base64');
const good = {
  MONGO_URL: 'mongodb://127.0.0.1:27117/',
  KAFKA_BROKERS: '127.0.0.1:9192',
  JWT_ISSUER: 'https://trellis.test/auth',
  JWT_JWKS_URL: 'http://127.0.0.1:3000/.well-known/jwks.json',
  PSEUDONYM_KEY: key,
};

describe('reporting service configuration', () => {
  it('applies defaults: port 3105, its database, a threshold of 5, its consumer group', () => {
    const c = loadConfig(reportingConfigSchema, good);
    expect(c).toMatchObject({
      PORT: 3105,
      MONGO_DB: 'trellis_reporting',
      MIN_CELL_SIZE: 5,
      KAFKA_GROUP_ID: 'reporting-service.read-models',
      TOPIC_PREFIX: '',
      DEDUPE_EVENTS: false,
      READ_MODEL_BUCKETS: 64,
    });
    expect(c.PSEUDONYM_KEY).toEqual(Buffer.alloc(32, 9));
  });

  it('requires a pseudonym key of 32 bytes and names every wrong variable, never the key', () => {
    let error: unknown;
    try {
      loadConfig(reportingConfigSchema, {
        ...good,
        PSEUDONYM_KEY: Buffer.alloc(16, 1).toString('base64'),
        MIN_CELL_SIZE: '0',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['MIN_CELL_SIZE', 'PSEUDONYM_KEY']);
    expect(JSON.stringify(problems)).not.toContain(Buffer.alloc(16, 1).toString('base64'));
    expect(() => loadConfig(reportingConfigSchema, { ...good, PSEUDONYM_KEY: undefined })).toThrow(
      /PSEUDONYM_KEY: is required/,
    );
  });
});
