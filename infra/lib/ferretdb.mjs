// MongoDB wire protocol for local use: FerretDB v1.24.2 embedded in a small Go program
// (infra/ferretdb), SQLite backend. Built once with the Go toolchain and cached.
import { join } from 'node:path';
import {
  InfraError,
  ROOT,
  assertPortsFree,
  ensureDir,
  fileExists,
  hashFiles,
  requireTool,
  run,
  runningPid,
  startBackground,
  waitHealthy,
  withProgress,
} from './common.mjs';

const NAME = 'mongo';
const src = join(ROOT, 'infra', 'ferretdb');

export function ferretdbBinary(s) {
  const hash = hashFiles(['go.mod', 'go.sum', 'main.go'].map((f) => join(src, f)));
  return join(s.cacheDir, `ferretdb-${hash}`, 'trellis-ferretdb');
}

export const mongo = {
  name: NAME,
  external: (s) => s.mongo.external,
  /** Connection string of the server (without a database name). */
  url: (s) => s.mongo.external ?? `mongodb://${s.host}:${s.mongo.port}/`,

  async install(s) {
    const bin = ferretdbBinary(s);
    if (fileExists(bin)) return false;
    const go = requireTool(
      'go',
      'Install Go 1.24 or newer (https://go.dev/dl or apt-get install golang).',
    );
    ensureDir(join(bin, '..'));
    await withProgress(NAME, 'building FerretDB (Go, first run only: a few minutes)', () =>
      run(go, ['build', '-trimpath', '-o', bin, '.'], {
        cwd: src,
        env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
      }),
    );
    if (!fileExists(bin)) throw new InfraError(`mongo: go build finished but ${bin} is missing`);
    return true;
  },

  async healthy(s) {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(this.url(s), {
      serverSelectionTimeoutMS: 1500,
      connectTimeoutMS: 1500,
    });
    try {
      await client.connect();
      const res = await client.db('admin').command({ ping: 1 });
      return res.ok === 1;
    } finally {
      await client.close().catch(() => undefined);
    }
  },

  async start(s) {
    if (runningPid(s, NAME) && (await this.healthy(s).catch(() => false)))
      return runningPid(s, NAME);
    await assertPortsFree(s, NAME, [['TRELLIS_MONGO_PORT', s.mongo.port]]);
    ensureDir(s.mongo.dataDir);
    const pid = startBackground(s, NAME, ferretdbBinary(s), [
      '-listen-addr',
      `${s.host}:${s.mongo.port}`,
      '-state-dir',
      s.mongo.dataDir,
      '-log-level',
      'warn',
    ]);
    await waitHealthy(s, NAME, pid, () => this.healthy(s), s.startTimeoutMs);
    return pid;
  },
};
