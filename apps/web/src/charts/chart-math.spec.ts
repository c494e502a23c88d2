import { linePath, linearScale, niceMax, percentages, ticks } from './chart-math';

describe('chart arithmetic', () => {
  it('maps a domain onto a range (also reversed, as an SVG y axis)', () => {
    const y = linearScale([0, 4], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(4)).toBe(0);
    expect(y(1)).toBe(150);
    expect(linearScale([3, 3], [10, 20])(3)).toBe(10);
  });

  it('rounds axis maxima up to nice numbers', () => {
    expect([0, -1, 0.3, 1, 3, 4, 7, 32, 40, 101].map(niceMax)).toEqual([
      1, 1, 0.5, 1, 5, 5, 10, 50, 50, 200,
    ]);
  });

  it('spaces ticks evenly', () => {
    expect(ticks(4, 4)).toEqual([0, 1, 2, 3, 4]);
    expect(ticks(50, 4)).toEqual([0, 12.5, 25, 37.5, 50]);
    expect(ticks(0)).toEqual([0]);
  });

  it('draws a line through points', () => {
    expect(
      linePath([
        [0, 1],
        [10.04, 2.26],
      ]),
    ).toBe('M0,1 L10,2.3');
    expect(linePath([])).toBe('');
  });

  it('gives shares that add up to 100', () => {
    expect(percentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentages([3, 0, 1])).toEqual([75, 0, 25]);
    expect(percentages([0, 0])).toEqual([0, 0]);
  });
});
