import { Client, Connection } from '@temporalio/client';
import { TOPICS } from '@trellis/contracts';
import { resolveEndpoints, testKafka, TopicWatcher } from '@trellis/testing';
import type { Kafka } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { envInt, startWorkerProcess, type Bench, type BenchSystem } from '../context';
import type { Figure } from '../report';
import { runConcurrently, sleep, summarise, type LatencySummary } from '../stats';

/** One deadline of a round: its id and the instant its timer is due. */
export interface Deadline {
  id: string;
  at: number;
}

/**
 * `count` deadlines spread evenly over `windowMs` from `start` (the first at `start`, the last
 * just before `start + windowMs`).
 */
export function deadlinesInWindow(count: number, start: number, windowMs: number): Deadline[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    at: start + Math.floor((i * windowMs) / count),
  }));
}

/**
 * Latencies from each deadline's instant to its arrival; throws when some have not arrived
 * (the caller waited long enough).
 */
export function arrivalLatencies(
  deadlines: readonly Deadline[],
  arrivals: ReadonlyMap<string, number>,
): LatencySummary {
  const missing = deadlines.filter((d) => !arrivals.has(d.id));
  if (missing.length > 0) throw new Error(`${missing.length} of ${deadlines.length} never arrived`);
  return summarise(deadlines.map((d) => (arrivals.get(d.id) ?? Number.NaN) - d.at));
}

/** Where a round's arrivals are read: `{ id → arrival time }` of those already there. */
type ArrivalReader = (ids: readonly string[]) => Promise<Map<string, number>>;

interface Round {
  label: string;
  /** Starts the workflow of one deadline. */
  start(deadline: Deadline): Promise<unknown>;
  /**
   * Waits (at most until `until`) for the system to finish what the starts caused, so the
   * window measures the reminders, not a backlog; returns how much was still left.
   */
  settle?(until: number): Promise<number>;
  arrivals: ArrivalReader;
  /** Closes what the round left open. */
  cleanup(deadlines: readonly Deadline[]): Promise<void>;
}

/**
 * Runs one round: starts a workflow per deadline (all due in one window that begins after a
 * lead-in long enough to start them), waits until every one has arrived, returns the latencies.
 */
async function runRound(
  round: Round,
  options: { count: number; windowMs: number; leadInMs: number; concurrency: number },
  say: (line: string) => void,
  onArrived?: (deadlines: readonly Deadline[]) => void,
): Promise<LatencySummary> {
  const windowStart = Date.now() + options.leadInMs;
  const deadlines = deadlinesInWindow(options.count, windowStart, options.windowMs);
  try {
    const started = await runConcurrently(
      deadlines.length,
      options.concurrency,
      (i) => round.start(deadlines[i]),
      (d) => say(`${round.label}: ${d}/${deadlines.length} started`),
    );
    if (Date.now() >= windowStart) {
      throw new Error(
        `starting ${deadlines.length} workflows took ${started.seconds.toFixed(0)} s, past the window: raise BENCH_REMINDER_LEAD_IN_MS`,
      );
    }
    say(
      `${round.label}: ${deadlines.length} started in ${started.seconds.toFixed(0)} s; the window opens in ${Math.round((windowStart - Date.now()) / 1000)} s`,
    );
    if (round.settle) {
      const left = await round.settle(windowStart - 1000);
      say(
        left === 0
          ? `${round.label}: settled before the window`
          : `${round.label}: NOT settled when the window opened (${left} messages behind): raise BENCH_REMINDER_LEAD_IN_MS`,
      );
    }
    const arrived = new Map<string, number>();
    const deadline = windowStart + options.windowMs + 300_000;
    let reported = 0;
    while (arrived.size < deadlines.length) {
      if (Date.now() > deadline) {
        throw new Error(
          `${round.label}: ${deadlines.length - arrived.size} deadlines had not arrived 5 minutes after the window`,
        );
      }
      await sleep(Date.now() < windowStart ? Math.min(1000, windowStart - Date.now()) : 500);
      if (Date.now() < windowStart) continue;
      const pending = deadlines.filter((d) => !arrived.has(d.id)).map((d) => d.id);
      for (const [id, at] of await round.arrivals(pending)) arrived.set(id, at);
      if (arrived.size - reported >= deadlines.length / 4 || arrived.size === deadlines.length) {
        reported = arrived.size;
        say(`${round.label}: ${arrived.size}/${deadlines.length} arrived`);
      }
    }
    onArrived?.(deadlines);
    return arrivalLatencies(deadlines, arrived);
  } finally {
    await round.cleanup(deadlines).catch(() => undefined);
  }
}

