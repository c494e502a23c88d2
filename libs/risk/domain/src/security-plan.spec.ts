import { filterCatalogue } from '@trellis/catalogue';
import {
  assertItemStatusTransition,
  InvalidItemStatusTransitionError,
  isProtocol,
  suggestPlanItems,
} from './security-plan';
import { isSeriousIncident } from './incidents';

describe('plan item status', () => {
  it('moves forward only', () => {
    expect(() => assertItemStatusTransition('planned', 'in-progress')).not.toThrow();
    expect(() => assertItemStatusTransition('in-progress', 'implemented')).not.toThrow();
    expect(() => assertItemStatusTransition('planned', 'implemented')).not.toThrow();
    expect(() => assertItemStatusTransition('implemented', 'planned')).toThrow(
      InvalidItemStatusTransitionError,
    );
    expect(() => assertItemStatusTransition('in-progress', 'in-progress')).toThrow(
      'cannot go from in-progress to in-progress',
    );
  });

  it('knows which kinds are protocols', () => {
    expect(isProtocol('emergency-protocol')).toBe(true);
    expect(isProtocol('preventive-protocol')).toBe(true);
    expect(isProtocol('policy')).toBe(false);
    expect(isProtocol('measure')).toBe(false);
  });
});

describe('suggestPlanItems', () => {
  it('suggests, for high and critical threats only, catalogue items matching type and vulnerability categories', () => {
    const suggestions = suggestPlanItems([
      {
        threatId: 't-high',
        threatType: 'surveillance',
        level: 'high',
        vulnerabilityCategories: ['information-management'],
      },
      {
        threatId: 't-low',
        threatType: 'surveillance',
        level: 'medium',
        vulnerabilityCategories: ['information-management'],
      },
    ]);
    expect(suggestions.map((s) => s.threatId)).toEqual(['t-high']);
    const items = suggestions[0]?.items ?? [];
    expect(items.length).toBeGreaterThan(0);
    const expected = filterCatalogue({
      kind: ['method', 'measure', 'topic'],
      threatType: 'surveillance',
      vulnerabilityCategory: ['information-management'],
    }).map((i) => i.id);
    expect(items.map((i) => i.catalogueRef).sort()).toEqual([...expected].sort());
    for (const item of items) {
      expect(item.kind).not.toBe('training-module');
      expect(item.matchedVulnerabilityCategories).toEqual(['information-management']);
    }
  });

  it('ranks items sharing more vulnerability categories first, and falls back to the threat type alone', () => {
    const [suggestion] = suggestPlanItems([
      {
        threatId: 't',
        threatType: 'physical-attack',
        level: 'critical',
        vulnerabilityCategories: ['geographical-physical-technical', 'social-organisational'],
      },
    ]);
    const counts = (suggestion?.items ?? []).map((i) => i.matchedVulnerabilityCategories.length);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    const [byType] = suggestPlanItems([
      { threatId: 'u', threatType: 'physical-attack', level: 'high', vulnerabilityCategories: [] },
    ]);
    expect(byType?.items.map((i) => i.catalogueRef)).toEqual(
      filterCatalogue({ kind: ['method', 'measure', 'topic'], threatType: 'physical-attack' }).map(
        (i) => i.id,
      ),
    );
  });

  it('asks the catalogue with the threat type and categories', () => {
    const calls: unknown[] = [];
    suggestPlanItems(
      [
        {
          threatId: 't',
          threatType: 'death-threat',
          level: 'critical',
          vulnerabilityCategories: ['psychological'],
        },
      ],
      (filter) => {
        calls.push(filter);
        return [];
      },
    );
    expect(calls).toEqual([
      {
        kind: ['method', 'measure', 'topic'],
        threatType: 'death-threat',
        vulnerabilityCategory: ['psychological'],
      },
    ]);
  });
});

describe('isSeriousIncident', () => {
  it('is serious from severity 4, or for the gravest types at any severity', () => {
    expect(isSeriousIncident('surveillance', 3)).toBe(false);
    expect(isSeriousIncident('surveillance', 4)).toBe(true);
    expect(isSeriousIncident('threat-received', 5)).toBe(true);
    expect(isSeriousIncident('physical-attack', 1)).toBe(true);
    expect(isSeriousIncident('raid-break-in', 2)).toBe(true);
  });
});
