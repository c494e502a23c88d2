import { generateMasterKey } from '@trellis/platform-crypto';
import { ConfigError, loadConfig } from '@trellis/platform-config';
import { createEngagementApp } from './app.module';
import { engagementConfigSchema, masterKeyConfig } from './config';

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
    loadConfig(engagementConfigSchema, source);
  } catch (err) {
    if (err instanceof ConfigError) {
      return Object.fromEntries(err.problems.map((p) => [p.variable, p.message]));
    }
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe('engagement service configuration', () => {
  it('applies defaults: port, databases, audience, MIN_CADENCE of one day', () => {
    const c = loadConfig(engagementConfigSchema, good);
    expect(c).toMatchObject({
      PORT: 3101,
      MONGO_DB: 'trellis_engagement',
      KEYS_MONGO_DB: 'trellis_engagement_keys',
      JWT_AUDIENCE: 'trellis',
      MIN_CADENCE: { iso: 'P1D', ms: 86_400_000 },
      IDENTITY_EVENTS_GROUP_ID: 'engagement-service.identity',
      IDENTITY_TOPIC: 'trellis.identity.v1',
      CONSUME_IDENTITY_EVENTS: true,
      OUTBOX_AUTOSTART: true,
    });
    expect(masterKeyConfig(c)).toEqual({ activeKeyId: 'k1', keys: { k1: key } });
  });

  it('lets demos and tests lower MIN_CADENCE', () => {
    const c = loadConfig(engagementConfigSchema, { ...good, MIN_CADENCE: 'PT1S' });
    expect(c.MIN_CADENCE).toEqual({ iso: 'PT1S', ms: 1000 });
  });

  it('parses several master keys and an explicit active one', () => {
    const second = generateMasterKey();
    const c = loadConfig(engagementConfigSchema, {
      ...good,
      MASTER_KEYS: `old:${key}, new:${second}`,
      MASTER_KEY_ID: 'new',
    });
    expect(masterKeyConfig(c)).toEqual({ activeKeyId: 'new', keys: { old: key, new: second } });
  });

  it('names every wrong or missing variable without echoing key material', () => {
    const found = problems({
      MONGO_URL: good.MONGO_URL,
      KAFKA_BROKERS: good.KAFKA_BROKERS,
      MASTER_KEYS: 'k1:c2hvcnQ=',
      MIN_CADENCE: 'one day',
    });
    expect(Object.keys(found).sort()).toEqual([
      'JWT_ISSUER',
      'JWT_JWKS_URL',
      'MASTER_KEYS',
      'MIN_CADENCE',
    ]);
    expect(found['MASTER_KEYS']).toMatch(/32 bytes/);
    expect(found['MASTER_KEYS']).not.toContain('c2hvcnQ');
    expect(found['MIN_CADENCE']).toMatch(/ISO-8601 duration/);
  });

  it('refuses a malformed key list, a JWKS that is not JSON and an unknown active key', () => {
    expect(problems({ ...good, MASTER_KEYS: 'no-colon-here' })).toHaveProperty('MASTER_KEYS');
    expect(problems({ ...good, JWT_JWKS: '{nope' })).toHaveProperty('JWT_JWKS');
    expect(problems({ ...good, MASTER_KEY_ID: 'missing' })).toEqual({
      MASTER_KEY_ID: 'the active master key id is not among the configured keys',
    });
  });
});

describe('booting the engagement service', () => {
  it('refuses to build the app with a missing or wrong variable, naming it', async () => {
    const { MONGO_URL: _missing, ...withoutMongo } = good;
    const boot = createEngagementApp({ ...withoutMongo, MIN_CADENCE: 'soon', LOG_LEVEL: 'silent' });
    await expect(boot).rejects.toBeInstanceOf(ConfigError);
    const error = (await boot.catch((err: unknown) => err)) as ConfigError;
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['MIN_CADENCE', 'MONGO_URL']);
    expect(error.message).toContain('MONGO_URL');
    expect(error.message).toContain('MIN_CADENCE');
  });
});
