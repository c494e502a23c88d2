import { ConfigError, loadConfig } from '@trellis/platform-config';
import { generateMasterKey } from '@trellis/platform-crypto';
import { coachingConfigSchema, masterKeyConfig } from './config';

const key = generateMasterKey();
const good = {
  MONGO_URL: 'mongodb://127.0.0.1:27117/',
  KAFKA_BROKERS: '127.0.0.1:9192',
  JWT_ISSUER: 'https://trellis.test/auth',
  JWT_JWKS_URL: 'http://127.0.0.1:3000/.well-known/jwks.json',
  MASTER_KEYS: `k1:${key}`,
};

function problems(source: Record<string, string>): Record<string, string> {
  try {
    loadConfig(coachingConfigSchema, source);
  } catch (err) {
    if (err instanceof ConfigError) {
      return Object.fromEntries(err.problems.map((p) => [p.variable, p.message]));
    }
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe('coaching service configuration', () => {
  it('applies defaults: port 3104, databases, no e-mail, digest at 07:00 UTC', () => {
    const c = loadConfig(coachingConfigSchema, good);
    expect(c).toMatchObject({
      PORT: 3104,
      MONGO_DB: 'trellis_coaching',
      KEYS_MONGO_DB: 'trellis_coaching_keys',
      DIGEST_HOUR_UTC: 7,
      KAFKA_GROUP_ID: 'trellis-coaching-service',
      IDENTITY_EVENTS_GROUP_ID: 'trellis-coaching-service-identity',
      TOPIC_PREFIX: '',
      MAIL_AUTOSTART: true,
    });
    expect(c.SMTP_URL).toBeUndefined();
    expect(masterKeyConfig(c)).toEqual({ activeKeyId: 'k1', keys: { k1: key } });
  });

  it('accepts an SMTP URL and names wrong variables', () => {
    expect(
      loadConfig(coachingConfigSchema, { ...good, SMTP_URL: 'smtp://mail.test:2525' }).SMTP_URL,
    ).toBe('smtp://mail.test:2525');
    const found = problems({
      ...good,
      SMTP_URL: 'http://mail.test',
      DIGEST_HOUR_UTC: '24',
      JWT_JWKS_URL: '',
    });
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['SMTP_URL', 'DIGEST_HOUR_UTC']));
  });
});
