/*
 * The arithmetic of the charts (pure, unit-tested): scales, "nice" axis maxima and ticks, and
 * the SVG path of a line. No chart library: the figures are small and must render without any
 * request leaving the origin.
 */

/** A linear map from `[d0, d1]` to `[r0, r1]` (a zero-width domain maps to the range start). */
export function linearScale(
  [d0, d1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): (value: number) => number {
  const span = d1 - d0;
  return (value) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^k) at or above `value`; 1 for 0 or less. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * base >= value - 1e-9) return step * base;
  }
  return 10 * base;
}

/** `count + 1` evenly spaced ticks from 0 to `max` (rounded to 2 decimals). */
export function ticks(max: number, count = 4): number[] {
  if (count <= 0 || max <= 0) return [0];
  return Array.from({ length: count + 1 }, (_, i) => Math.round(((max * i) / count) * 100) / 100);
}

/** The `d` attribute of a polyline through the points (rounded to 0.1 px). */
export function linePath(points: ReadonlyArray<readonly [number, number]>): string {
  return points
    .map(
      ([x, y], i) => `${i === 0 ? 'M' : 'L'}${Math.round(x * 10) / 10},${Math.round(y * 10) / 10}`,
    )
    .join(' ');
}

/** Shares of a whole in percent (rounded so that they add up to 100 when the total is not 0). */
export function percentages(values: readonly number[]): number[] {
  const total = values.reduce((sum, v) => sum + Math.max(0, v), 0);
  if (total === 0) return values.map(() => 0);
  const raw = values.map((v) => (Math.max(0, v) / total) * 100);
  const floored = raw.map(Math.floor);
  let rest = 100 - floored.reduce((sum, v) => sum + v, 0);
  const order = raw
    .map((v, i) => ({ i, fraction: v - Math.floor(v) }))
    .sort((a, b) => b.fraction - a.fraction);
  for (const { i } of order) {
    if (rest <= 0) break;
    floored[i] = (floored[i] ?? 0) + 1;
    rest -= 1;
  }
  return floored;
}
