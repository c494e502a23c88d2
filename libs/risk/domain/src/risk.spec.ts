import {
  compareThreatRisks,
  computeThreatRisk,
  overallRisk,
  RatingOutOfRangeError,
  riskLevelOf,
  riskMatrix,
} from './risk';

describe('risk = threats × vulnerabilities / capacities', () => {
  it('multiplies likelihood and impact by the mean vulnerability over the mean capacity', () => {
    const risk = computeThreatRisk({
      likelihood: 4,
      impact: 5,
      vulnerabilities: [{ rating: 4 }, { rating: 5 }],
      capacities: [{ rating: 2 }, { rating: 3 }],
    });
    // T = 20, V = 4.5, C = 2.5 → 36
    expect(risk).toEqual({
      threatFactor: 20,
      vulnerability: 4.5,
      capacity: 2.5,
      score: 36,
      level: 'high',
      vulnerabilitiesMissing: false,
      capacitiesMissing: false,
    });
  });

  it('spans 0.2 (everything at its best) to 125 (everything at its worst)', () => {
    const best = computeThreatRisk({
      likelihood: 1,
      impact: 1,
      vulnerabilities: [{ rating: 1 }],
      capacities: [{ rating: 5 }],
    });
    expect(best.score).toBe(0.2);
    expect(best.level).toBe('low');
    const worst = computeThreatRisk({
      likelihood: 5,
      impact: 5,
      vulnerabilities: [{ rating: 5 }],
      capacities: [{ rating: 1 }],
    });
    expect(worst.score).toBe(125);
    expect(worst.level).toBe('critical');
  });

  it('treats missing capacities as none (C = 1) and missing vulnerabilities as unknown (V = 3), and says so', () => {
    const noCapacity = computeThreatRisk({
      likelihood: 3,
      impact: 3,
      vulnerabilities: [{ rating: 2 }],
      capacities: [],
    });
    expect(noCapacity).toMatchObject({ capacity: 1, score: 18, capacitiesMissing: true });
    expect(noCapacity.level).toBe('high');
    const nothing = computeThreatRisk({
      likelihood: 2,
      impact: 2,
      vulnerabilities: [],
      capacities: [],
    });
    expect(nothing).toMatchObject({
      vulnerability: 3,
      capacity: 1,
      score: 12,
      level: 'medium',
      vulnerabilitiesMissing: true,
      capacitiesMissing: true,
    });
  });

  it('rounds to two decimals', () => {
    const risk = computeThreatRisk({
      likelihood: 1,
      impact: 1,
      vulnerabilities: [{ rating: 1 }],
      capacities: [{ rating: 3 }],
    });
    expect(risk.score).toBe(0.33);
  });

  it('bands scores at 6, 15 and 40 (lower bound inclusive)', () => {
    expect(riskLevelOf(0)).toBe('low');
    expect(riskLevelOf(5.99)).toBe('low');
    expect(riskLevelOf(6)).toBe('medium');
    expect(riskLevelOf(14.99)).toBe('medium');
    expect(riskLevelOf(15)).toBe('high');
    expect(riskLevelOf(39.99)).toBe('high');
    expect(riskLevelOf(40)).toBe('critical');
    expect(riskLevelOf(125)).toBe('critical');
    expect(() => riskLevelOf(-1)).toThrow(RangeError);
    expect(() => riskLevelOf(Number.NaN)).toThrow(RangeError);
  });

  it('refuses ratings outside 1–5 or not whole, naming the field', () => {
    const base = { likelihood: 3, impact: 3, vulnerabilities: [], capacities: [] };
    expect(() => computeThreatRisk({ ...base, likelihood: 0 })).toThrow(RatingOutOfRangeError);
    expect(() => computeThreatRisk({ ...base, impact: 6 })).toThrow('impact must be');
    expect(() => computeThreatRisk({ ...base, impact: 2.5 })).toThrow(RatingOutOfRangeError);
    expect(() => computeThreatRisk({ ...base, capacities: [{ rating: 0 }] })).toThrow(
      'capacities.0.rating',
    );
    expect(() => computeThreatRisk({ ...base, vulnerabilities: [{ rating: 9 }] })).toThrow(
      'vulnerabilities.0.rating',
    );
  });

  it('takes the worst threat as the overall risk, low with no threat at all', () => {
    expect(overallRisk([{ score: 3 }, { score: 41 }, { score: 20 }])).toEqual({
      score: 41,
      level: 'critical',
    });
    expect(overallRisk([])).toEqual({ score: 0, level: 'low' });
  });
});

