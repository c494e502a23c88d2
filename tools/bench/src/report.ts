import { cpus, totalmem } from 'node:os';
import { ratio } from './stats';

/** A target: the figure's ratio to its baseline at least / at most `limit`, or its value at most `limit`. */
export type Target =
  | { kind: 'min-ratio'; limit: number }
  | { kind: 'max-ratio'; limit: number }
  | { kind: 'max-value'; limit: number };

/** One measured figure, beside the baseline measured in the same run. */
export interface Figure {
  /** The benchmark it belongs to (`api`, `starts`, …). */
  bench: string;
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  target?: Target;
  /** Anything the reader needs to interpret it (what exactly was measured). */
  note?: string;
}

/** A figure with its ratio and whether its target was met (undefined: no target). */
export interface EvaluatedFigure extends Figure {
  ratio?: number;
  met?: boolean;
}

/** The machine the benchmarks ran on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

/** The whole run: every figure, each benchmark's settings and failures. */
export interface BenchSummary {
  at: string;
  machine: MachineInfo;
  figures: EvaluatedFigure[];
  settings: Record<string, Record<string, number | string | boolean>>;
  failures: Array<{ bench: string; error: string }>;
  durationSeconds: number;
}

/** CPU model and cores, memory, Node version of this machine. */
export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Adds the ratio to the baseline and whether the target is met. */
export function evaluate(figure: Figure): EvaluatedFigure {
  const r = figure.baseline ? ratio(figure.value, figure.baseline.value) : undefined;
  const target = figure.target;
  let met: boolean | undefined;
  if (target?.kind === 'max-value') met = figure.value <= target.limit;
  else if (target && r !== undefined && !Number.isNaN(r)) {
    met = target.kind === 'min-ratio' ? r >= target.limit : r <= target.limit;
  } else if (target) met = false;
  return {
    ...figure,
    ...(r === undefined ? {} : { ratio: r }),
    ...(met === undefined ? {} : { met }),
  };
}

/** A number for people: whole above 100, else up to 3 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-GB');
  return Number(value.toPrecision(3)).toString();
}

/** The target as text, e.g. `≥ 0.5× baseline`, `≤ 1536 MiB`. */
export function describeTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  if (target.kind === 'max-value') return `≤ ${formatNumber(target.limit)} ${unit}`;
  return `${target.kind === 'min-ratio' ? '≥' : '≤'} ${target.limit}× baseline`;
}

/** The Markdown summary: machine, one table row per figure, settings and failures. */
export function renderMarkdown(summary: BenchSummary): string {
  const m = summary.machine;
  const lines = [
    '# Trellis benchmark summary',
    '',
    `Run at ${summary.at} in ${Math.round(summary.durationSeconds)} s on ${m.cpu} (${m.cores} cores), ` +
      `${m.memoryGiB} GiB memory, Node ${m.node}, ${m.platform}.`,
    '',
    '| Bench | Figure | Value | Baseline | Ratio | Target | Met |',
    '| --- | --- | ---: | --- | ---: | --- | :---: |',
    ...summary.figures.map((f) =>
      [
        '',
        f.bench,
        f.name,
        `${formatNumber(f.value)} ${f.unit}`,
        f.baseline ? `${formatNumber(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '',
        f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`,
        describeTarget(f.target, f.unit),
        f.met === undefined ? '' : f.met ? 'yes' : '**no**',
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
  const notes = summary.figures.filter((f) => f.note);
  if (notes.length > 0) {
    lines.push('', '## Notes', '', ...notes.map((f) => `- ${f.bench} / ${f.name}: ${f.note}`));
  }
  const settings = Object.entries(summary.settings);
  if (settings.length > 0) {
    lines.push(
      '',
      '## Settings',
      '',
      ...settings.map(
        ([bench, values]) =>
          `- ${bench}: ${Object.entries(values)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')}`,
      ),
    );
  }
  if (summary.failures.length > 0) {
    lines.push('', '## Failures', '', ...summary.failures.map((f) => `- ${f.bench}: ${f.error}`));
  }
  return `${lines.join('\n')}\n`;
}
