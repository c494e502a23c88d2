import { AgreementTermsSchema, type AgreementTerms } from '@trellis/contracts';
import {
  changedSections,
  joinRationales,
  splitRationales,
  TermsInputSchema,
  type TermsInput,
} from './agreements.schema';

const terms: AgreementTerms = {
  programManagerId: 'pm-1',
  leadOfficerId: 'officer-1',
  interventions: [
    {
      interventionId: 'int-1',
      kind: 'method',
      catalogueRef: 'method.risk-assessment',
      priority: 'high',
      targetDate: '2027-06-30',
    },
  ],
  trainingPlan: { items: [] },
  riskAssessmentDueAt: '2027-04-01T17:00:00.000Z',
  securityPlanDueAt: '2027-06-01T17:00:00.000Z',
  coachingCadence: 'P1M',
  coachingCadenceBounds: { shortest: 'P2W', longest: 'P3M' },
  autonomyReviewCadence: 'P3M',
  reminderLeadTime: 'P3D',
  escalationGracePeriod: 'P7D',
  reassessmentAfterSeriousIncident: 'P14D',
  plannedDuration: 'P18M',
  postClosureCheckInAfter: 'P6M',
  autonomyGoals: {
    targetLevel: 3,
    milestoneIds: [],
    cascadeTarget: { verifiedCascades: 1, reach: 10 },
  },
};

describe('rationales', () => {
  it('are split from the contract terms and joined back', () => {
    const input: TermsInput = {
      ...terms,
      interventions: [{ ...terms.interventions[0], rationale: 'why' }],
    };
    expect(TermsInputSchema.parse(input)).toEqual(input);
    const { terms: plain, rationales } = splitRationales(input);
    expect(AgreementTermsSchema.parse(plain)).toEqual(terms);
    expect(rationales).toEqual({ 'int-1': 'why' });
    expect(joinRationales(plain, rationales)).toEqual(input);
    expect(joinRationales(plain, {})).toEqual(terms);
  });

  it('keep the contract’s own checks (unique intervention ids)', () => {
    const twice = { ...terms, interventions: [terms.interventions[0], terms.interventions[0]] };
    expect(TermsInputSchema.safeParse(twice).success).toBe(false);
  });
});

describe('changedSections', () => {
  it('maps changed fields to the sections of the amended event', () => {
    expect(changedSections(terms, terms)).toEqual([]);
    expect(
      changedSections(terms, {
        ...terms,
        coachingCadence: 'P6W',
        leadOfficerId: 'officer-2',
        plannedDuration: 'P24M',
        securityPlanDueAt: '2027-07-01T17:00:00.000Z',
      }),
    ).toEqual(['deadlines', 'cadences', 'assignees', 'planned-duration']);
    expect(
      changedSections(terms, {
        ...terms,
        interventions: [{ ...terms.interventions[0], priority: 'low' }],
        autonomyGoals: { ...terms.autonomyGoals, targetLevel: 4 },
      }),
    ).toEqual(['interventions', 'autonomy-goals']);
  });
});
