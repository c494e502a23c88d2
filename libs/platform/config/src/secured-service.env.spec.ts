import { z } from 'zod';
import {
  checkSecuredServiceEnv,
  ConfigError,
  loadConfig,
  masterKeyConfig,
  securedServiceEnvShape,
} from './index';

const schema = z
  .object(securedServiceEnvShape)
  .superRefine(checkSecuredServiceEnv, { when: () => true });
const key = Buffer.alloc(32, 1).toString('base64');

describe('secured service environment', () => {
  it('parses the token key source and the master keys', () => {
    const c = loadConfig(schema, {
      JWT_ISSUER: 'i',
      JWT_JWKS: '{"keys":[]}',
      MASTER_KEYS: `k1:${key},k2:${key}`,
    });
    expect(c.MASTER_KEYS).toEqual({ k1: key, k2: key });
    expect(masterKeyConfig(c)).toEqual({ activeKeyId: 'k1', keys: { k1: key, k2: key } });
  });

  it('names every variable at fault, never the key material', () => {
    let error: unknown;
    try {
      loadConfig(schema, { MASTER_KEYS: 'k1:c2hvcnQ=', MASTER_KEY_ID: 'k9' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['JWT_ISSUER', 'JWT_JWKS_URL', 'MASTER_KEYS', 'MASTER_KEY_ID']);
    expect((error as Error).message).not.toContain('c2hvcnQ=');
  });
});
