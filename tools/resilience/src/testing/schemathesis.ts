import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * schemathesis (PyPI) in a virtual environment of the Trellis cache
 * (`$TRELLIS_CACHE_DIR`, default `~/.cache/trellis`): created and installed on the first run,
 * reused afterwards (a marker file says the install completed).
 */

/** The pinned schemathesis version. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** The venv's directory. */
export function schemathesisHome(): string {
  const cache = resolve(process.env['TRELLIS_CACHE_DIR'] || join(homedir(), '.cache', 'trellis'));
  return join(cache, `schemathesis-${SCHEMATHESIS_VERSION}`);
}

/** Installs schemathesis once (cached); returns the path of its `schemathesis` command. */
export function ensureSchemathesis(): string {
  const home = schemathesisHome();
  const bin = join(home, 'bin', 'schemathesis');
  const marker = join(home, '.trellis-installed');
  if (existsSync(marker) && existsSync(bin)) return bin;
  const python = process.env['TRELLIS_PYTHON'] ?? 'python3';
  const steps: Array<[string, string[]]> = [
    [python, ['-m', 'venv', home]],
    [join(home, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10 * 60_000 });
    if (result.status !== 0) {
      throw new Error(
        `installing schemathesis failed (${command} ${args.join(' ')}):\n` +
          `${result.error?.message ?? ''}${result.stderr.slice(-2000)}`,
      );
    }
  }
  if (!existsSync(bin)) throw new Error(`schemathesis is not at ${bin} after installing it`);
  writeFileSync(marker, `${SCHEMATHESIS_VERSION}\n`);
  return bin;
}

/** One schemathesis run's outcome. */
export interface SchemathesisRun {
  exitCode: number | null;
  output: string;
  durationMs: number;
}

/** Runs schemathesis (asynchronously: the test's event loop keeps going). */
export function runSchemathesis(
  bin: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<SchemathesisRun> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const child = spawn(bin, [...args], {
      env: { ...env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    }
    child.once('error', reject);
    child.once('exit', (exitCode) =>
      resolvePromise({ exitCode, output, durationMs: Date.now() - started }),
    );
  });
}