describe('riskMatrix', () => {
  it('is 5 × 5 with likelihood 5 on top and impact 1 on the left, banded on likelihood × impact', () => {
    const matrix = riskMatrix([
      { threatId: 'a', likelihood: 5, impact: 5 },
      { threatId: 'b', likelihood: 5, impact: 5 },
      { threatId: 'c', likelihood: 1, impact: 2 },
    ]);
    expect(matrix).toHaveLength(5);
    expect(matrix.every((row) => row.length === 5)).toBe(true);
    expect(matrix[0]?.[4]).toEqual({
      likelihood: 5,
      impact: 5,
      level: 'high',
      threatIds: ['a', 'b'],
    });
    expect(matrix[4]?.[1]).toEqual({ likelihood: 1, impact: 2, level: 'low', threatIds: ['c'] });
    expect(matrix[2]?.[2]).toMatchObject({
      likelihood: 3,
      impact: 3,
      level: 'medium',
      threatIds: [],
    });
    expect(() => riskMatrix([{ threatId: 'x', likelihood: 6, impact: 1 }])).toThrow(
      RatingOutOfRangeError,
    );
  });
});

describe('compareThreatRisks', () => {
  it('tells per threat whether risk went up, down, stayed, appeared or dropped out', () => {
    const changes = compareThreatRisks(
      [
        { threatId: 'a', score: 20, level: 'high' },
        { threatId: 'b', score: 10, level: 'medium' },
        { threatId: 'c', score: 5, level: 'low' },
        { threatId: 'gone', score: 50, level: 'critical' },
      ],
      [
        { threatId: 'a', score: 8, level: 'medium' },
        { threatId: 'b', score: 16, level: 'high' },
        { threatId: 'c', score: 5, level: 'low' },
        { threatId: 'new', score: 1, level: 'low' },
      ],
    );
    expect(changes.map((c) => [c.threatId, c.trend])).toEqual([
      ['a', 'down'],
      ['b', 'up'],
      ['c', 'unchanged'],
      ['new', 'new'],
      ['gone', 'dropped'],
    ]);
    expect(changes[0]).toMatchObject({ previousLevel: 'high', level: 'medium' });
  });
});

describe('the worked example of the risk-service README', () => {
  it('gives A high (30), B medium (6), C critical (60) and overall critical', () => {
    const a = computeThreatRisk({
      likelihood: 4,
      impact: 5,
      vulnerabilities: [{ rating: 4 }, { rating: 5 }],
      capacities: [{ rating: 3 }],
    });
    const b = computeThreatRisk({
      likelihood: 3,
      impact: 3,
      vulnerabilities: [{ rating: 2 }],
      capacities: [{ rating: 4 }, { rating: 2 }],
    });
    const c = computeThreatRisk({
      likelihood: 3,
      impact: 5,
      vulnerabilities: [{ rating: 4 }],
      capacities: [],
    });
    expect([a.score, a.level]).toEqual([30, 'high']);
    expect([b.score, b.level]).toEqual([6, 'medium']);
    expect([c.score, c.level]).toEqual([60, 'critical']);
    expect(overallRisk([a, b, c])).toEqual({ score: 60, level: 'critical' });
    const afterDoor = computeThreatRisk({
      likelihood: 4,
      impact: 5,
      vulnerabilities: [{ rating: 4 }, { rating: 5 }],
      capacities: [{ rating: 3 }, { rating: 4 }],
    });
    expect([afterDoor.score, afterDoor.level]).toEqual([25.71, 'high']);
  });
});
