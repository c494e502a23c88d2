import { SECURITY_WHEEL_SPOKES, type SpokeId } from '@trellis/contracts';
import {
  aggregateWheel,
  compareWheelRounds,
  InvalidWheelScoreError,
  type WheelParticipantScores,
} from './security-wheel';

function scores(value: number, overrides: Partial<Record<SpokeId, number>> = {}) {
  return {
    ...(Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, value])) as Record<
      SpokeId,
      number
    >),
    ...overrides,
  };
}

describe('aggregateWheel', () => {
  const participants: WheelParticipantScores[] = [
    { group: 'leadership', scores: scores(3, { training: 4 }) },
    { group: 'leadership', scores: scores(3, { training: 4 }) },
    { group: 'staff', scores: scores(1, { training: 0 }) },
    { group: 'staff', scores: scores(2, { training: 0 }) },
  ];

  it('gives the mean per spoke, the spread and the leadership vs staff gap', () => {
    const wheel = aggregateWheel(participants);
    expect(wheel.participantCount).toBe(4);
    expect(wheel.spokes).toHaveLength(8);
    const training = wheel.spokes.find((s) => s.spoke === 'training');
    expect(training).toEqual({
      spoke: 'training',
      mean: 2,
      min: 0,
      max: 4,
      range: 4,
      standardDeviation: 2,
      leadershipMean: 4,
      staffMean: 0,
      leadershipStaffGap: 4,
    });
    const planning = wheel.spokes.find((s) => s.spoke === 'security-planning');
    expect(planning).toMatchObject({
      mean: 2.25,
      range: 2,
      leadershipMean: 3,
      staffMean: 1.5,
      leadershipStaffGap: 1.5,
    });
    expect(planning?.standardDeviation).toBeCloseTo(0.83, 2);
    expect(wheel.spokeMeans).toMatchObject({ training: 2, 'security-planning': 2.25 });
    expect(Object.keys(wheel.spokeMeans)).toEqual([...SECURITY_WHEEL_SPOKES]);
  });

  it('leaves the gap out when only one group scored', () => {
    const wheel = aggregateWheel([{ group: 'staff', scores: scores(2) }]);
    expect(wheel.spokes[0]).toEqual({
      spoke: 'on-the-job-experience',
      mean: 2,
      min: 2,
      max: 2,
      range: 0,
      standardDeviation: 0,
      staffMean: 2,
    });
  });

  it('refuses an empty round and scores outside 0–4', () => {
    expect(() => aggregateWheel([])).toThrow(InvalidWheelScoreError);
    expect(() => aggregateWheel([{ group: 'staff', scores: scores(5) }])).toThrow(
      'must be an integer 0–4',
    );
    expect(() => aggregateWheel([{ group: 'staff', scores: scores(1.5) }])).toThrow(
      InvalidWheelScoreError,
    );
  });
});

describe('compareWheelRounds', () => {
  it('gives the change of each spoke mean since the previous round', () => {
    const changes = compareWheelRounds(scores(1.5), scores(2, { evaluation: 1 }));
    expect(changes).toHaveLength(8);
    expect(changes[0]).toEqual({
      spoke: 'on-the-job-experience',
      previousMean: 1.5,
      mean: 2,
      change: 0.5,
    });
    expect(changes.find((c) => c.spoke === 'evaluation')?.change).toBe(-0.5);
  });
});
