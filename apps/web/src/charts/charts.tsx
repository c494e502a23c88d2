import { useId } from 'react';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { linePath, linearScale, niceMax, percentages, ticks } from './chart-math';

/*
 * Small accessible SVG charts: every figure has a caption, an SVG `<title>` and `<desc>`
 * (role="img"), visible value labels, and the same numbers as a table behind "Show as table".
 */

/** Axis labels at the ends of the axis are anchored inwards so they are not cut off. */
function edgeAnchor(index: number, count: number): 'start' | 'middle' | 'end' {
  if (count < 2) return 'middle';
  if (index === 0) return 'start';
  return index === count - 1 ? 'end' : 'middle';
}

/** One value of a bar or line chart. */
export interface Datum {
  label: string;
  value: number;
  /** Extra CSS class of the bar or point (e.g. `level-high`). */
  tone?: string;
}

function Figure({
  title,
  chart,
  table,
  testId,
}: {
  title: string;
  chart: (ids: { titleId: string; descId: string }) => ReactNode;
  table: ReactNode;
  testId?: string | undefined;
}) {
  const { t } = useI18n();
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {chart({ titleId, descId })}
      <details className="chart-table">
        <summary>{t('chart.showTable')}</summary>
        {table}
      </details>
    </figure>
  );
}

