import { z } from 'zod';
import {
  APPLIED_ID_LIMIT,
  clampCadence,
  initialState,
  lengthenedCadence,
  markApplied,
  riskRose,
  shortenedCadence,
  statusOf,
} from '../src/capacity-building.state';
import { deterministicUuid } from '../src/ids';
import { EngagementStatusSchema } from '@trellis/contracts';
import { DAY, agreementTerms, engagementInput } from './workflow-test-kit';

const terms = agreementTerms(Date.UTC(2026, 0, 1));

describe('adaptive cadence', () => {
  it('halves on a serious incident or a higher risk level, not below the shortest bound', () => {
    expect(shortenedCadence(28 * DAY, terms)).toBe(14 * DAY);
    expect(shortenedCadence(10 * DAY, terms)).toBe(7 * DAY);
  });

  it('lengthens by half on rising autonomy, not above the longest bound', () => {
    expect(lengthenedCadence(28 * DAY, terms)).toBe(42 * DAY);
    expect(lengthenedCadence(70 * DAY, terms)).toBe(84 * DAY);
  });

  it('clamps a cadence into new bounds', () => {
    expect(clampCadence(DAY, terms)).toBe(7 * DAY);
    expect(clampCadence(365 * DAY, terms)).toBe(84 * DAY);
  });

  it('compares risk bands', () => {
    expect(riskRose(null, 'critical')).toBe(false);
    expect(riskRose('medium', 'high')).toBe(true);
    expect(riskRose('high', 'medium')).toBe(false);
  });
});

describe('deduplication', () => {
  it('applies a message id once and remembers a bounded number of ids', () => {
    const state = initialState(engagementInput(0), new Date(0));
    expect(markApplied(state, 'a')).toBe(true);
    expect(markApplied(state, 'a')).toBe(false);
    for (let i = 0; i < APPLIED_ID_LIMIT + 10; i++) markApplied(state, `id-${i}`);
    expect(state.appliedIds).toHaveLength(APPLIED_ID_LIMIT);
    expect(state.appliedIds).not.toContain('a');
  });
});

describe('status', () => {
  it('is a valid status.v1 result', () => {
    const state = initialState(engagementInput(0), new Date(0));
    expect(() => EngagementStatusSchema.parse(statusOf(state, new Date(DAY)))).not.toThrow();
  });
});

describe('deterministicUuid', () => {
  it('is a stable UUID per key and differs between keys', () => {
    const a = deterministicUuid('capacity-building-eng-1:risk-assessment-3:1700000000000:lead');
    expect(z.uuid().safeParse(a).success).toBe(true);
    expect(deterministicUuid('capacity-building-eng-1:risk-assessment-3:1700000000000:lead')).toBe(
      a,
    );
    const keys = Array.from({ length: 5_000 }, (_, i) => deterministicUuid(`key-${i}`));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
