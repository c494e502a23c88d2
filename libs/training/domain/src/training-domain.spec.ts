import { indexCatalogue, catalogue } from '@trellis/catalogue';
import {
  adaptLevel,
  cascadeLineage,
  expectedGeneration,
  generationProblem,
  missingPrerequisites,
  organisationLevel,
  participantGain,
  ScoreOutOfRangeError,
  sessionKnowledge,
} from './index';

const INTRO = 'training-module.introduction-to-security-and-protection';
const RISK = 'training-module.risk-analysis';
const THREAT = 'training-module.threat-assessment';

describe('level adaptation', () => {
  it('starts at the baseline (basic when unknown) and rises after two mastered sessions per level', () => {
    expect(organisationLevel(undefined, [])).toBe('basic');
    expect(organisationLevel('intermediate', [])).toBe('intermediate');
    const mastered = { level: 'basic', averagePostScore: 80 } as const;
    expect(organisationLevel('basic', [mastered])).toBe('basic');
    expect(organisationLevel('basic', [mastered, mastered])).toBe('intermediate');
    expect(
      organisationLevel('basic', [
        mastered,
        mastered,
        { level: 'intermediate', averagePostScore: 70 },
        { level: 'advanced', averagePostScore: 95 },
      ]),
    ).toBe('advanced');
    // Weak or unchecked sessions do not count; lower-level sessions do not lift a higher level.
    expect(organisationLevel('basic', [mastered, { level: 'basic', averagePostScore: 69.9 }])).toBe(
      'basic',
    );
    expect(organisationLevel('basic', [mastered, { level: 'basic', averagePostScore: null }])).toBe(
      'basic',
    );
    expect(organisationLevel('intermediate', [mastered, mastered])).toBe('intermediate');
  });

  it('adapts an agreed level to the organisation, never lowering what is planned', () => {
    expect(adaptLevel({ agreed: 'intermediate' })).toBe('intermediate');
    expect(adaptLevel({ agreed: 'intermediate', organisation: 'basic' })).toBe('basic');
    expect(adaptLevel({ agreed: 'basic', organisation: 'advanced' })).toBe('advanced');
    expect(adaptLevel({ agreed: 'basic', organisation: 'basic', current: 'intermediate' })).toBe(
      'intermediate',
    );
  });
});

describe('prerequisites', () => {
  const start = new Date('2026-06-01T09:00:00Z');
  const before = new Date('2026-05-01T12:00:00Z');
  const after = new Date('2026-06-02T12:00:00Z');

  it('lists transitive prerequisites not covered, in prerequisite order', () => {
    expect(missingPrerequisites([THREAT], start, [])).toEqual([INTRO, RISK]);
    expect(missingPrerequisites([INTRO], start, [])).toEqual([]);
  });

  it('counts the same session, held sessions and scheduled ones ending before the start', () => {
    expect(missingPrerequisites([INTRO, RISK, THREAT], start, [])).toEqual([]);
    expect(
      missingPrerequisites([THREAT], start, [
        { moduleIds: [INTRO], status: 'held', endsAt: after },
        { moduleIds: [RISK], status: 'scheduled', endsAt: before },
      ]),
    ).toEqual([]);
    expect(
      missingPrerequisites([THREAT], start, [
        { moduleIds: [INTRO], status: 'cancelled', endsAt: before },
        { moduleIds: [RISK], status: 'scheduled', endsAt: after },
      ]),
    ).toEqual([INTRO, RISK]);
  });

  it('works over any catalogue index and rejects unknown modules', () => {
    const index = indexCatalogue(catalogue);
    expect(missingPrerequisites([RISK], start, [], index.prerequisiteOrder)).toEqual([INTRO]);
    expect(() => missingPrerequisites(['training-module.nope'], start, [])).toThrow();
  });
});

