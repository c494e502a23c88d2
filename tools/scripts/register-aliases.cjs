// Resolves the workspace's `@trellis/*` path aliases (tsconfig.base.json) to the compiled
// output in dist/out-tsc at run time: `node -r ./tools/scripts/register-aliases.cjs <main.js>`.
// tsc keeps alias specifiers as written; this maps them without a bundler, so NestJS keeps
// its decorator metadata exactly as tsc emitted it.
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..', '..');
const outRoot = path.resolve(root, process.env.TRELLIS_DIST_DIR || path.join('dist', 'out-tsc'));
const { compilerOptions } = JSON.parse(
  fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'),
);

const aliases = new Map(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    alias,
    path.join(outRoot, target.replace(/\.ts$/, '.js')),
  ]),
);

const original = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, parent, isMain, options) {
  const mapped = aliases.get(request);
  return original.call(this, mapped ?? request, parent, isMain, options);
};
