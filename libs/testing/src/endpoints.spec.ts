import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongoUrlForDatabase, resolveEndpoints } from './endpoints';
import { isolatedTopic, testRunId, uniqueName } from './isolation';

describe('resolveEndpoints', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'trellis-endpoints-')), 'endpoints.json');
  writeFileSync(
    file,
    JSON.stringify({
      mongoUrl: 'mongodb://127.0.0.1:27117/',
      kafkaBrokers: '127.0.0.1:9192',
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      temporalTestServer: '/cache/temporal-test-server',
    }),
  );

  it('reads what infra:up wrote', () => {
    expect(resolveEndpoints({}, file)).toEqual({
      mongoUrl: 'mongodb://127.0.0.1:27117/',
      kafkaBrokers: ['127.0.0.1:9192'],
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      temporalTestServer: '/cache/temporal-test-server',
    });
  });

  it('lets MONGO_URL, KAFKA_BROKERS and TEMPORAL_ADDRESS point at external servers', () => {
    const e = resolveEndpoints(
      {
        MONGO_URL: 'mongodb://db1:27017,db2:27017/?replicaSet=rs0',
        KAFKA_BROKERS: 'k1:9092, k2:9092',
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
      },
      file,
    );
    expect(e.mongoUrl).toBe('mongodb://db1:27017,db2:27017/?replicaSet=rs0');
    expect(e.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(e.temporalAddress).toBe('temporal.internal:7233');
  });

  it('says what to do when nothing is configured', () => {
    expect(() => resolveEndpoints({}, join(tmpdir(), 'does-not-exist.json'))).toThrow(
      /MONGO_URL is not set .* run "npm run infra:up"/,
    );
  });
});

describe('mongoUrlForDatabase', () => {
  it('puts the database into the path and keeps the options', () => {
    expect(mongoUrlForDatabase('mongodb://127.0.0.1:27117/', 'engagement')).toBe(
      'mongodb://127.0.0.1:27117/engagement',
    );
    expect(mongoUrlForDatabase('mongodb://h:1/?replicaSet=rs0', 'x_1')).toBe(
      'mongodb://h:1/x_1?replicaSet=rs0',
    );
  });

  it('refuses names MongoDB would reject', () => {
    expect(() => mongoUrlForDatabase('mongodb://h:1/', 'a/b')).toThrow(/invalid database name/);
  });
});

describe('isolation', () => {
  it('gives every call its own name carrying the run id', () => {
    const a = uniqueName('engagement service');
    const b = uniqueName('engagement service');
    expect(a).not.toEqual(b);
    expect(a).toMatch(new RegExp(`^engagement_service_${testRunId}_\\d+$`));
    expect(isolatedTopic('trellis.engagement.v1')).toBe(`t${testRunId}.trellis.engagement.v1`);
  });
});
