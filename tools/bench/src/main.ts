// First: @trellis/testing from source (see the file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot, type Bench, type BenchSystem } from './context';
import { evaluate, machineInfo, renderMarkdown, type BenchSummary } from './report';
import { apiBench } from './benches/api.bench';
import { eventLagBench } from './benches/event-lag.bench';
import { reminderLatencyBench } from './benches/reminders.bench';
import { memoryBench, startsBench } from './benches/workflows.bench';
import { pickBenches } from './cli';
import { startBenchSystem } from './system';

/*
 * `npm run bench`: runs each benchmark in turn (`--only starts,memory` to pick some), printing
 * progress, and writes dist/bench/summary.json and dist/bench/summary.md: each figure beside
 * the baseline measured in the same run, the ratio, the target and whether it was met, and the
 * machine. Sizes come from the environment (see tools/bench/README.md). A failing benchmark is
 * reported in the summary and makes the run exit 1; the others still run.
 */

const BENCHES: readonly Bench[] = [
  apiBench,
  eventLagBench,
  reminderLatencyBench,
  startsBench,
  memoryBench,
];

async function main(): Promise<void> {
  const benches = pickBenches(process.argv.slice(2), BENCHES);
  const started = Date.now();
  const summary: BenchSummary = {
    at: new Date().toISOString(),
    machine: machineInfo(),
    figures: [],
    settings: {},
    failures: [],
    durationSeconds: 0,
  };
  const m = summary.machine;
  process.stdout.write(
    `[bench] ${benches.map((b) => b.name).join(', ')} on ${m.cpu} (${m.cores} cores), ${m.memoryGiB} GiB, Node ${m.node}\n`,
  );
  let system: Promise<BenchSystem> | undefined;
  for (const [i, bench] of benches.entries()) {
    const say = (line: string) =>
      process.stdout.write(
        `[bench ${i + 1}/${benches.length} ${bench.name} ${Math.round((Date.now() - started) / 1000)}s] ${line}\n`,
      );
    say(bench.description);
    const settings: Record<string, number | string | boolean> = {};
    try {
      const figures = (
        await bench.run({
          say,
          setting: (name, value) => (settings[name] = value),
          system: () => (system ??= startBenchSystem(say)),
        })
      ).map(evaluate);
      summary.figures.push(...figures);
      for (const f of figures) {
        say(
          `${f.name}: ${f.value.toFixed(1)} ${f.unit}` +
            (f.baseline ? ` vs ${f.baseline.value.toFixed(1)} (${f.baseline.name})` : '') +
            (f.ratio === undefined ? '' : `, ratio ${f.ratio.toFixed(2)}`) +
            (f.met === undefined ? '' : f.met ? ' — target met' : ' — target NOT met'),
        );
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      summary.failures.push({ bench: bench.name, error });
      say(`failed: ${error}`);
    }
    summary.settings[bench.name] = settings;
  }
  if (system) {
    process.stdout.write('[bench] stopping the apps…\n');
    await system.then((s) => s.running.stop()).catch(() => undefined);
  }
  summary.durationSeconds = (Date.now() - started) / 1000;
  const out = join(workspaceRoot, 'dist', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(out, 'summary.md'), renderMarkdown(summary));
  process.stdout.write(`\n${renderMarkdown(summary)}\n[bench] written ${out}/summary.{json,md}\n`);
  process.exit(summary.failures.length > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