describe('knowledge gain', () => {
  it('is post − pre per participant, scores 0–100 only', () => {
    expect(participantGain(40, 75)).toBe(35);
    expect(participantGain(90, 80)).toBe(-10);
    expect(participantGain(0, 100)).toBe(100);
    expect(() => participantGain(-1, 50)).toThrow(ScoreOutOfRangeError);
    expect(() => participantGain(50, 101)).toThrow(ScoreOutOfRangeError);
    expect(() => participantGain(50.5, 60)).toThrow(ScoreOutOfRangeError);
  });

  it('averages per session over participants with both scores, null without any', () => {
    expect(
      sessionKnowledge([
        { preScore: 40, postScore: 75 },
        { preScore: 50, postScore: 60 },
        { preScore: 30, postScore: 31 },
        { preScore: 20 },
        {},
      ]),
    ).toEqual({
      knowledgeCheckCount: 3,
      averageKnowledgeGain: 15.3,
      averagePreScore: 40,
      averagePostScore: 55.3,
    });
    expect(sessionKnowledge([{ postScore: 70 }])).toEqual({
      knowledgeCheckCount: 0,
      averageKnowledgeGain: null,
      averagePreScore: null,
      averagePostScore: null,
    });
    expect(() => sessionKnowledge([{ preScore: 120 }])).toThrow(ScoreOutOfRangeError);
  });
});

describe('cascade generations and reach', () => {
  it('derives the generation from the trainers: our sessions → 2, a parent cascade → its + 1', () => {
    expect(expectedGeneration({ trainerSessionIds: ['s1'] })).toBe(2);
    expect(
      expectedGeneration({ trainerSessionIds: [], parent: { cascadeId: 'c1', generation: 3 } }),
    ).toBe(4);
    expect(expectedGeneration({ trainerSessionIds: [] })).toBeNull();
    expect(generationProblem(2, { trainerSessionIds: ['s1'] })).toBeNull();
    expect(generationProblem(3, { trainerSessionIds: ['s1'] })).toMatch(/expected 2/);
    expect(
      generationProblem(2, { trainerSessionIds: [], parent: { cascadeId: 'c', generation: 2 } }),
    ).toMatch(/expected 3/);
    expect(generationProblem(2, { trainerSessionIds: [] })).toMatch(/needs trainers/);
    expect(
      generationProblem(3, { trainerSessionIds: ['s'], parent: { cascadeId: 'c', generation: 2 } }),
    ).toMatch(/names no trainer sessions/);
  });

  it('builds the lineage tree with pseudonymous labels, subtree and total reach', () => {
    const base = { audienceType: 'beneficiaries', moduleIds: [INTRO] };
    const lineage = cascadeLineage([
      { ...base, cascadeId: 'a', generation: 2, reachCount: 20, verified: true },
      { ...base, cascadeId: 'b', generation: 2, reachCount: 5, verified: false },
      {
        ...base,
        cascadeId: 'a1',
        parentCascadeId: 'a',
        generation: 3,
        reachCount: 12,
        verified: true,
      },
      {
        ...base,
        cascadeId: 'a2',
        parentCascadeId: 'a',
        generation: 3,
        reachCount: 8,
        verified: false,
      },
      {
        ...base,
        cascadeId: 'a21',
        parentCascadeId: 'a2',
        generation: 4,
        reachCount: 30,
        verified: true,
      },
    ]);
    expect(lineage.totalReach).toBe(75);
    expect(lineage.verifiedReach).toBe(62);
    expect(lineage.generations).toEqual({ '2': 2, '3': 2, '4': 1 });
    expect(lineage.roots.map((r) => [r.label, r.subtreeReach])).toEqual([
      ['C1', 70],
      ['C2', 5],
    ]);
    const a2 = lineage.roots[0]?.children[1];
    expect(a2).toMatchObject({ label: 'C1.2', cascadeId: 'a2', subtreeReach: 38 });
    expect(a2?.children[0]).toMatchObject({ label: 'C1.2.1', generation: 4, children: [] });
    expect(cascadeLineage([])).toEqual({
      roots: [],
      totalReach: 0,
      verifiedReach: 0,
      generations: {},
    });
  });
});
