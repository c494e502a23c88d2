import { reportToCsv } from './csv';
import { addQuarters, daysBetween, quantile, quarterEnd, quarterOf, quartersBetween } from './time';

describe('time helpers', () => {
  it('computes quarters', () => {
    expect(quarterOf('2025-03-31T23:59:59.999Z')).toBe('2025-Q1');
    expect(quarterEnd('2025-Q4')).toBe('2026-01-01T00:00:00.000Z');
    expect(addQuarters('2025-Q4', 1)).toBe('2026-Q1');
    expect(addQuarters('2025-Q1', -1)).toBe('2024-Q4');
    expect(quartersBetween('2025-Q3', '2026-Q1')).toEqual(['2025-Q3', '2025-Q4', '2026-Q1']);
    expect(() => quarterEnd('2025-5')).toThrow(RangeError);
  });

  it('writes four-digit years, so early dates make quarters that parse and sort (fuzzing finding)', () => {
    expect(quarterOf('0342-03-23T00:00:00.000Z')).toBe('0342-Q1');
    expect(addQuarters('0999-Q4', 1)).toBe('1000-Q1');
    expect(quarterEnd(quarterOf('0342-03-23T00:00:00.000Z'))).toBe('0342-04-01T00:00:00.000Z');
    const quarters = quartersBetween(quarterOf('0342-03-23T00:00:00.000Z'), '5015-Q3');
    expect(quarters[0]).toBe('0342-Q1');
    expect(quarters).toHaveLength(400); // capped
  });

  it('computes quartiles by linear interpolation and clamps negative durations', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([7], 0.25)).toBe(7);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(daysBetween('2025-01-02T00:00:00.000Z', '2025-01-01T00:00:00.000Z')).toBe(0);
  });
});

describe('CSV', () => {
  it('has a header, empty suppressed cells with their names listed, quoting and formula guards', () => {
    const csv = reportToCsv({
      report: 'x',
      dimensions: ['unit', 'note'],
      figures: ['a', 'b'],
      rows: [
        { unit: 'desk-a', note: '=cmd', a: { value: 1 }, b: { value: null, suppressed: true } },
        { unit: 'desk,"b"', note: null, a: { value: -2.5 }, b: { value: 'x' } },
      ],
    });
    expect(csv).toBe(
      'unit,note,a,b,suppressed\r\n' + "desk-a,'=cmd,1,,b\r\n" + '"desk,""b""",,-2.5,x,\r\n',
    );
  });
});
