#!/usr/bin/env node
// Local infrastructure of Trellis: real servers on 127.0.0.1, no Docker.
//
//   node infra/infra.mjs up       install once (cached), start what is not running, wait healthy
//   node infra/infra.mjs down     stop what we started (by pid)
//   node infra/infra.mjs status   health, pid, port and memory of each part
//   node infra/infra.mjs topics   create the topics of infra/kafka/topics.json on KAFKA_BROKERS
//   node infra/infra.mjs env      print the endpoints as shell variables
//
// MONGO_URL, KAFKA_BROKERS and TEMPORAL_ADDRESS point Trellis at external servers; a part
// whose variable is set is left alone. See README "Operations".
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeDeps } from '../tools/scripts/lib/deps.mjs';
import {
  InfraError,
  ROOT,
  ensureDir,
  log,
  rssMiB,
  runningPid,
  settings,
  stopBackground,
  withLock,
  withProgress,
} from './lib/common.mjs';
import { ferretdbBinary, mongo } from './lib/ferretdb.mjs';
import { kafka } from './lib/kafka.mjs';
import { temporal, temporalPaths } from './lib/temporal.mjs';

const parts = [mongo, kafka, temporal];

/** The endpoints every Trellis process and test reads (env variables win over this file). */
export function endpoints(s) {
  return {
    mongoUrl: mongo.url(s),
    kafkaBrokers: kafka.brokers(s).join(','),
    temporalAddress: temporal.address(s),
    temporalNamespace: s.temporal.namespace,
    temporalTestServer: temporalPaths(s).testServer,
    temporalCli: temporalPaths(s).cli,
  };
}

function writeEndpoints(s) {
  ensureDir(s.runDir);
  writeFileSync(s.endpointsFile, JSON.stringify(endpoints(s), null, 2) + '\n');
}

async function up(s) {
  const started = Date.now();
  // On a fresh clone `infra:up` may run before anything is installed. Otherwise dependencies
  // are `npm start` / `npm test`'s business (tools/scripts/setup.mjs): reinstalling here, from
  // a test's global set-up, would pull node_modules from under running processes.
  if (!existsSync(join(ROOT, 'node_modules'))) ensureNodeDeps(ROOT, (m) => log('npm', m));
  // Install in parallel: Go build, Maven and pip use different resources.
  await Promise.all(
    parts.map(async (p) => {
      if (p.name === 'temporal' || !p.external(s)) {
        // The Temporal CLI and time-skipping test server are needed even with an external cluster.
        const fresh = await p.install(s);
        if (!fresh) log(p.name, 'installed (cached)');
      }
    }),
  );
  await Promise.all(
    parts.map(async (p) => {
      if (p.external(s)) {
        const ok = await p.healthy(s).catch(() => false);
        log(
          p.name,
          `external (${p.external(s)}): left alone, ${ok ? 'reachable' : 'NOT reachable'}`,
        );
        return;
      }
      const already = runningPid(s, p.name);
      if (already && (await p.healthy(s).catch(() => false))) {
        log(p.name, `already running (pid ${already})`);
        return;
      }
      const pid = await withProgress(p.name, 'starting and waiting until healthy', () =>
        p.start(s),
      );
      log(p.name, `healthy (pid ${pid})`);
    }),
  );
  if (!kafka.external(s))
    await withProgress('kafka', 'ensuring topics', () => kafka.ensureTopics(s));
  writeEndpoints(s);
  log('infra', `up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  printEndpoints(s);
}

function printEndpoints(s) {
  const e = endpoints(s);
  log('infra', `MONGO_URL=${e.mongoUrl}`);
  log('infra', `KAFKA_BROKERS=${e.kafkaBrokers}`);
  log('infra', `TEMPORAL_ADDRESS=${e.temporalAddress} (namespace ${e.temporalNamespace})`);
}

async function down(s) {
  for (const p of [...parts].reverse()) {
    if (p.external(s)) {
      log(p.name, 'external: left alone');
      continue;
    }
    const stopped = await stopBackground(s, p.name);
    log(p.name, stopped ? 'stopped' : 'was not running');
  }
}

async function status(s) {
  let allHealthy = true;
  for (const p of parts) {
    const healthy = await p.healthy(s).catch(() => false);
    allHealthy &&= healthy;
    if (p.external(s)) {
      log(p.name, `${healthy ? 'healthy' : 'UNREACHABLE'}  external ${p.external(s)}`);
      continue;
    }
    const pid = runningPid(s, p.name);
    const where =
      p.name === 'mongo'
        ? mongo.url(s)
        : p.name === 'kafka'
          ? kafka.brokers(s).join(',')
          : temporal.address(s);
    const mem = pid ? `${rssMiB(pid) ?? '?'} MiB RSS` : '';
    log(
      p.name,
      `${healthy ? 'healthy' : pid ? 'UNHEALTHY' : 'stopped'}  ${where}  ${pid ? `pid ${pid}` : ''}  ${mem}`,
    );
  }
  return allHealthy;
}

async function main() {
  const cmd = process.argv[2] ?? 'status';
  const s = settings();
  switch (cmd) {
    case 'up':
      await withLock(s, () => up(s));
      break;
    case 'down':
      await withLock(s, () => down(s));
      break;
    case 'status':
      if (!(await status(s))) process.exitCode = 1;
      break;
    case 'topics':
      await kafka.ensureTopics(s);
      log('kafka', `topics ensured on ${kafka.brokers(s).join(',')}`);
      break;
    case 'env': {
      const e = endpoints(s);
      process.stdout.write(
        `MONGO_URL=${e.mongoUrl}\nKAFKA_BROKERS=${e.kafkaBrokers}\nTEMPORAL_ADDRESS=${e.temporalAddress}\n`,
      );
      break;
    }
    case 'paths':
      process.stdout.write(
        JSON.stringify(
          { ...endpoints(s), ferretdb: ferretdbBinary(s), cache: s.cacheDir, data: s.dataDir },
          null,
          2,
        ) + '\n',
      );
      break;
    default:
      throw new InfraError(`unknown command "${cmd}" (use up, down, status, topics, env, paths)`);
  }
}

main().catch((err) => {
  if (err instanceof InfraError) {
    process.stderr.write(`\ninfra: ${err.message}\n`);
  } else {
    process.stderr.write(`\ninfra: unexpected failure: ${err.stack ?? err}\n`);
  }
  process.exit(1);
});
