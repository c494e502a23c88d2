import type { AgreementTerms } from '@trellis/contracts';
import { checkAgreementTerms } from './agreement-terms';

const terms: AgreementTerms = {
  programManagerId: 'pm-1',
  leadOfficerId: 'officer-1',
  interventions: [
    {
      interventionId: 'i1',
      kind: 'topic',
      catalogueRef: 'topic.security-in-the-home',
      priority: 'high',
      targetDate: '2027-03-01',
    },
  ],
  trainingPlan: {
    items: [
      {
        planItemId: 'p1',
        moduleIds: ['training-module.security-at-work-home-and-travel'],
        level: 'basic',
        dueAt: '2027-01-15T00:00:00Z',
      },
    ],
  },
  riskAssessmentDueAt: '2027-02-01T00:00:00Z',
  securityPlanDueAt: '2027-03-01T00:00:00Z',
  coachingCadence: 'P1M',
  coachingCadenceBounds: { shortest: 'P2W', longest: 'P2M' },
  autonomyReviewCadence: 'P3M',
  reminderLeadTime: 'P3D',
  escalationGracePeriod: 'P7D',
  reassessmentAfterSeriousIncident: 'P14D',
  plannedDuration: 'P1Y',
  postClosureCheckInAfter: 'P6M',
  autonomyGoals: {
    targetLevel: 3,
    milestoneIds: ['focal-point-designated'],
    cascadeTarget: { verifiedCascades: 1, reach: 20 },
  },
};

describe('checkAgreementTerms', () => {
  it('accepts terms that reference the catalogue and respect the minimum duration', () => {
    expect(checkAgreementTerms(terms, 'P1D')).toEqual([]);
  });

  it('names unknown catalogue items and items of the wrong kind', () => {
    const bad: AgreementTerms = {
      ...terms,
      interventions: [
        { ...terms.interventions[0], catalogueRef: 'topic.does-not-exist' },
        { ...terms.interventions[0], interventionId: 'i2', kind: 'method' },
      ],
      trainingPlan: {
        items: [{ ...terms.trainingPlan.items[0], moduleIds: ['topic.security-in-the-home'] }],
      },
    };
    expect(checkAgreementTerms(bad, 'P1D')).toEqual([
      {
        code: 'UNKNOWN_CATALOGUE_ITEM',
        path: 'interventions.0.catalogueRef',
        message: 'no catalogue item topic.does-not-exist',
      },
      {
        code: 'UNKNOWN_CATALOGUE_ITEM',
        path: 'interventions.1.catalogueRef',
        message: 'topic.security-in-the-home is a topic, not a method',
      },
      {
        code: 'UNKNOWN_CATALOGUE_ITEM',
        path: 'trainingPlan.items.0.moduleIds.0',
        message: 'no training module topic.security-in-the-home',
      },
    ]);
  });

  it('refuses durations below the configured minimum, which demos may lower', () => {
    const fast = { ...terms, reminderLeadTime: 'PT30S', escalationGracePeriod: 'PT1M' };
    expect(checkAgreementTerms(fast, 'P1D').map((p) => [p.code, p.path])).toEqual([
      ['DURATION_TOO_SHORT', 'reminderLeadTime'],
      ['DURATION_TOO_SHORT', 'escalationGracePeriod'],
    ]);
    expect(checkAgreementTerms(fast, 'PT1S')).toEqual([]);
  });
});
