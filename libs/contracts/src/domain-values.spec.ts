import {
  AUTONOMY_LEVELS,
  AUTONOMY_MILESTONES,
  AutonomyLevelSchema,
  COUNTRY_CODES,
  CatalogueRefSchema,
  CountryCodeSchema,
  DURATION_UNIT_MS,
  IdSchema,
  InvalidDurationError,
  IsoDateSchema,
  IsoDateTimeSchema,
  IsoDurationSchema,
  MILESTONE_TITLES,
  PHASES,
  PositiveIsoDurationSchema,
  RegionCodeSchema,
  ROLES,
  SECURITY_WHEEL_SPOKES,
  SPOKE_TITLES,
  autonomyLevelName,
  formatIsoDuration,
  isCountryCode,
  isIsoDuration,
  parseIsoDuration,
  spokeRecord,
  MaturitySchema,
} from './index';

const DAY = 24 * 3_600_000;

describe('ISO-8601 durations', () => {
  it.each([
    ['P1M', 30 * DAY],
    ['P2W', 14 * DAY],
    ['PT30S', 30_000],
    ['P1DT12H', 36 * 3_600_000],
    ['P1Y', 365 * DAY],
    [
      'P1Y2M3W4DT5H6M7S',
      365 * DAY + 60 * DAY + 21 * DAY + 4 * DAY + 5 * 3_600_000 + 6 * 60_000 + 7_000,
    ],
    ['PT1M', 60_000],
    ['PT0.5S', 500],
    ['PT1.25S', 1_250],
    ['PT0S', 0],
    ['P0D', 0],
  ])('%s is %d ms (fixed 30-day months, 365-day years)', (duration, ms) => {
    expect(IsoDurationSchema.safeParse(duration).success).toBe(true);
    expect(parseIsoDuration(duration)).toBe(ms);
  });

  it.each([
    '',
    'P',
    'PT',
    '1M',
    'P1',
    'P-1D',
    'P1.5D',
    'PT1.2345S',
    'P1DT',
    'p1m',
    'P1H',
    'PT1D',
    'P 1D',
    'P1M1Y',
    'P9999999999Y',
    'P999999999Y',
  ])('%j is rejected', (duration) => {
    expect(IsoDurationSchema.safeParse(duration).success).toBe(false);
    expect(() => parseIsoDuration(duration)).toThrow(InvalidDurationError);
    expect(isIsoDuration(duration)).toBe(false);
  });

  it('gives the invalid-duration error code', () => {
    try {
      parseIsoDuration('soon');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDurationError);
      expect((error as InvalidDurationError).code).toBe('INVALID_DURATION');
    }
  });

  it('rejects zero where a positive duration is required', () => {
    expect(PositiveIsoDurationSchema.safeParse('PT0S').success).toBe(false);
    expect(PositiveIsoDurationSchema.safeParse('PT1S').success).toBe(true);
  });

  it('formats milliseconds as days and time, round-tripping', () => {
    expect(formatIsoDuration(0)).toBe('PT0S');
    expect(formatIsoDuration(90_061_000)).toBe('P1DT1H1M1S');
    expect(formatIsoDuration(DURATION_UNIT_MS.month)).toBe('P30D');
    expect(formatIsoDuration(1_500)).toBe('PT1.5S');
    for (const ms of [1, 999, 60_000, 14 * DAY, 400 * DAY + 3_723_004]) {
      expect(parseIsoDuration(formatIsoDuration(ms))).toBe(ms);
    }
    expect(() => formatIsoDuration(-1)).toThrow(InvalidDurationError);
    expect(() => formatIsoDuration(1.5)).toThrow(InvalidDurationError);
  });
});

