// Jest globalSetup for integration tests: makes sure the real local servers are up
// (idempotent: a running, healthy part is left alone). Parts pointed elsewhere with
// MONGO_URL / KAFKA_BROKERS / TEMPORAL_ADDRESS are not touched.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.TRELLIS_INFRA_MANAGED === '1') return; // the caller already ran infra:up
  const root = path.resolve(__dirname, '..', '..', '..');
  const r = spawnSync(process.execPath, [path.join(root, 'infra', 'infra.mjs'), 'up'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (r.status !== 0) {
    throw new Error('local infrastructure could not be started (see the output above)');
  }
};
