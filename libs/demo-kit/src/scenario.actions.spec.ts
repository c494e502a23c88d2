import { AgreementTermsSchema, parseIsoDuration } from '@trellis/contracts';
import { agreementTerms, DEMO_TIMING } from './scenario.actions';

describe('the demo agreement terms', () => {
  const terms = agreementTerms(DEMO_TIMING, 'pm-1', 'officer-1');
  const ms = (d: string) => parseIsoDuration(d);

  it('are valid agreement terms (the contract the engagement service checks)', () => {
    expect(AgreementTermsSchema.safeParse(terms).success).toBe(true);
  });

  it('compress months into seconds: lead reminders before every follow-up, escalation soon after', () => {
    // A lead reminder only goes out when its moment lies before the due instant.
    expect(ms(terms.reminderLeadTime)).toBeLessThan(ms(terms.coachingCadenceBounds.shortest));
    expect(ms(terms.reminderLeadTime)).toBeLessThan(ms(terms.postClosureCheckInAfter));
    expect(ms(terms.coachingCadence) + ms(terms.escalationGracePeriod)).toBeLessThanOrEqual(30_000);
    // Obligations fulfilled right away in the scenario are due late enough to stay quiet.
    const quietFor = Date.parse(terms.riskAssessmentDueAt) - Date.now();
    expect(quietFor).toBeGreaterThan(4 * 60_000);
    expect(ms(terms.autonomyReviewCadence)).toBeGreaterThanOrEqual(3 * 60_000);
    for (const value of [
      terms.coachingCadence,
      terms.reminderLeadTime,
      terms.escalationGracePeriod,
      terms.postClosureCheckInAfter,
    ]) {
      expect(ms(value)).toBeGreaterThanOrEqual(1000); // MIN_CADENCE of npm start: PT1S
    }
  });

  it('graduate at autonomy level 3 after one verified cascade reaching 20 people', () => {
    expect(terms.autonomyGoals).toMatchObject({
      targetLevel: 3,
      cascadeTarget: { verifiedCascades: 1, reach: 20 },
    });
  });
});
