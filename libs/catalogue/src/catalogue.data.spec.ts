import { catalogue } from './catalogue.data';
import { prerequisiteOrder } from './catalogue.queries';
import {
  CATALOGUE_KINDS,
  CATALOGUE_LEVELS,
  CatalogueItemSchema,
  INTERVENTION_KINDS,
  SECURITY_WHEEL_SPOKES,
  SOURCE_MANUALS,
  THREAT_TYPES,
  VULNERABILITY_CATEGORIES,
  isTrainingModule,
  type CatalogueItem,
  type CatalogueKind,
} from './catalogue.schema';

const byId = new Map(catalogue.map((item) => [item.id, item]));
const modules = catalogue.filter(isTrainingModule);
const count = (predicate: (item: CatalogueItem) => boolean) => catalogue.filter(predicate).length;

describe('the built-in catalogue', () => {
  it.each(catalogue.map((item) => [item.id, item] as const))(
    '%s validates against CatalogueItemSchema unchanged',
    (_id, item) => {
      const result = CatalogueItemSchema.safeParse(item);
      expect(result.error?.issues).toBeUndefined();
      expect(result.data).toEqual(item);
    },
  );

  it('has unique ids', () => {
    const ids = catalogue.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has at least 40 items and every kind, level and source manual', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(40);
    for (const kind of CATALOGUE_KINDS) expect(count((i) => i.kind === kind)).toBeGreaterThan(0);
    for (const level of CATALOGUE_LEVELS)
      expect(count((i) => i.level === level)).toBeGreaterThan(0);
    const missing = SOURCE_MANUALS.flatMap((manual) =>
      CATALOGUE_LEVELS.filter(
        (level) => count((i) => i.sourceManual === manual && i.level === level) === 0,
      ).map((level) => `${manual}/${level}`),
    );
    expect(missing).toEqual([]);
  });

  it('has at least 6 LGBTI and 6 rural items, tagged so that suggestions can find them', () => {
    const lgbti = catalogue.filter((i) => i.sourceManual === 'lgbti');
    const rural = catalogue.filter((i) => i.sourceManual === 'rural');
    expect(lgbti.length).toBeGreaterThanOrEqual(6);
    expect(rural.length).toBeGreaterThanOrEqual(6);
    expect(lgbti.filter((i) => !i.tags.includes('lgbti')).map((i) => i.id)).toEqual([]);
    expect(rural.filter((i) => !i.tags.includes('rural')).map((i) => i.id)).toEqual([]);
    for (const manual of ['lgbti', 'rural'] as const) {
      const kinds = new Set(catalogue.filter((i) => i.sourceManual === manual).map((i) => i.kind));
      expect([...kinds].sort()).toEqual([...CATALOGUE_KINDS].sort());
    }
  });

  it('contains the examples named in the design brief', () => {
    for (const id of [
      'method.community-collective-response',
      'method.early-warning-system',
      'measure.preventive-warning-of-authorities',
      'measure.hiding-place',
      'topic.office-security',
      'topic.un-special-mechanisms',
      'topic.digital-security',
      'method.five-step-threat-assessment',
      'method.security-wheel-assessment',
      'method.training-of-trainers',
    ]) {
      expect(byId.get(id)?.id).toBe(id);
    }
  });

  it('uses every threat type, vulnerability category and security wheel spoke at least once', () => {
    const used = <T>(pick: (item: CatalogueItem) => readonly T[]) =>
      new Set(catalogue.flatMap((item) => [...pick(item)]));
    expect([...used((i) => i.threatTypes)].sort()).toEqual(
      THREAT_TYPES.filter((t) => t !== 'other').sort(),
    );
    expect([...used((i) => i.vulnerabilityCategories)].sort()).toEqual(
      [...VULNERABILITY_CATEGORIES].sort(),
    );
    expect([...used((i) => i.securityWheelSpokes)].sort()).toEqual(
      [...SECURITY_WHEEL_SPOKES].sort(),
    );
  });

  it('references only existing training modules as prerequisites', () => {
    const wrong = modules.flatMap((m) =>
      m.prerequisites
        .filter((id) => byId.get(id)?.kind !== 'training-module')
        .map((id) => `${m.id} -> ${id}`),
    );
    expect(wrong).toEqual([]);
  });

  it('references only existing methods, measures and topics as related items', () => {
    const interventionKinds: readonly CatalogueKind[] = INTERVENTION_KINDS;
    const wrong = modules.flatMap((m) =>
      m.relatedItems
        .filter((id) => {
          const kind = byId.get(id)?.kind;
          return kind === undefined || !interventionKinds.includes(kind);
        })
        .map((id) => `${m.id} -> ${id}`),
    );
    expect(wrong).toEqual([]);
  });

  it('teaches every method, measure and topic in at least one training module', () => {
    const taught = new Set(modules.flatMap((m) => m.relatedItems));
    const untaught = catalogue.filter((i) => !isTrainingModule(i) && !taught.has(i.id));
    expect(untaught.map((i) => i.id)).toEqual([]);
  });

  it('has no prerequisite cycles: every module can be ordered after its prerequisites', () => {
    const order = prerequisiteOrder(modules.map((m) => m.id));
    expect([...order].sort()).toEqual(modules.map((m) => m.id).sort());
    for (const m of modules) {
      for (const prerequisite of m.prerequisites) {
        expect(order.indexOf(prerequisite)).toBeLessThan(order.indexOf(m.id));
      }
    }
  });

  it('is deeply frozen', () => {
    const first = catalogue[0];
    expect(Object.isFrozen(catalogue)).toBe(true);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.tags)).toBe(true);
    expect(() => first?.tags.push('mutated')).toThrow(TypeError);
  });
});
