import { Client, Connection } from '@temporalio/client';
import { EngagementCreatedV1, eventFixture, workflowStartFromEvent } from '@trellis/contracts';
import { resolveEndpoints } from '@trellis/testing';
import { randomUUID } from 'node:crypto';
import { envInt, startWorkerProcess, type Bench } from '../context';
import type { Figure } from '../report';
import { runConcurrently, sleep } from '../stats';

/** The workflow start of a fresh engagement (the engagement-created fixture with a new id). */
export function engagementStart() {
  const fixture = eventFixture(EngagementCreatedV1);
  const id = randomUUID();
  const event = JSON.parse(
    JSON.stringify(fixture).replaceAll(fixture.payload.engagementId, id),
  ) as typeof fixture;
  const start = workflowStartFromEvent({ ...event, id: randomUUID() });
  if (!start) throw new Error('no workflow start for the engagement-created fixture');
  return start;
}

async function temporalClient() {
  const { temporalAddress, temporalNamespace } = resolveEndpoints();
  const connection = await Connection.connect({ address: temporalAddress });
  return {
    address: temporalAddress,
    namespace: temporalNamespace,
    connection,
    client: new Client({ connection, namespace: temporalNamespace }),
  };
}

function startEngagement(client: Client, taskQueue: string, prefix: string) {
  const s = engagementStart();
  return client.workflow.start(s.workflowType, {
    taskQueue,
    workflowId: `${prefix}-${s.workflowId}`,
    args: [s.input],
  });
}

/**
 * Workflow starts per second for engagements against a trivial workflow (open until signalled),
 * both on the same worker process in the same run, alternating rounds so drift hits both.
 */
export const startsBench: Bench = {
  name: 'starts',
  description: 'workflow starts per second: engagement vs trivial workflow',
  async run({ say, setting }) {
    const starts = envInt('BENCH_STARTS', 300);
    const concurrency = envInt('BENCH_CONCURRENCY', 32);
    const rounds = envInt('BENCH_ROUNDS', 2);
    setting('BENCH_STARTS', starts);
    setting('BENCH_CONCURRENCY', concurrency);
    setting('BENCH_ROUNDS', rounds);
    const temporal = await temporalClient();
    const taskQueue = `bench-starts-${randomUUID().slice(0, 8)}`;
    say('starting a worker process (bundling the benchmark workflows)…');
    const worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BENCH_WORKFLOWS: 'bench',
    });
    const ids: string[] = [];
    try {
      const { client } = temporal;
      const trivial = (prefix: string) => () => {
        const workflowId = `${prefix}-${randomUUID()}`;
        ids.push(workflowId);
        return client.workflow.start('trivialWorkflow', { taskQueue, workflowId });
      };
      await runConcurrently(20, concurrency, trivial('bench-warm'));
      let trivialSeconds = 0;
      let engagementSeconds = 0;
      const perRound = Math.ceil(starts / rounds);
      for (let round = 1; round <= rounds; round++) {
        const t = await runConcurrently(perRound, concurrency, trivial('bench-trivial'), (d) =>
          say(`round ${round} trivial ${d}/${perRound}`),
        );
        const e = await runConcurrently(
          perRound,
          concurrency,
          () => startEngagement(client, taskQueue, 'bench-starts'),
          (d) => say(`round ${round} engagement ${d}/${perRound}`),
        );
        trivialSeconds += t.seconds;
        engagementSeconds += e.seconds;
        say(
          `round ${round}: engagement ${(perRound / e.seconds).toFixed(1)}/s, trivial ${(perRound / t.seconds).toFixed(1)}/s`,
        );
      }
      const total = perRound * rounds;
      // The trivial workflows stay open until signalled: close them.
      await runConcurrently(ids.length, concurrency, (i) =>
        client.workflow.getHandle(ids[i]).signal('close'),
      ).catch(() => undefined);
      return [
        {
          bench: 'starts',
          name: 'engagement workflow starts',
          unit: 'starts/s',
          value: total / engagementSeconds,
          baseline: { name: 'trivial workflow', value: total / trivialSeconds },
          target: { kind: 'min-ratio', limit: 0.8 },
          note: `client.workflow.start with ${concurrency} in flight, one worker process; the engagements are left open on a throw-away task queue`,
        },
      ];
    } finally {
      await worker.stop();
      await temporal.connection.close();
    }
  },
};

/**
 * Memory of a worker process started like production (prebuilt bundle, the orchestrator's
 * default cache size unless WORKER_MAX_CACHED_WORKFLOWS is set) once BENCH_OPEN engagements
 * are open on it, against the same worker process idle.
 */
export const memoryBench: Bench = {
  name: 'memory',
  description: 'worker process memory with open engagements',
  async run({ say, setting }) {
    const open = envInt('BENCH_OPEN', 10_000);
    const concurrency = envInt('BENCH_CONCURRENCY', 32);
    const settleMs = envInt('BENCH_SETTLE_MS', 15_000);
    const temporal = await temporalClient();
    const taskQueue = `bench-memory-${randomUUID().slice(0, 8)}`;
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BENCH_WORKFLOWS: 'production',
    };
    const worker = await startWorkerProcess(env);
    setting('BENCH_OPEN', open);
    setting('maxCachedWorkflows', worker.ready.maxCachedWorkflows);
    setting('reuseV8Context', worker.ready.reuseV8Context);
    setting('workflowHeapMb', worker.ready.workflowHeapMb);
    const mib = (bytes: number) => bytes / 1024 / 1024;
    try {
      await sleep(2000);
      const idle = await worker.memory();
      say(`idle worker RSS ${mib(idle.rss).toFixed(0)} MiB; starting ${open} engagements…`);
      const started = await runConcurrently(
        open,
        concurrency,
        () => startEngagement(temporal.client, taskQueue, 'bench-open'),
        (d) => say(`open engagements ${d}/${open}`),
      );
      say(`${open} started in ${started.seconds.toFixed(0)} s; letting the worker settle…`);
      let peak = 0;
      for (let waited = 0; waited < settleMs; waited += 2500) {
        await sleep(2500);
        peak = Math.max(peak, (await worker.memory()).rss);
      }
      const loaded = await worker.memory();
      peak = Math.max(peak, loaded.rss);
      say(`worker RSS ${mib(loaded.rss).toFixed(0)} MiB (peak ${mib(peak).toFixed(0)} MiB)`);
      const figures: Figure[] = [
        {
          bench: 'memory',
          name: `worker RSS, ${open.toLocaleString('en-GB')} open engagements`,
          unit: 'MiB',
          value: mib(peak),
          baseline: { name: 'same worker idle', value: mib(idle.rss) },
          target: { kind: 'max-value', limit: 1536 },
          note:
            `peak RSS of a separate worker process (prebuilt bundle, cache ${worker.ready.maxCachedWorkflows}, ` +
            `reuseV8Context ${worker.ready.reuseV8Context}, workflow heap ${worker.ready.workflowHeapMb || 'V8 default'} MiB) sampled during ${settleMs / 1000} s after the starts; ` +
            `heap used at the end ${mib(loaded.heapUsed).toFixed(0)} MiB`,
        },
      ];
      return figures;
    } finally {
      await worker.stop();
      await temporal.connection.close();
    }
  },
};
