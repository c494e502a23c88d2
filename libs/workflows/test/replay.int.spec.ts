import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { workflowIdForEngagement } from '@trellis/contracts';
import {
  DEADLINE_PATCHES,
  capacityBuildingSignals,
  capacityBuildingWorkflow,
  obligationClosedSignal,
  obligationDeadlineWorkflow,
  type ObligationDeadlineInput,
} from '../src/index';
import {
  DAY,
  agreementTerms,
  bundleWorkflows,
  engagementInput,
  signalArgs,
  callsOf,
  eventually,
  recordingActivities,
  testWorker,
  timeSkippingTestEnvironment,
  withTrellisAliases,
} from './workflow-test-kit';

/*
 * Replay: a history recorded by the code BEFORE the `skipLateLeadReminder` patch must replay
 * on the current (patched) code, and must FAIL on the same change shipped without `patched()`.
 * The "before" and "unpatched" variants are generated from the current source by replacing
 * the patch call, bundled from a scratch copy under the workspace `tmp/` (git- and lint-ignored).
 */

const PATCH_CALL = `patched(DEADLINE_PATCHES.skipLateLeadReminder)`;
const workspaceRoot = resolve(__dirname, '..', '..', '..');
const scratch = join(workspaceRoot, 'tmp', `workflows-replay-${randomUUID()}`);

/** Bundles a copy of `src/` whose patch call is replaced by `replacement`. */
function bundleVariant(name: string, replacement: string): Promise<WorkflowBundleWithSourceMap> {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  cpSync(join(__dirname, '..', 'src'), dir, { recursive: true });
  const file = join(dir, 'obligation-deadline.workflow.ts');
  const source = readFileSync(file, 'utf8');
  if (!source.includes(PATCH_CALL)) throw new Error('the patch call moved: update this test');
  writeFileSync(file, source.replace(PATCH_CALL, replacement));
  return bundleWorkflowCode({
    workflowsPath: join(dir, 'index.ts'),
    webpackConfigHook: withTrellisAliases,
    logger: new DefaultLogger('WARN'),
  });
}

let env: TestWorkflowEnvironment;
let current: WorkflowBundleWithSourceMap;
let beforePatch: WorkflowBundleWithSourceMap;
let unpatched: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, current, beforePatch, unpatched] = await Promise.all([
    timeSkippingTestEnvironment(),
    bundleWorkflows(),
    bundleVariant('before-patch', 'false'),
    bundleVariant('unpatched', 'true'),
  ]);
});

afterAll(async () => {
  await env?.teardown();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs an obligation opened after its due instant on `bundle` and returns its history. */
async function recordLateObligation(bundle: WorkflowBundleWithSourceMap) {
  const { activities, calls } = recordingActivities();
  const { worker, taskQueue } = await testWorker(env, bundle, activities);
  const now = await env.currentTimeMs();
  const input: ObligationDeadlineInput = {
    engagementId: 'eng-replay',
    organisationId: 'org-1',
    unitId: 'desk-1',
    obligationId: 'risk-assessment-1',
    obligationKind: 'risk-assessment',
    assigneeId: 'officer-1',
    programManagerId: 'pm-1',
    dueAt: new Date(now - DAY).toISOString(),
    reminderLeadTime: 'P3D',
    escalationGracePeriod: 'P2D',
    revision: 1,
  };
  const handle = await env.client.workflow.start(obligationDeadlineWorkflow, {
    taskQueue,
    workflowId: `replay-${randomUUID()}`,
    args: [input],
  });
  return worker.runUntil(async () => {
    await eventually(() => expect(callsOf(calls, 'publishReminder').length).toBeGreaterThan(0));
    await handle.signal(obligationClosedSignal, { outcome: 'cancelled', reason: 'superseded' });
    await handle.result();
    return {
      history: await handle.fetchHistory(),
      stages: callsOf(calls, 'publishReminder').map((c) => c.payload['stage']),
    };
  });
}

describe('replay of obligationDeadlineWorkflow histories', () => {
  it('replays a history of the current code on the current code', async () => {
    const { history, stages } = await recordLateObligation(current);
    expect(stages).toEqual(['due']);
    await expect(
      Worker.runReplayHistory({ workflowBundle: current }, history),
    ).resolves.toBeUndefined();
  });

  it(`replays a pre-patch history on the patched code (${DEADLINE_PATCHES.skipLateLeadReminder})`, async () => {
    const { history, stages } = await recordLateObligation(beforePatch);
    expect(stages).toEqual(['lead', 'due']);
    await expect(
      Worker.runReplayHistory({ workflowBundle: current }, history),
    ).resolves.toBeUndefined();
  });

  it('fails to replay a pre-patch history on the same change shipped without patched()', async () => {
    const { history } = await recordLateObligation(beforePatch);
    await expect(Worker.runReplayHistory({ workflowBundle: unpatched }, history)).rejects.toThrow(
      /[Nn]ondetermin|[Dd]eterminism/,
    );
  });
});

describe('replay of capacityBuildingWorkflow histories', () => {
  it('replays a run through activation, reminders, pause, resume and termination', async () => {
    const { activities, calls } = recordingActivities();
    const { worker, taskQueue } = await testWorker(env, current, activities);
    const now = await env.currentTimeMs();
    const input = engagementInput(now);
    const handle = await env.client.workflow.start(capacityBuildingWorkflow, {
      taskQueue,
      workflowId: workflowIdForEngagement(input.engagementId),
      args: [input, {}],
    });
    const history = await worker.runUntil(async () => {
      const send = async (key: Parameters<typeof signalArgs>[0], fields: Record<string, unknown>) =>
        handle.signal(
          capacityBuildingSignals[key] as never,
          signalArgs(key, await env.currentTimeMs(), fields) as never,
        );
      await send('agreementActivated', {
        agreementId: 'agr-1',
        agreementVersion: 1,
        terms: agreementTerms(now),
      });
      await eventually(() => expect(callsOf(calls, 'setEngagementPhase')).toHaveLength(1));
      await env.sleep(18 * DAY);
      await send('pause', { reason: 'funding' });
      await eventually(() => expect(callsOf(calls, 'setEngagementPhase')).toHaveLength(2));
      await env.sleep(10 * DAY);
      await send('resume', { reason: 'organisation-ready' });
      await eventually(() => expect(callsOf(calls, 'setEngagementPhase')).toHaveLength(3));
      await send('terminate', { reason: 'funding' });
      await handle.result();
      return handle.fetchHistory();
    });
    expect(callsOf(calls, 'publishReminder').length).toBeGreaterThan(0);
    // The workflow id is part of the commands (child ids), so replay needs it.
    await expect(
      Worker.runReplayHistory({ workflowBundle: current }, history, handle.workflowId),
    ).resolves.toBeUndefined();
  });
});
