import { SECURITY_WHEEL_SPOKES } from '@trellis/contracts';
import { meanSpokeScores, RecordNeedsAssessmentSchema } from './needs-assessment.schema';

const all = (n: number) =>
  Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, n])) as Record<
    (typeof SECURITY_WHEEL_SPOKES)[number],
    number
  >;

const capacities = {
  focalPointDesignated: true,
  riskAssessmentDone: false,
  securityPlanExists: false,
  incidentsRecorded: false,
  previousTraining: 'none',
};

describe('meanSpokeScores', () => {
  it('averages every spoke over the participants, to two decimals', () => {
    const means = meanSpokeScores([all(0), all(1), { ...all(2), training: 4 }]);
    expect(means.evaluation).toBe(1);
    expect(means.training).toBe(1.67);
    expect(Object.keys(means)).toEqual([...SECURITY_WHEEL_SPOKES]);
  });

  it('needs a participant', () => {
    expect(() => meanSpokeScores([])).toThrow(RangeError);
  });
});

describe('RecordNeedsAssessmentSchema', () => {
  it('takes either the participants’ scores or the means, not both or neither', () => {
    const base = { capacities, threatTypes: ['surveillance'] };
    expect(RecordNeedsAssessmentSchema.safeParse({ ...base, spokeScores: all(1.5) }).success).toBe(
      true,
    );
    expect(
      RecordNeedsAssessmentSchema.safeParse({ ...base, participantScores: [all(1)] }).success,
    ).toBe(true);
    expect(RecordNeedsAssessmentSchema.safeParse(base).success).toBe(false);
    expect(
      RecordNeedsAssessmentSchema.safeParse({
        ...base,
        spokeScores: all(1),
        participantScores: [all(1)],
      }).success,
    ).toBe(false);
  });

  it('refuses fractional participant scores and duplicate threats', () => {
    const base = { capacities, threatTypes: [] };
    expect(
      RecordNeedsAssessmentSchema.safeParse({ ...base, participantScores: [all(1.5)] }).success,
    ).toBe(false);
    expect(
      RecordNeedsAssessmentSchema.safeParse({
        capacities,
        spokeScores: all(1),
        threatTypes: ['surveillance', 'surveillance'],
      }).success,
    ).toBe(false);
  });
});
