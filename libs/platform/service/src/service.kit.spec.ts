import { Module } from '@nestjs/common';
import { baseServiceEnv, env, securedServiceEnvShape } from '@trellis/platform-config';
import { platformImports, securedAuthOptions, type ServiceKit } from './service.kit';

describe('service kit', () => {
  it('builds token verification options from the JWT variables, only with the sources given', () => {
    expect(
      securedAuthOptions({
        JWT_ISSUER: 'trellis',
        JWT_AUDIENCE: 'trellis',
        JWT_JWKS_URL: 'http://gateway/.well-known/jwks.json',
      }),
    ).toEqual({
      issuer: 'trellis',
      audience: 'trellis',
      jwksUrl: 'http://gateway/.well-known/jwks.json',
    });
    expect(
      securedAuthOptions({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_JWKS: { keys: [] } }),
    ).toEqual({ issuer: 'i', audience: 'a', jwks: { keys: [] } });
  });

  const schema = baseServiceEnv.extend({
    ...securedServiceEnvShape,
    MONGO_DB: env.string('trellis_test'),
    KEYS_MONGO_DB: env.string('trellis_test_keys'),
  });
  const source = {
    MONGO_URL: 'mongodb://127.0.0.1:27017/',
    KAFKA_BROKERS: '127.0.0.1:9092',
    PORT: '3999',
    JWT_ISSUER: 'trellis',
    MASTER_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    JWT_JWKS: '{"keys":[]}',
  };
  @Module({})
  class NoModels {}
  const kit = (crypto: boolean): ServiceKit<ReturnType<typeof schema.parse>> => ({
    name: 'test-service',
    title: 'Test service',
    schema,
    auth: securedAuthOptions,
    ...(crypto ? { crypto: (c: ReturnType<typeof schema.parse>) => c } : {}),
    kafka: () => ({ groupId: 'g' }),
    outbox: { models: [{ module: NoModels }], modelNames: [] },
  });

  it('wires the platform modules, with field encryption only when asked', () => {
    const names = (imports: unknown[]) =>
      imports.map((m) => (m as { module?: { name: string } }).module?.name ?? 'unknown');
    expect(names(platformImports(kit(true), source))).toEqual([
      'ConfigModule',
      'LoggingModule',
      'MongoModule',
      'AuthModule',
      'CryptoModule',
      'KafkaModule',
      'OutboxModule',
      'HealthModule',
      'OpenApiModule',
    ]);
    expect(names(platformImports(kit(false), source))).not.toContain('CryptoModule');
  });

  it('refuses a wrong configuration, naming the variable', () => {
    expect(() => platformImports(kit(true), { ...source, MONGO_URL: undefined })).toThrow(
      /MONGO_URL/,
    );
  });
});
