import { getCatalogueItem } from '@trellis/catalogue';
import { SECURITY_WHEEL_SPOKES } from '@trellis/contracts';
import {
  assessNeeds,
  MAX_SUGGESTED_INTERVENTIONS,
  suggestLevel,
  type NeedsAssessmentInput,
} from './needs-assessment';

const allSpokes = (v: number) =>
  Object.fromEntries(
    SECURITY_WHEEL_SPOKES.map((s) => [s, v]),
  ) as NeedsAssessmentInput['spokeScores'];

const base: NeedsAssessmentInput = {
  spokeScores: allSpokes(2),
  capacities: {
    focalPointDesignated: true,
    riskAssessmentDone: true,
    securityPlanExists: true,
    incidentsRecorded: true,
    previousTraining: 'intermediate',
  },
  threatTypes: [],
  profile: { focusAreas: ['journalism'], setting: 'urban' },
};

describe('suggestLevel', () => {
  const caps = base.capacities;
  it('follows the mean maturity', () => {
    expect(suggestLevel(0.4, caps)).toBe('basic');
    expect(suggestLevel(2, caps)).toBe('intermediate');
    expect(suggestLevel(3.5, caps)).toBe('advanced');
  });
  it('never jumps more than one level above previous training', () => {
    expect(suggestLevel(3.8, { ...caps, previousTraining: 'none' })).toBe('basic');
    expect(suggestLevel(3.8, { ...caps, previousTraining: 'basic' })).toBe('intermediate');
  });
  it('starts at basic without any risk assessment or plan', () => {
    expect(suggestLevel(3, { ...caps, riskAssessmentDone: false, securityPlanExists: false })).toBe(
      'basic',
    );
  });
});

describe('assessNeeds', () => {
  it('names weak spokes, weakest first, and the overall maturity', () => {
    const r = assessNeeds({
      ...base,
      spokeScores: { ...allSpokes(3), 'incident-response': 0, 'security-planning': 1 },
    });
    expect(r.weakSpokes).toEqual(['incident-response', 'security-planning']);
    expect(r.overallMaturity).toBe(2.38);
  });

  it('suggests interventions that strengthen weak spokes and answer current threats, with reasons', () => {
    const r = assessNeeds({
      ...base,
      spokeScores: { ...allSpokes(3), 'incident-response': 0 },
      threatTypes: ['surveillance'],
    });
    expect(r.interventions.length).toBeGreaterThan(0);
    expect(r.interventions.length).toBeLessThanOrEqual(MAX_SUGGESTED_INTERVENTIONS);
    for (const s of r.interventions) {
      const item = getCatalogueItem(s.catalogueId);
      expect(['method', 'measure', 'topic']).toContain(item.kind);
      expect(s.reasons.length).toBeGreaterThan(0);
    }
    const top = getCatalogueItem(r.interventions[0].catalogueId);
    expect(
      top.securityWheelSpokes.includes('incident-response') ||
        top.threatTypes.includes('surveillance'),
    ).toBe(true);
    // Scores are sorted best first.
    const scores = r.interventions.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('keeps suggestions at or below the suggested level', () => {
    const r = assessNeeds({
      ...base,
      spokeScores: allSpokes(0.5),
      capacities: { ...base.capacities, previousTraining: 'none' },
    });
    expect(r.suggestedLevel).toBe('basic');
    expect([...r.interventions, ...r.trainingModules].every((s) => s.level === 'basic')).toBe(true);
  });

  it('suggests the LGBTI manual’s items to LGBTI-focused organisations only', () => {
    const weak = { ...base, spokeScores: allSpokes(1) };
    const lgbti = assessNeeds({ ...weak, profile: { focusAreas: ['lgbti'], setting: 'urban' } });
    const other = assessNeeds(weak);
    const manual = (r: ReturnType<typeof assessNeeds>) =>
      r.interventions.map((s) => getCatalogueItem(s.catalogueId).sourceManual);
    expect(manual(lgbti)).toContain('lgbti');
    expect(manual(other)).not.toContain('lgbti');
  });

  it('suggests the rural guide’s items to rural organisations only', () => {
    const weak = { ...base, spokeScores: allSpokes(1) };
    const rural = assessNeeds({
      ...weak,
      profile: { focusAreas: ['land-environment'], setting: 'rural' },
    });
    const urban = assessNeeds(weak);
    expect(
      rural.interventions.some((s) => getCatalogueItem(s.catalogueId).sourceManual === 'rural'),
    ).toBe(true);
    expect(
      urban.interventions.some((s) => getCatalogueItem(s.catalogueId).sourceManual === 'rural'),
    ).toBe(false);
  });

  it('orders suggested training modules so prerequisites come first', () => {
    const r = assessNeeds({
      ...base,
      spokeScores: allSpokes(1.5),
      threatTypes: ['digital-attack', 'surveillance'],
    });
    const ids = r.trainingModules.map((m) => m.catalogueId);
    expect(ids.length).toBeGreaterThan(0);
    ids.forEach((id, i) => {
      const m = getCatalogueItem(id);
      if (m.kind !== 'training-module') throw new Error('not a module');
      for (const pre of m.prerequisites) {
        if (ids.includes(pre)) expect(ids.indexOf(pre)).toBeLessThan(i);
      }
    });
  });

  it('suggests nothing specific to a mature organisation without threats', () => {
    const r = assessNeeds({
      ...base,
      spokeScores: allSpokes(4),
      capacities: { ...base.capacities, previousTraining: 'advanced' },
    });
    expect(r.weakSpokes).toEqual([]);
    expect(r.interventions).toEqual([]);
  });
});
