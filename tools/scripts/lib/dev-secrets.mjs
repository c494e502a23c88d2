// Development-only secrets for `npm start`: an ES256 token-signing key pair (its public JWKS
// is given to the services; the private key lets the demo mint tokens until the gateway
// issues them) and a 32-byte master key for field encryption. Made once, kept in the
// git-ignored run folder with owner-only permissions. Never used in production, where they
// come from the secret store.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Secrets added after a secrets file was first made are added to it on the next start. */
function completed(secrets) {
  return {
    ...secrets,
    auditHmacKey: secrets.auditHmacKey ?? randomBytes(32).toString('base64'),
    pseudonymKey: secrets.pseudonymKey ?? randomBytes(32).toString('base64'),
  };
}

function save(file, secrets) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function devSecrets(file) {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    const secrets = completed(stored);
    if (Object.keys(secrets).length !== Object.keys(stored).length) save(file, secrets);
    return secrets;
  }
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `dev-${randomUUID().slice(0, 8)}`;
  const secrets = completed({
    issuer: 'trellis-dev',
    audience: 'trellis',
    jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] },
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256' },
    masterKeys: `dev1:${randomBytes(32).toString('base64')}`,
  });
  save(file, secrets);
  return secrets;
}

/** Environment every service gets from `npm start` (addresses plus development secrets). */
export function serviceEnv(endpoints, secrets) {
  return {
    NODE_ENV: 'development',
    MONGO_URL: endpoints.mongoUrl,
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    TEMPORAL_ADDRESS: endpoints.temporalAddress,
    TEMPORAL_NAMESPACE: endpoints.temporalNamespace,
    JWT_ISSUER: secrets.issuer,
    JWT_AUDIENCE: secrets.audience,
    JWT_JWKS: JSON.stringify(secrets.jwks),
    MASTER_KEYS: secrets.masterKeys,
    // The orchestrator signs service tokens with the development key the services trust.
    SERVICE_TOKEN_PRIVATE_JWK: JSON.stringify(secrets.privateJwk),
    // Demo engagements run months in minutes: allow second-long cadences.
    MIN_CADENCE: 'PT1S',
    // The gateway signs user tokens with the development key; its audit chain and the
    // reporting service's pseudonyms are keyed with development keys.
    TOKEN_SIGNING_PRIVATE_JWK: JSON.stringify(secrets.privateJwk),
    AUDIT_HMAC_KEY: secrets.auditHmacKey,
    PSEUDONYM_KEY: secrets.pseudonymKey,
    // The first admin of a fresh system (development only; change it in production).
    BOOTSTRAP_ADMIN_USERNAME: 'admin',
    BOOTSTRAP_ADMIN_PASSWORD: 'trellis-demo-password',
    // The gateway serves the web application's build (relative to the workspace root).
    WEB_DIST_DIR: 'dist/apps/web',
  };
}