describe('country and region codes', () => {
  it('lists the 249 assigned ISO 3166-1 alpha-2 codes, sorted and unique', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect([...COUNTRY_CODES].sort()).toEqual([...COUNTRY_CODES]);
    for (const code of COUNTRY_CODES) expect(code).toMatch(/^[A-Z]{2}$/);
  });

  it.each(['CO', 'KE', 'GB', 'PS', 'SS', 'AX'])('accepts %s', (code) => {
    expect(CountryCodeSchema.safeParse(code).success).toBe(true);
    expect(isCountryCode(code)).toBe(true);
  });

  it.each(['XX', 'XK', 'UK', 'EU', 'ZZ', 'co', 'Co', 'COL', '', 'C'])('rejects %j', (code) => {
    expect(CountryCodeSchema.safeParse(code).success).toBe(false);
    expect(isCountryCode(code)).toBe(false);
  });

  it('says when a code is only in the wrong case', () => {
    const result = CountryCodeSchema.safeParse('co');
    expect(result.error?.issues[0]?.message).toMatch(/uppercase/);
    expect(CountryCodeSchema.safeParse('XX').error?.issues[0]?.message).toMatch(/assigned/);
  });

  it('takes ISO 3166-2 region codes of assigned countries only', () => {
    for (const ok of ['CO-ANT', 'KE-30', 'GB-ENG', 'FR-75C']) {
      expect(RegionCodeSchema.safeParse(ok).success).toBe(true);
    }
    for (const bad of ['XX-ABC', 'Antioquia', 'co-ant', 'CO-ANTI', 'CO']) {
      expect(RegionCodeSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('shared domain values', () => {
  it('names the phases, roles, spokes and milestones of the design', () => {
    expect(PHASES).toEqual([
      'agreement',
      'implementation',
      'follow-up',
      'knowledge-transfer',
      'autonomous',
      'paused',
      'terminated',
    ]);
    expect(ROLES).toEqual([
      'admin',
      'program-manager',
      'protection-officer',
      'analyst',
      'defender',
    ]);
    expect(SECURITY_WHEEL_SPOKES).toHaveLength(8);
    expect(Object.keys(SPOKE_TITLES)).toEqual([...SECURITY_WHEEL_SPOKES]);
    expect(AUTONOMY_MILESTONES).toHaveLength(8);
    expect(Object.keys(MILESTONE_TITLES)).toEqual([...AUTONOMY_MILESTONES]);
    for (const id of [...SECURITY_WHEEL_SPOKES, ...AUTONOMY_MILESTONES]) {
      expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it('names the autonomy levels 0–4', () => {
    expect(AUTONOMY_LEVELS.map((l) => `${l.level}:${l.name}`)).toEqual([
      '0:dependent',
      '1:assisted',
      '2:practising',
      '3:autonomous',
      '4:multiplier',
    ]);
    expect(autonomyLevelName(4)).toBe('multiplier');
    expect(AutonomyLevelSchema.safeParse(5).success).toBe(false);
    expect(AutonomyLevelSchema.safeParse(2.5).success).toBe(false);
  });

  it('requires every spoke, and only spokes, in a spoke record', () => {
    const record = spokeRecord(MaturitySchema);
    const all = Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, 2]));
    expect(record.safeParse(all).success).toBe(true);
    const { training: _omitted, ...missing } = all;
    expect(record.safeParse(missing).success).toBe(false);
    expect(record.safeParse({ ...all, leadership: 2 }).success).toBe(false);
    expect(record.safeParse({ ...all, training: 5 }).success).toBe(false);
  });

  it('keeps ids free of free text', () => {
    for (const ok of [
      'eng-0001',
      '65f1c0ffee0123456789abcd',
      '5b1f6c2e-2d7a-4c1e-9f3b-0a1b2c3d4e5f',
      'obl:follow-up:3',
    ]) {
      expect(IdSchema.safeParse(ok).success).toBe(true);
    }
    for (const bad of ['', 'Maria Pérez', 'a b', '-leading', 'x'.repeat(129), 'line\nbreak']) {
      expect(IdSchema.safeParse(bad).success).toBe(false);
    }
    expect(CatalogueRefSchema.safeParse('npm-early-warning-system').success).toBe(true);
    expect(CatalogueRefSchema.safeParse('NPM Early Warning').success).toBe(false);
  });

  it('takes UTC instants and real calendar dates', () => {
    expect(IsoDateTimeSchema.safeParse('2026-03-01T09:30:00.000Z').success).toBe(true);
    expect(IsoDateTimeSchema.safeParse('2026-03-01T09:30:00Z').success).toBe(true);
    expect(IsoDateTimeSchema.safeParse('2026-03-01T09:30:00+01:00').success).toBe(false);
    expect(IsoDateTimeSchema.safeParse('2026-03-01').success).toBe(false);
    expect(IsoDateSchema.safeParse('2026-02-28').success).toBe(true);
    expect(IsoDateSchema.safeParse('2026-02-30').success).toBe(false);
  });
});
