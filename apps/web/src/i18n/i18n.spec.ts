import {
  AGREEMENT_SECTIONS,
  AUTONOMY_MILESTONES,
  BEHAVIOUR_CHANGES,
  CASCADE_AUDIENCE_TYPES,
  FOCUS_AREAS,
  FOLLOW_UP_KINDS,
  INCIDENT_TYPES,
  INTERVENTION_KINDS,
  MILESTONE_STATUSES,
  OBLIGATION_KINDS,
  PHASES,
  PLAN_ITEM_STATUSES,
  PRIORITIES,
  REMINDER_STAGES,
  RISK_LEVELS,
  SECURITY_PLAN_ITEM_KINDS,
  SECURITY_WHEEL_SPOKES,
  SESSION_MODES,
  SIGNATORY_PARTIES,
  THREAT_SOURCE_ACTOR_TYPES,
  THREAT_TYPES,
  TRAINING_LEVELS,
  VULNERABILITY_CATEGORIES,
} from '@trellis/contracts';
import { TIMELINE_KINDS } from '../lib/timeline';
import { en, type MessageKey } from './messages.en';
import {
  DICTIONARIES,
  interpolate,
  isMessageKey,
  labelOf,
  LANGUAGES,
  pickLanguage,
  placeholders,
  pointLabels,
  translate,
} from './translate';

const keys = Object.keys(en) as MessageKey[];

describe('the dictionaries', () => {
  it.each(LANGUAGES)('%s has every key of the English dictionary, none empty, no extra', (lang) => {
    const dictionary = DICTIONARIES[lang];
    expect(Object.keys(dictionary).sort()).toEqual([...keys].sort());
    const empty = keys.filter((k) => dictionary[k].trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(['es', 'fr'] as const)(
    '%s uses the same placeholders as English in every message',
    (lang) => {
      const mismatched = keys.filter(
        (k) => placeholders(DICTIONARIES[lang][k]).join() !== placeholders(en[k]).join(),
      );
      expect(mismatched).toEqual([]);
    },
  );

  it.each(['es', 'fr'] as const)(
    '%s is translated (at most a few messages equal the English)',
    (lang) => {
      // Names of languages, "Menu", "Incidents", "Sessions", ... are the same words.
      const same = keys.filter((k) => DICTIONARIES[lang][k] === en[k]);
      expect(same.length).toBeLessThan(keys.length * 0.1);
    },
  );

  /** Every value of the contracts' enumerations the pages show has a label. */
  const groups: Array<[string, readonly string[]]> = [
    ['phase', PHASES],
    ['followUpKind', FOLLOW_UP_KINDS],
    ['threatType', THREAT_TYPES],
    ['incidentType', INCIDENT_TYPES],
    ['spoke', SECURITY_WHEEL_SPOKES],
    ['milestone', AUTONOMY_MILESTONES],
    ['milestoneStatus', MILESTONE_STATUSES],
    ['obligation', OBLIGATION_KINDS],
    ['focusArea', FOCUS_AREAS],
    ['actor', THREAT_SOURCE_ACTOR_TYPES],
    ['category', VULNERABILITY_CATEGORIES],
    ['audience', CASCADE_AUDIENCE_TYPES],
    ['planKind', SECURITY_PLAN_ITEM_KINDS],
    ['planStatus', PLAN_ITEM_STATUSES],
    ['riskLevel', RISK_LEVELS],
    ['trainingLevel', TRAINING_LEVELS],
    ['sessionMode', SESSION_MODES],
    ['behaviourChange', BEHAVIOUR_CHANGES],
    ['interventionKind', INTERVENTION_KINDS],
    ['priority', PRIORITIES],
    ['party', SIGNATORY_PARTIES],
    ['agreementSection', AGREEMENT_SECTIONS],
    ['stage', REMINDER_STAGES],
    ['timelineKind', TIMELINE_KINDS],
    ['autonomyLevel', ['0', '1', '2', '3', '4']],
  ];
  it.each(groups)('labels every value of %s', (group, values) => {
    expect(values.filter((v) => !isMessageKey(`${group}.${v}`))).toEqual([]);
  });
});

describe('translate', () => {
  it('interpolates placeholders and keeps unknown ones', () => {
    expect(interpolate('{count} of {total}', { count: 2, total: 5 })).toBe('2 of 5');
    expect(interpolate('{count} of {total}', { count: 2 })).toBe('2 of {total}');
    expect(translate('es', 'portfolio.shown', { count: 3 })).toBe('3 procesos mostrados');
    expect(translate('fr', 'nav.signOut')).toBe('Se déconnecter');
  });

  it('labels enumeration values, and shows a value newer than this build as it is', () => {
    expect(labelOf('fr', 'phase', 'follow-up')).toBe('Suivi');
    expect(labelOf('es', 'riskLevel', 'critical')).toBe('Crítico');
    expect(labelOf('en', 'phase', 'some-future-phase')).toBe('some-future-phase');
  });

  it("picks the first supported language of the browser's preferences", () => {
    expect(pickLanguage(['de-DE', 'es-CO', 'en'])).toBe('es');
    expect(pickLanguage(['FR'])).toBe('fr');
    expect(pickLanguage(['de', 'it'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('labels points in time by day, or by time of day when they share one day', () => {
    expect(pointLabels('en', ['2026-01-05T10:00:00Z', '2026-03-07T10:00:00Z'])).toEqual([
      expect.stringMatching(/5 Jan/),
      expect.stringMatching(/7 Mar/),
    ]);
    const sameDay = pointLabels('en', ['2026-01-05T10:00:00Z', '2026-01-05T10:00:30Z']);
    expect(sameDay[0]).not.toBe(sameDay[1]);
    expect(sameDay[0]).toMatch(/\d\d:\d\d:\d\d/);
  });
});