function DataTable({
  caption,
  headers,
  rows,
}: {
  caption: string;
  headers: readonly string[];
  rows: ReadonlyArray<readonly ReactNode[]>;
}) {
  return (
    <table className="table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) =>
              j === 0 ? (
                <th key={j} scope="row">
                  {cell}
                </th>
              ) : (
                <td key={j}>{cell}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Horizontal bars: readable on a phone, long labels welcome. */
export function BarChart({
  title,
  description,
  data,
  max,
  valueLabel,
  format = (v) => String(v),
  testId,
}: {
  title: string;
  description: string;
  data: readonly Datum[];
  max?: number;
  valueLabel: string;
  format?: (value: number) => string;
  testId?: string;
}) {
  const rowHeight = 28;
  const labelWidth = 230;
  const width = 480;
  const height = Math.max(1, data.length) * rowHeight + 8;
  const top = max ?? niceMax(Math.max(0, ...data.map((d) => d.value)));
  const x = linearScale([0, top], [0, width - labelWidth - 60]);
  return (
    <Figure
      title={title}
      testId={testId}
      chart={({ titleId, descId }) => (
        <svg
          className="chart-svg"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
        >
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          {data.map((d, i) => {
            const y = i * rowHeight + 4;
            const w = Math.max(0, x(Math.min(d.value, top)));
            return (
              <g key={`${d.label}-${i}`}>
                <text
                  x={labelWidth - 8}
                  y={y + rowHeight / 2}
                  className="chart-label"
                  textAnchor="end"
                >
                  {d.label.length > 28 ? `${d.label.slice(0, 27)}…` : d.label}
                </text>
                <rect
                  x={labelWidth}
                  y={y + 4}
                  width={w}
                  height={rowHeight - 10}
                  className={`chart-bar ${d.tone ?? ''}`}
                />
                <text x={labelWidth + w + 6} y={y + rowHeight / 2} className="chart-value">
                  {format(d.value)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      table={
        <DataTable
          caption={title}
          headers={['', valueLabel]}
          rows={data.map((d) => [d.label, format(d.value)])}
        />
      }
    />
  );
}

/** A trend over time: points joined by a line, one label per point on the x axis. */
export function LineChart({
  title,
  description,
  data,
  max,
  valueLabel,
  format = (v) => String(v),
  testId,
}: {
  title: string;
  description: string;
  data: readonly Datum[];
  max?: number;
  valueLabel: string;
  format?: (value: number) => string;
  testId?: string;
}) {
  const width = 480;
  const height = 220;
  const pad = { left: 40, right: 16, top: 16, bottom: 40 };
  const top = max ?? niceMax(Math.max(0, ...data.map((d) => d.value)));
  const x = linearScale(
    [0, Math.max(1, data.length - 1)],
    [pad.left + (data.length === 1 ? (width - pad.left - pad.right) / 2 : 0), width - pad.right],
  );
  const y = linearScale([0, top], [height - pad.bottom, pad.top]);
  const points = data.map((d, i) => [x(i), y(d.value)] as const);
  const every = Math.max(1, Math.ceil(data.length / 6));
  return (
    <Figure
      title={title}
      testId={testId}
      chart={({ titleId, descId }) => (
        <svg
          className="chart-svg"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
        >
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          {ticks(top, 4).map((tick) => (
            <g key={tick}>
              <line
                x1={pad.left}
                x2={width - pad.right}
                y1={y(tick)}
                y2={y(tick)}
                className="chart-grid"
              />
              <text x={pad.left - 6} y={y(tick) + 4} textAnchor="end" className="chart-axis">
                {format(tick)}
              </text>
            </g>
          ))}
          {points.length > 1 && <path d={linePath(points)} className="chart-line" />}
          {points.map(([px, py], i) => (
            <g key={i}>
              <circle cx={px} cy={py} r={5} className={`chart-point ${data[i]?.tone ?? ''}`} />
              <text x={px} y={py - 9} textAnchor="middle" className="chart-value">
                {format(data[i]?.value ?? 0)}
              </text>
              {i % every === 0 && (
                <text
                  x={px}
                  y={height - pad.bottom + 18}
                  textAnchor={edgeAnchor(i, points.length)}
                  className="chart-axis"
                >
                  {data[i]?.label}
                </text>
              )}
            </g>
          ))}
        </svg>
      )}
      table={
        <DataTable
          caption={title}
          headers={['', valueLabel]}
          rows={data.map((d) => [d.label, format(d.value)])}
        />
      }
    />
  );
}

/** One segment of a {@link StackedBar}. */
export interface Segment {
  label: string;
  value: number;
  tone: string;
}

/** Shares of a whole as one bar (e.g. plan items planned / in progress / implemented). */
export function StackedBar({
  title,
  description,
  segments,
  valueLabel,
  testId,
}: {
  title: string;
  description: string;
  segments: readonly Segment[];
  valueLabel: string;
  testId?: string;
}) {
  const width = 480;
  const shares = percentages(segments.map((s) => s.value));
  const x = linearScale([0, 100], [0, width]);
  let offset = 0;
  return (
    <Figure
      title={title}
      testId={testId}
      chart={({ titleId, descId }) => (
        <svg
          className="chart-svg chart-stacked"
          viewBox={`0 0 ${width} 64`}
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
        >
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          <rect x={0} y={4} width={width} height={28} className="chart-track" />
          {segments.map((s, i) => {
            const start = offset;
            offset += shares[i] ?? 0;
            const w = x(shares[i] ?? 0);
            return (
              <g key={s.label}>
                <rect x={x(start)} y={4} width={w} height={28} className={`chart-bar ${s.tone}`} />
                {w > 28 && (
                  <text x={x(start) + w / 2} y={23} textAnchor="middle" className="chart-inside">
                    {s.value}
                  </text>
                )}
              </g>
            );
          })}
          {segments.map((s, i) => (
            <g key={`legend-${s.label}`} transform={`translate(${i * 160}, 44)`}>
              <rect width={12} height={12} className={`chart-bar ${s.tone}`} />
              <text x={16} y={11} className="chart-axis">
                {`${s.label}: ${s.value}`}
              </text>
            </g>
          ))}
        </svg>
      )}
      table={
        <DataTable
          caption={title}
          headers={['', valueLabel, '%']}
          rows={segments.map((s, i) => [s.label, s.value, `${shares[i] ?? 0} %`])}
        />
      }
    />
  );
}

/** One cell of a {@link RiskMatrix}: likelihood × impact, its band and how many threats. */
export interface MatrixDatum {
  likelihood: number;
  impact: number;
  level: string;
  count: number;
}

/** The likelihood × impact matrix (5 × 5) with the number of threats in each cell. */
export function RiskMatrix({
  title,
  description,
  cells,
  levelLabel,
  testId,
}: {
  title: string;
  description: string;
  cells: readonly MatrixDatum[];
  levelLabel: (level: string) => string;
  testId?: string;
}) {
  const { t } = useI18n();
  const size = 52;
  const left = 44;
  const bottom = 40;
  const width = left + size * 5 + 8;
  const height = size * 5 + bottom;
  return (
    <Figure
      title={title}
      testId={testId}
      chart={({ titleId, descId }) => (
        <svg
          className="chart-svg chart-matrix"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
        >
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          {cells.map((c) => {
            const cx = left + (c.impact - 1) * size;
            const cy = (5 - c.likelihood) * size;
            return (
              <g key={`${c.likelihood}-${c.impact}`}>
                <rect
                  x={cx + 1}
                  y={cy + 1}
                  width={size - 2}
                  height={size - 2}
                  className={`matrix-cell level-${c.level}`}
                />
                {c.count > 0 && (
                  <text
                    x={cx + size / 2}
                    y={cy + size / 2 + 6}
                    textAnchor="middle"
                    className="matrix-count"
                  >
                    {c.count}
                  </text>
                )}
              </g>
            );
          })}
          {[1, 2, 3, 4, 5].map((n) => (
            <g key={n}>
              <text
                x={left - 8}
                y={(5 - n) * size + size / 2 + 4}
                textAnchor="end"
                className="chart-axis"
              >
                {n}
              </text>
              <text
                x={left + (n - 1) * size + size / 2}
                y={5 * size + 16}
                textAnchor="middle"
                className="chart-axis"
              >
                {n}
              </text>
            </g>
          ))}
          <text
            x={left + (5 * size) / 2}
            y={5 * size + 34}
            textAnchor="middle"
            className="chart-axis"
          >
            {t('risk.impact')}
          </text>
          <text
            x={12}
            y={(5 * size) / 2}
            textAnchor="middle"
            className="chart-axis"
            transform={`rotate(-90 12 ${(5 * size) / 2})`}
          >
            {t('risk.likelihood')}
          </text>
        </svg>
      )}
      table={
        <DataTable
          caption={title}
          headers={[t('risk.likelihood'), t('risk.impact'), t('risk.level'), t('risk.threatCount')]}
          rows={cells
            .filter((c) => c.count > 0)
            .map((c) => [c.likelihood, c.impact, levelLabel(c.level), c.count])}
        />
      }
    />
  );
}
