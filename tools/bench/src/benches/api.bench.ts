import { mongoUrlForDatabase, resolveEndpoints } from '@trellis/testing';
import Fastify from 'fastify';
import { MongoClient } from 'mongodb';
import type { AddressInfo } from 'node:net';
import { envInt, type Bench } from '../context';
import { runConcurrently, type ThroughputResult } from '../stats';

/** GETs `url` (with `headers`) and fails unless it answers 200; the body is read. */
async function get(url: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200)
    throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 200)}`);
}

function merge(
  a: ThroughputResult | undefined,
  b: ThroughputResult,
  p99s: number[],
  p50s: number[],
) {
  p50s.push(b.latency.p50);
  p99s.push(b.latency.p99);
  const count = (a?.count ?? 0) + b.count;
  const seconds = (a?.seconds ?? 0) + b.seconds;
  return { count, seconds, perSecond: count / seconds, latency: b.latency };
}

const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;

/**
 * Reading one engagement through the gateway and the engagement service (authentication,
 * scope, decryption) against a bare Fastify route reading the same document with the raw
 * MongoDB driver, alternating rounds with the same HTTP client and concurrency.
 */
export const apiBench: Bench = {
  name: 'api',
  description: 'GET one engagement: gateway + service vs bare Fastify + MongoDB driver',
  async run({ say, setting, system }) {
    const requests = envInt('BENCH_API_REQUESTS', 2000);
    const concurrency = envInt('BENCH_API_CONCURRENCY', 16);
    const rounds = envInt('BENCH_ROUNDS', 2);
    setting('BENCH_API_REQUESTS', requests);
    setting('BENCH_API_CONCURRENCY', concurrency);
    setting('BENCH_ROUNDS', rounds);
    const sys = await system();
    const engagementId = await sys.openEngagement();
    const gatewayUrl = `${sys.running.gatewayUrl}/api/engagement/engagements/${engagementId}`;
    const auth = { authorization: `Bearer ${sys.pm.bearerToken}` };

    const mongo = new MongoClient(
      mongoUrlForDatabase(resolveEndpoints().mongoUrl, sys.databaseOf('engagement-service')),
    );
    await mongo.connect();
    const bare = Fastify({ logger: false });
    const engagements = mongo.db().collection<{ _id: string }>('engagements');
    bare.get<{ Params: { id: string } }>('/engagements/:id', async (req, reply) => {
      const doc = await engagements.findOne({ _id: req.params.id });
      if (!doc) return reply.code(404).send({ code: 'NOT_FOUND' });
      return doc;
    });
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/engagements/${engagementId}`;
    try {
      await get(bareUrl, {}); // the document is there (the same one the service reads)
      await runConcurrently(200, concurrency, () => get(gatewayUrl, auth));
      await runConcurrently(200, concurrency, () => get(bareUrl, {}));
      let service: ThroughputResult | undefined;
      let baseline: ThroughputResult | undefined;
      const p = {
        s50: [] as number[],
        s99: [] as number[],
        b50: [] as number[],
        b99: [] as number[],
      };
      const perRound = Math.ceil(requests / rounds);
      for (let round = 1; round <= rounds; round++) {
        const s = await runConcurrently(
          perRound,
          concurrency,
          () => get(gatewayUrl, auth),
          (d) => say(`round ${round} gateway ${d}/${perRound}`),
        );
        const b = await runConcurrently(
          perRound,
          concurrency,
          () => get(bareUrl, {}),
          (d) => say(`round ${round} bare ${d}/${perRound}`),
        );
        service = merge(service, s, p.s99, p.s50);
        baseline = merge(baseline, b, p.b99, p.b50);
        say(
          `round ${round}: gateway ${s.perSecond.toFixed(0)} req/s p99 ${s.latency.p99.toFixed(1)} ms; ` +
            `bare ${b.perSecond.toFixed(0)} req/s p99 ${b.latency.p99.toFixed(1)} ms`,
        );
      }
      if (!service || !baseline) throw new Error('no round ran');
      const note = `${concurrency} requests in flight from the benchmark process (fetch, keep-alive), same machine; percentiles: median over ${rounds} rounds`;
      return [
        {
          bench: 'api',
          name: 'requests per second',
          unit: 'req/s',
          value: service.perSecond,
          baseline: { name: 'bare Fastify + driver', value: baseline.perSecond },
          target: { kind: 'min-ratio', limit: 0.5 },
          note,
        },
        {
          bench: 'api',
          name: 'p50 latency',
          unit: 'ms',
          value: median(p.s50),
          baseline: { name: 'bare Fastify + driver', value: median(p.b50) },
        },
        {
          bench: 'api',
          name: 'p99 latency',
          unit: 'ms',
          value: median(p.s99),
          baseline: { name: 'bare Fastify + driver', value: median(p.b99) },
          target: { kind: 'max-ratio', limit: 2 },
        },
      ];
    } finally {
      await bare.close();
      await mongo.close();
    }
  },
};