/** Arrival times of the bare workflow's `arrivals` documents (their `recordedAt`). */
function bareArrivals(db: Db): ArrivalReader {
  return async (ids) => {
    const docs = await db
      .collection<{ _id: string; recordedAt: Date }>('arrivals')
      .find({ _id: { $in: [...ids] } })
      .toArray();
    return new Map(docs.map((d) => [d._id, d.recordedAt.getTime()]));
  };
}

/**
 * Arrival times of the `lead` reminders in the coaching service's inboxes (`notifications`:
 * the notification's `createdAt`, stamped by the service when it inserts it); the deadline id
 * is the obligation id.
 */
function inboxArrivals(db: Db): ArrivalReader {
  return async (ids) => {
    const docs = await db
      .collection<{ obligationId: string; stage?: string; createdAt: Date }>('notifications')
      .find({ obligationId: { $in: [...ids] }, kind: 'reminder', stage: 'lead' })
      .project<{ obligationId: string; createdAt: Date }>({ obligationId: 1, createdAt: 1 })
      .toArray();
    return new Map(docs.map((d) => [d.obligationId, d.createdAt.getTime()]));
  };
}

/** Messages of `groupId` not yet consumed on `topic` (end offsets minus committed). */
async function consumerLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const done = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce(
      (lag, p) => lag + Math.max(0, Number(p.high) - Math.max(0, done.get(p.partition) ?? 0)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * When each `lead` reminder reached Kafka (the message's producer timestamp: the orchestrator's
 * `publishReminder` activity), by obligation id, to split the latency into timer → Kafka and
 * Kafka → inbox.
 */
function publishedReminders(watcher: TopicWatcher): Map<string, number> {
  return new Map(
    watcher
      .all('reminders.reminder.due')
      .flatMap((r) =>
        r.event.type === 'reminders.reminder.due' && r.event.payload.stage === 'lead'
          ? [[r.event.payload.obligationId, r.producedAt] as const]
          : [],
      ),
  );
}

/**
 * The input of `obligationDeadlineWorkflow` (libs/workflows; this tool may not import it) for one
 * benchmark deadline: its `lead` reminder is due at `at`.
 */
export function deadlineInput(cast: BenchSystem['cast'], deadline: Deadline) {
  return {
    engagementId: randomUUID(),
    organisationId: cast.organisationId,
    unitId: cast.unitId,
    obligationId: deadline.id,
    obligationKind: 'follow-up',
    assigneeId: cast.officerId,
    programManagerId: cast.programManagerId,
    // The lead reminder one hour before the due instant, the escalation a week after it: only
    // the lead reminder falls in the benchmark's window.
    dueAt: new Date(deadline.at + 3_600_000).toISOString(),
    reminderLeadTime: 'PT1H',
    escalationGracePeriod: 'P7D',
    revision: 1,
  };
}

/**
 * Reminder latency: `BENCH_REMINDERS` deadlines falling in one window of
 * `BENCH_REMINDER_WINDOW_MS`, from the instant each timer is due to its entry in the assignee's
 * inbox — the real path: the orchestrator's `obligationDeadlineWorkflow` (on the running
 * system's worker) → `publishReminder` → Kafka → coaching service → `notifications` — against
 * a bare sleep-then-activity workflow on a worker process with the orchestrator's settings whose
 * activity writes one document to the same MongoDB server. Rounds alternate (bare first).
 */
export const reminderLatencyBench: Bench = {
  name: 'reminders',
  description: 'reminder latency: deadline timer → inbox entry vs bare sleep-then-activity',
  async run({ say, setting, system }) {
    const count = envInt('BENCH_REMINDERS', 1000);
    const windowMs = envInt('BENCH_REMINDER_WINDOW_MS', 10_000);
    const leadInMs = envInt('BENCH_REMINDER_LEAD_IN_MS', Math.max(30_000, count * 90));
    const concurrency = envInt('BENCH_CONCURRENCY', 32);
    const rounds = envInt('BENCH_REMINDER_ROUNDS', 1);
    setting('BENCH_REMINDERS', count);
    setting('BENCH_REMINDER_WINDOW_MS', windowMs);
    setting('BENCH_REMINDER_LEAD_IN_MS', leadInMs);
    setting('BENCH_REMINDER_ROUNDS', rounds);
    const sys = await system();
    const { temporalAddress, mongoUrl } = resolveEndpoints();
    const { namespace, taskQueue } = sys.running.temporal;
    const suffix = randomUUID().slice(0, 8);
    const arrivalsDb = `bench_arrivals_${suffix}`;
    const baselineQueue = `bench-reminders-${suffix}`;
    say('starting the baseline worker process (bundling the benchmark workflows)…');
    const worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: baselineQueue,
      BENCH_WORKFLOWS: 'bare',
      BENCH_ARRIVALS_MONGO_URL: mongoUrl,
      BENCH_ARRIVALS_DB: arrivalsDb,
    });
    const connection = await Connection.connect({ address: temporalAddress });
    const client = new Client({ connection, namespace });
    const mongo = new MongoClient(mongoUrl);
    const kafka = testKafka();
    const watcher = await TopicWatcher.start(kafka, TOPICS.reminders);
    try {
      await mongo.connect();
      const bare: Round = {
        label: 'bare',
        start: (d) =>
          client.workflow.start('sleepThenActivityWorkflow', {
            taskQueue: baselineQueue,
            workflowId: `bench-bare-${d.id}`,
            args: [{ id: d.id, at: new Date(d.at).toISOString() }],
          }),
        arrivals: bareArrivals(mongo.db(arrivalsDb)),
        cleanup: () => Promise.resolve(),
      };
      const reminders: Round = {
        label: 'reminders',
        start: (d) =>
          client.workflow.start('obligationDeadlineWorkflow', {
            taskQueue,
            workflowId: `bench-reminder-${d.id}`,
            args: [deadlineInput(sys.cast, d)],
          }),
        // The starts published 1,000 obligation-opened events: the coaching service reads them first.
        settle: async (until) => {
          const group = sys.groupOf('coaching-service');
          let lag = await consumerLag(kafka, group, TOPICS.reminders);
          while (lag > 0 && Date.now() < until) {
            await sleep(1000);
            lag = await consumerLag(kafka, group, TOPICS.reminders);
          }
          return lag;
        },
        arrivals: inboxArrivals(mongo.db(sys.databaseOf('coaching-service'))),
        // The deadlines wait for their due reminder an hour later: end them.
        cleanup: async (deadlines) => {
          await runConcurrently(deadlines.length, concurrency, (i) =>
            client.workflow
              .getHandle(`bench-reminder-${deadlines[i].id}`)
              .terminate('benchmark done')
              .catch(() => undefined),
          );
        },
      };
      const options = { count, windowMs, leadInMs, concurrency };
      const bareRuns: LatencySummary[] = [];
      const reminderRuns: LatencySummary[] = [];
      const toKafkaRuns: LatencySummary[] = [];
      for (let round = 1; round <= rounds; round++) {
        const b = await runRound(bare, options, say);
        say(`round ${round} bare: p50 ${b.p50.toFixed(0)} ms, p99 ${b.p99.toFixed(0)} ms`);
        bareRuns.push(b);
        const r = await runRound(reminders, options, say, (deadlines) => {
          toKafkaRuns.push(arrivalLatencies(deadlines, publishedReminders(watcher)));
        });
        const k = toKafkaRuns[toKafkaRuns.length - 1];
        say(
          `round ${round} reminders: p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms ` +
            `(timer → Kafka p50 ${k.p50.toFixed(0)} ms, p99 ${k.p99.toFixed(0)} ms)`,
        );
        reminderRuns.push(r);
      }
      // With several rounds: the median round of each side.
      const middle = (runs: LatencySummary[], key: 'p50' | 'p99') =>
        [...runs].sort((a, b) => a[key] - b[key])[Math.floor(runs.length / 2)][key];
      const note = `${count} deadlines due within ${windowMs / 1000} s, ${rounds} round(s) each (median round); the orchestrator's worker vs a bare worker process with the same settings`;
      const figures: Figure[] = [
        {
          bench: 'reminders',
          name: 'reminder latency p50 (timer due → inbox entry)',
          unit: 'ms',
          value: middle(reminderRuns, 'p50'),
          baseline: { name: 'bare sleep-then-activity', value: middle(bareRuns, 'p50') },
          note,
        },
        {
          bench: 'reminders',
          name: 'reminder latency p99 (timer due → inbox entry)',
          unit: 'ms',
          value: middle(reminderRuns, 'p99'),
          baseline: { name: 'bare sleep-then-activity', value: middle(bareRuns, 'p99') },
          target: { kind: 'max-ratio', limit: 1.5 },
          note: `max ${Math.max(...reminderRuns.map((r) => r.max)).toFixed(0)} ms vs bare ${Math.max(...bareRuns.map((r) => r.max)).toFixed(0)} ms`,
        },
        {
          bench: 'reminders',
          name: 'reminder latency p99 to Kafka (timer due → reminder event published)',
          unit: 'ms',
          value: middle(toKafkaRuns, 'p99'),
          baseline: { name: 'bare sleep-then-activity', value: middle(bareRuns, 'p99') },
          note: `the workflow-and-activity part of the latency (p50 ${middle(toKafkaRuns, 'p50').toFixed(0)} ms); the rest is Kafka → coaching service → inbox`,
        },
      ];
      return figures;
    } finally {
      await watcher.stop().catch(() => undefined);
      await worker.stop();
      await connection.close();
      await mongo
        .db(arrivalsDb)
        .dropDatabase()
        .catch(() => undefined);
      await mongo.close();
    }
  },
};
