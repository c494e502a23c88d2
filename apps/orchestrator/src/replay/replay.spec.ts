// Replays the committed histories (recorded from real runs by `npm run record:histories`)
// against the current workflow code: a change to the workflows that is not guarded by
// patched() makes these fail. No server is needed.
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowBundlerOptions, workflowsSourcePath } from '../worker/workflow-bundle';
import { scenarios } from './scenarios';

const dir = join(__dirname, '..', '..', 'test', 'histories');
const workflowIds = new Map(scenarios().map((s) => [`${s.name}.json`, s.workflowId]));
const histories = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    name: f,
    workflowId: workflowIds.get(f) ?? f,
    history: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown,
  }));

const replay = (workflowsPath: string, h: { history: unknown; workflowId: string }) =>
  Worker.runReplayHistory(
    { workflowsPath, bundlerOptions: workflowBundlerOptions() },
    h.history,
    h.workflowId,
  );

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(histories.map((h) => h.name).sort()).toEqual([
      'engagement-lifecycle.json',
      'paused-and-terminated.json',
    ]);
  });

  it.each(histories)('$name replays with the current workflow code', async (h) => {
    await expect(replay(workflowsSourcePath(), h)).resolves.toBeUndefined();
  });

  it('fails for a change shipped without patched()', async () => {
    const unpatched = require.resolve('../testing/unpatched-change.workflows');
    await expect(replay(unpatched, histories[0])).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('passes for the same change behind patched()', async () => {
    const patchedChange = require.resolve('../testing/patched-change.workflows');
    await expect(replay(patchedChange, histories[0])).resolves.toBeUndefined();
  });
});
