// Vite build of the web application: `nx run web:build` writes dist/apps/web, which the gateway
// serves at `/` (WEB_DIST_DIR). Only same-origin files: no CDN, no web fonts, no inline script
// (the gateway's Content-Security-Policy allows `script-src 'self'`).
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '..', '..');

/** The `@trellis/*` aliases of tsconfig.base.json the browser code may use (contracts only). */
function aliases() {
  const { compilerOptions } = JSON.parse(
    readFileSync(join(workspace, 'tsconfig.base.json'), 'utf8'),
  );
  const allowed = ['@trellis/contracts'];
  return Object.fromEntries(
    allowed.map((alias) => [alias, join(workspace, compilerOptions.paths[alias][0])]),
  );
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: join(here, 'public'),
  plugins: [react()],
  resolve: { alias: aliases() },
  build: {
    outDir: join(workspace, 'dist', 'apps', 'web'),
    emptyOutDir: true,
    sourcemap: true,
    // Everything is a file of this origin; nothing is inlined as a script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      // The contracts library is declarations only (schemas, constants): what the browser does
      // not use is left out of the bundle.
      treeshake: { moduleSideEffects: (id) => !id.includes('/libs/contracts/') },
      // Libraries change less often than the application: a chunk of their own stays cached.
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    // `nx serve web` during development: the API stays on the gateway.
    proxy: { '/api': process.env.TRELLIS_GATEWAY_URL ?? 'http://127.0.0.1:3100' },
  },
});
