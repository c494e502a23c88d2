import { generateMasterKey } from '@trellis/platform-crypto';
import { ConfigError, loadConfig } from '@trellis/platform-config';
import { masterKeyConfig, trainingConfigSchema } from './config';

const key = generateMasterKey();
const good = {
  MONGO_URL: 'mongodb://127.0.0.1:27117/',
  KAFKA_BROKERS: '127.0.0.1:9192',
  JWT_ISSUER: 'https://trellis.test/auth',
  JWT_JWKS_URL: 'http://127.0.0.1:3000/.well-known/jwks.json',
  MASTER_KEYS: `k1:${key}`,
};

describe('training service configuration', () => {
  it('applies defaults: port 3102, its own databases, the engagement projection group', () => {
    const c = loadConfig(trainingConfigSchema, good);
    expect(c).toMatchObject({
      PORT: 3102,
      MONGO_DB: 'trellis_training',
      KEYS_MONGO_DB: 'trellis_training_keys',
      ENGAGEMENT_EVENTS_GROUP_ID: 'training-service.engagements',
      CONSUME_ENGAGEMENT_EVENTS: true,
      IDENTITY_EVENTS_GROUP_ID: 'training-service.identity',
      IDENTITY_TOPIC: 'trellis.identity.v1',
      CONSUME_IDENTITY_EVENTS: true,
      OUTBOX_AUTOSTART: true,
    });
    expect(masterKeyConfig(c)).toEqual({ activeKeyId: 'k1', keys: { k1: key } });
  });

  it('names every wrong variable at once, never the key material', () => {
    let error: unknown;
    try {
      loadConfig(trainingConfigSchema, { MONGO_URL: good.MONGO_URL, MASTER_KEYS: 'nonsense' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable);
    expect(variables).toEqual(
      expect.arrayContaining(['KAFKA_BROKERS', 'JWT_ISSUER', 'JWT_JWKS_URL', 'MASTER_KEYS']),
    );
    expect(JSON.stringify((error as ConfigError).problems)).not.toContain('nonsense');
  });
});
