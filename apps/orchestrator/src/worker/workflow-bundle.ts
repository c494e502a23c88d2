import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

/** The workspace root (this file lives in apps/orchestrator/src/worker or its dist copy). */
export function workspaceRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    try {
      readFileSync(join(dir, 'tsconfig.base.json'));
      return dir;
    } catch {
      dir = resolve(dir, '..');
    }
  }
  throw new Error('tsconfig.base.json not found above ' + __dirname);
}

/** Entry file of the deterministic workflow code (libs/workflows, one entry file). */
export function workflowsSourcePath(root = workspaceRoot()): string {
  return join(root, 'libs', 'workflows', 'src', 'index.ts');
}

/**
 * Webpack settings for bundling the workflows from source: the `@trellis/*` path aliases of
 * tsconfig.base.json resolve to their TypeScript sources (they do not resolve inside the
 * workflow bundle otherwise).
 */
export function workflowBundlerOptions(
  root = workspaceRoot(),
): Pick<BundleOptions, 'webpackConfigHook'> {
  const { compilerOptions } = JSON.parse(
    readFileSync(join(root, 'tsconfig.base.json'), 'utf8'),
  ) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const alias = Object.fromEntries(
    // `$`: exact matches, so `@trellis/contracts` does not capture `@trellis/contracts/core`.
    Object.entries(compilerOptions.paths).map(([name, [target]]) => [
      `${name}$`,
      join(root, target),
    ]),
  );
  return {
    webpackConfigHook: (config) => ({
      ...config,
      // One file: an `import()` in workflow code (the contracts' schemas, loaded by the
      // engagement workflow only) is bundled in, not split into a chunk to fetch.
      module: {
        ...config.module,
        parser: {
          ...config.module?.parser,
          javascript: { ...config.module?.parser?.javascript, dynamicImportMode: 'eager' },
        },
      },
      resolve: {
        ...config.resolve,
        alias: { ...(config.resolve?.alias as object | undefined), ...alias },
      },
    }),
  };
}
