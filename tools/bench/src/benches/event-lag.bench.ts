import { TOPICS } from '@trellis/contracts';
import { resolveEndpoints, testKafka, TopicWatcher } from '@trellis/testing';
import { MongoClient, type Db } from 'mongodb';
import { envInt, type Bench, type BenchSystem } from '../context';
import type { Figure } from '../report';
import { sleep, summarise, waitUntil } from '../stats';

const CREATED = 'engagement.engagement.created' as const;

/** What the reporting service says of its own lag (projection_state, FreshnessTracker). */
export interface ReportingLag {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  sampleSize: number;
}

/**
 * The reporting read-model probe: the reporting service's own event-to-read-model lag over its
 * last events (`projection_state`, written by its FreshnessTracker), or undefined when the
 * service or its state is not there. Its facts are keyed by pseudonym, so the benchmark cannot
 * watch one engagement arrive; replace this with a per-engagement probe once the reporting API
 * can answer "is engagement X in the read model" (then measure it like the risk projection).
 */
export async function probeReportingReadModel(db: Db): Promise<ReportingLag | undefined> {
  const state = await db
    .collection<{ _id: string; lag?: ReportingLag | null }>('projection_state')
    .findOne({ _id: 'projection' });
  return state?.lag ?? undefined;
}

/**
 * Event lag at a steady rate: engagements opened through the gateway; the lag from each
 * engagement-created event's `occurredAt` (the service's state change, committed with the event
 * in its outbox) to (a) a bare kafkajs consumer receiving it — the baseline: outbox relay plus
 * Kafka — and (b) the risk service's `known_engagements` projection holding it (polled every
 * 25 ms). The reporting service's own lag is added when its read model reports it.
 */
export const eventLagBench: Bench = {
  name: 'events',
  description: 'event lag: state change → projections vs bare kafkajs consumer',
  async run({ say, setting, system }) {
    const rate = envInt('BENCH_EVENT_RATE', 5);
    const seconds = envInt('BENCH_EVENT_SECONDS', 30);
    setting('BENCH_EVENT_RATE', rate);
    setting('BENCH_EVENT_SECONDS', seconds);
    const sys: BenchSystem = await system();
    const projected = new Map<string, number>();
    const opened = new Set<string>();

    const kafka = testKafka();
    const mongo = new MongoClient(resolveEndpoints().mongoUrl);
    let polling = true;
    // The bare consumer: a TopicWatcher from the topic's current end (time of receipt, and the
    // producer timestamp: when the outbox relay sent the event).
    const watcher = await TopicWatcher.start(kafka, TOPICS.engagement);
    /** The engagement-created events received so far, by engagement id. */
    const created = () =>
      new Map(
        watcher
          .all(CREATED)
          .flatMap((r) =>
            r.event.type === CREATED ? [[r.event.payload.engagementId, r] as const] : [],
          ),
      );
    try {
      await mongo.connect();
      const risk = mongo
        .db(sys.databaseOf('risk-service'))
        .collection<{ _id: string }>('known_engagements');
      const poller = (async () => {
        while (polling) {
          const pending = [...opened].filter((id) => !projected.has(id));
          if (pending.length > 0) {
            const found = await risk
              .find({ _id: { $in: pending } }, { projection: { _id: 1 } })
              .toArray();
            const at = Date.now();
            for (const doc of found) projected.set(doc._id, at);
          }
          await sleep(25);
        }
      })();

      const total = rate * seconds;
      const t0 = Date.now();
      const requests: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / rate;
        await sleep(Math.max(0, due - Date.now()));
        requests.push(sys.openEngagement().then((id) => void opened.add(id)));
        if ((i + 1) % (rate * 5) === 0) say(`${i + 1}/${total} engagements opened`);
      }
      await Promise.all(requests);
      await waitUntil(
        () => {
          const received = created();
          return [...opened].every((id) => received.has(id) && projected.has(id));
        },
        60_000,
        'every engagement consumed and projected',
      );
      polling = false;
      await poller;

      const received = created();
      const occurred = (id: string) => Date.parse(received.get(id)?.event.occurredAt ?? '');
      const lag = (seen: (id: string) => number | undefined) =>
        summarise([...opened].map((id) => (seen(id) ?? NaN) - occurred(id)));
      const bare = lag((id) => received.get(id)?.receivedAt);
      const projection = lag((id) => projected.get(id));
      const relay = lag((id) => received.get(id)?.producedAt);
      say(
        `where the time goes: state change → relay sends to Kafka p50 ${relay.p50.toFixed(0)} / p99 ${relay.p99.toFixed(0)} ms; ` +
          `→ bare consumer p50 ${bare.p50.toFixed(0)} / p99 ${bare.p99.toFixed(0)} ms; → projection p50 ${projection.p50.toFixed(0)} / p99 ${projection.p99.toFixed(0)} ms`,
      );
      const note = `${total} engagements at ${rate}/s through the gateway; lag from the event's occurredAt`;
      const figures: Figure[] = [
        {
          bench: 'events',
          name: 'lag p50 to risk projection',
          unit: 'ms',
          value: projection.p50,
          baseline: { name: 'bare kafkajs consumer', value: bare.p50 },
          note,
        },
        {
          bench: 'events',
          name: 'lag p99 to risk projection',
          unit: 'ms',
          value: projection.p99,
          baseline: { name: 'bare kafkajs consumer', value: bare.p99 },
          target: { kind: 'max-value', limit: 1000 },
          note: 'known_engagements polled every 25 ms (adds up to 25 ms)',
        },
        {
          bench: 'events',
          name: 'lag p99 to the relay sending it (producer timestamp)',
          unit: 'ms',
          value: relay.p99,
          note: `state change → outbox relay hands the event to Kafka (the message's producer timestamp); p50 ${relay.p50.toFixed(0)} ms — the part of the lag spent before Kafka`,
        },
      ];
      const reporting = await probeReportingReadModel(
        mongo.db(sys.databaseOf('reporting-service')),
      ).catch(() => undefined);
      if (reporting) {
        figures.push({
          bench: 'events',
          name: 'reporting read-model lag p95 (service-reported)',
          unit: 'ms',
          value: reporting.p95Ms,
          baseline: { name: 'bare kafkajs consumer p99', value: bare.p99 },
          target: { kind: 'max-value', limit: 1000 },
          note: `the reporting service's own occurredAt→applied lag over its last ${reporting.sampleSize} events (p50 ${reporting.p50Ms} ms, max ${reporting.maxMs} ms); it reports p95, not p99`,
        });
      } else say('the reporting read model reports no lag: left out');
      return figures;
    } finally {
      polling = false;
      await watcher.stop().catch(() => undefined);
      await mongo.close();
    }
  },
};
