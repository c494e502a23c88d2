// Build step: bundles the deterministic workflow code once, so production workers load a
// ready bundle (WORKFLOW_BUNDLE_PATH) instead of running webpack at start-up.
//   node -r ./tools/scripts/register-aliases.cjs dist/out-tsc/apps/orchestrator/src/worker/bundle-workflows.js <out.js>
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { workflowBundlerOptions, workflowsSourcePath, workspaceRoot } from './workflow-bundle';

async function main(): Promise<void> {
  const root = workspaceRoot();
  const out = resolve(root, process.argv[2] ?? 'dist/workflow-bundle/capacity-building.js');
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsSourcePath(root),
    ...workflowBundlerOptions(root),
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  process.stdout.write(
    `workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB) in ${Date.now() - started} ms\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bundling workflows failed: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
