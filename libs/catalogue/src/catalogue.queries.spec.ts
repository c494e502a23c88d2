import { catalogue } from './catalogue.data';
import {
  CatalogueError,
  DuplicateCatalogueItemError,
  NotATrainingModuleError,
  PrerequisiteCycleError,
  UnknownCatalogueItemError,
} from './catalogue.errors';
import {
  filterCatalogue,
  findCatalogueItem,
  getCatalogueItem,
  getTrainingModule,
  indexCatalogue,
  levelRank,
  prerequisiteOrder,
} from './catalogue.queries';
import type { CatalogueItem, TrainingModule } from './catalogue.schema';

const ids = (items: readonly CatalogueItem[]) => items.map((item) => item.id);

/** The catalogue items satisfying a predicate: the oracle the filter results are compared to. */
const where = (predicate: (item: CatalogueItem) => boolean) => ids(catalogue.filter(predicate));

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** A minimal training module for custom catalogues. */
function moduleFixture(slug: string, prerequisites: string[] = []): TrainingModule {
  return {
    id: `training-module.${slug}`,
    kind: 'training-module',
    title: `Module ${slug}`,
    summary: 'A module fixture for prerequisite ordering tests.',
    level: 'basic',
    sourceManual: 'npm',
    sourceRef: 'Drawing up a security plan',
    threatTypes: ['intimidation'],
    vulnerabilityCategories: ['social-organisational'],
    securityWheelSpokes: ['training'],
    tags: [],
    learningObjectives: ['Order modules by their prerequisites'],
    durationMinutes: 60,
    prerequisites: prerequisites.map((p) => `training-module.${p}`),
    relatedItems: ['topic.office-security'],
  };
}

describe('findCatalogueItem and getCatalogueItem', () => {
  it('return the item with the id', () => {
    expect(findCatalogueItem('topic.office-security')?.title).toBe('Office security');
    expect(getCatalogueItem('measure.hiding-place')).toMatchObject({
      id: 'measure.hiding-place',
      kind: 'measure',
    });
  });

  it('find returns undefined for an unknown id', () => {
    expect(findCatalogueItem('topic.does-not-exist')).toBeUndefined();
  });

  it('get throws a typed UnknownCatalogueItemError carrying the id', () => {
    const error = caught(() => getCatalogueItem('topic.does-not-exist'));
    expect(error).toBeInstanceOf(UnknownCatalogueItemError);
    expect(error).toBeInstanceOf(CatalogueError);
    expect(error).toMatchObject({
      id: 'topic.does-not-exist',
      code: 'CATALOGUE_ITEM_UNKNOWN',
      name: 'UnknownCatalogueItemError',
      message: 'Unknown catalogue item "topic.does-not-exist"',
    });
  });

  it('getTrainingModule returns modules and rejects other kinds', () => {
    expect(getTrainingModule('training-module.risk-analysis').durationMinutes).toBeGreaterThan(0);
    const error = caught(() => getTrainingModule('topic.office-security'));
    expect(error).toBeInstanceOf(NotATrainingModuleError);
    expect(error).toMatchObject({ id: 'topic.office-security', kind: 'topic' });
  });
});

describe('filterCatalogue', () => {
  it('returns the whole catalogue, in order, without criteria or with empty lists', () => {
    expect(ids(filterCatalogue())).toEqual(ids(catalogue));
    expect(ids(filterCatalogue({ kind: [], tag: [] }))).toEqual(ids(catalogue));
  });

  it('filters by kind, level and source manual', () => {
    expect(ids(filterCatalogue({ kind: 'measure' }))).toEqual(where((i) => i.kind === 'measure'));
    expect(ids(filterCatalogue({ level: 'advanced' }))).toEqual(
      where((i) => i.level === 'advanced'),
    );
    expect(ids(filterCatalogue({ sourceManual: 'rural' }))).toEqual(
      where((i) => i.sourceManual === 'rural'),
    );
  });

  it('combines criteria with AND and list values with OR', () => {
    const result = filterCatalogue({
      kind: ['method', 'measure'],
      sourceManual: 'lgbti',
      level: ['basic', 'intermediate'],
    });
    expect(ids(result)).toEqual(
      where(
        (i) =>
          (i.kind === 'method' || i.kind === 'measure') &&
          i.sourceManual === 'lgbti' &&
          i.level !== 'advanced',
      ),
    );
    expect(ids(result)).toEqual(
      expect.arrayContaining(['method.visibility-decision-making', 'measure.safe-space-protocol']),
    );
    expect(ids(result)).not.toContain('measure.public-event-security');
  });

  it('matches list fields when they hold any wanted value', () => {
    expect(ids(filterCatalogue({ threatType: 'arbitrary-detention' }))).toEqual(
      where((i) => i.threatTypes.includes('arbitrary-detention')),
    );
    expect(ids(filterCatalogue({ threatType: ['sexual-violence', 'social-rejection'] }))).toEqual(
      where(
        (i) =>
          i.threatTypes.includes('sexual-violence') || i.threatTypes.includes('social-rejection'),
      ),
    );
    expect(ids(filterCatalogue({ vulnerabilityCategory: 'psychological' }))).toEqual(
      where((i) => i.vulnerabilityCategories.includes('psychological')),
    );
    expect(ids(filterCatalogue({ spoke: 'incident-response', kind: 'measure' }))).toEqual(
      where((i) => i.kind === 'measure' && i.securityWheelSpokes.includes('incident-response')),
    );
    expect(ids(filterCatalogue({ tag: 'collective-protection' }))).toContain(
      'method.community-collective-response',
    );
  });

  it('returns nothing when no item matches', () => {
    expect(filterCatalogue({ tag: 'no-such-tag' })).toEqual([]);
    expect(
      filterCatalogue({
        kind: 'training-module',
        sourceManual: 'rural',
        level: 'advanced',
        tag: 'lgbti',
      }),
    ).toEqual([]);
  });
});

describe('levelRank', () => {
  it('ranks basic < intermediate < advanced', () => {
    expect([levelRank('basic'), levelRank('intermediate'), levelRank('advanced')]).toEqual([
      1, 2, 3,
    ]);
  });
});

describe('prerequisiteOrder', () => {
  const intro = 'training-module.introduction-to-security-and-protection';
  const risk = 'training-module.risk-analysis';
  const threats = 'training-module.threat-assessment';
  const incidents = 'training-module.security-incidents';
  const plan = 'training-module.security-planning';

  it('puts prerequisites first', () => {
    expect(prerequisiteOrder([plan, risk, intro])).toEqual([intro, risk, plan]);
  });

  it('honours prerequisites reached through modules that were not asked for', () => {
    expect(prerequisiteOrder([threats, intro])).toEqual([intro, threats]);
  });

  it('keeps the input order between unrelated modules and drops repeats', () => {
    const wellbeing = 'training-module.psychological-wellbeing';
    expect(prerequisiteOrder([wellbeing, intro, wellbeing])).toEqual([wellbeing, intro]);
    expect(prerequisiteOrder([intro, wellbeing])).toEqual([intro, wellbeing]);
    expect(prerequisiteOrder([])).toEqual([]);
  });

  it('adds the missing prerequisites when asked to', () => {
    expect(prerequisiteOrder([plan], { includePrerequisites: true })).toEqual([
      intro,
      risk,
      threats,
      incidents,
      plan,
    ]);
  });

  it('rejects unknown ids and items that are not training modules', () => {
    expect(caught(() => prerequisiteOrder(['training-module.unknown']))).toBeInstanceOf(
      UnknownCatalogueItemError,
    );
    expect(caught(() => prerequisiteOrder([intro, 'method.risk-assessment']))).toMatchObject({
      name: 'NotATrainingModuleError',
      id: 'method.risk-assessment',
      kind: 'method',
    });
  });

  it('throws PrerequisiteCycleError naming the cycle', () => {
    const index = indexCatalogue([
      moduleFixture('a', ['b']),
      moduleFixture('b', ['c']),
      moduleFixture('c', ['a']),
      moduleFixture('d'),
    ]);
    const error = caught(() => index.prerequisiteOrder(['training-module.d', 'training-module.a']));
    expect(error).toBeInstanceOf(PrerequisiteCycleError);
    expect(error).toMatchObject({
      code: 'CATALOGUE_PREREQUISITE_CYCLE',
      cycle: ['training-module.a', 'training-module.b', 'training-module.c', 'training-module.a'],
    });
    expect(index.prerequisiteOrder(['training-module.d'])).toEqual(['training-module.d']);
  });

  it('detects a module that requires itself and a cycle below the requested module', () => {
    const index = indexCatalogue([
      moduleFixture('self', ['self']),
      moduleFixture('top', ['x']),
      moduleFixture('x', ['y']),
      moduleFixture('y', ['x']),
    ]);
    expect(caught(() => index.prerequisiteOrder(['training-module.self']))).toMatchObject({
      cycle: ['training-module.self', 'training-module.self'],
    });
    expect(caught(() => index.prerequisiteOrder(['training-module.top']))).toMatchObject({
      cycle: ['training-module.x', 'training-module.y', 'training-module.x'],
    });
  });

  it('reports a prerequisite missing from a custom catalogue', () => {
    const index = indexCatalogue([moduleFixture('a', ['missing'])]);
    expect(caught(() => index.prerequisiteOrder(['training-module.a']))).toMatchObject({
      name: 'UnknownCatalogueItemError',
      id: 'training-module.missing',
    });
  });
});

describe('indexCatalogue', () => {
  it('rejects duplicate ids', () => {
    const error = caught(() => indexCatalogue([moduleFixture('a'), moduleFixture('a')]));
    expect(error).toBeInstanceOf(DuplicateCatalogueItemError);
    expect(error).toMatchObject({ id: 'training-module.a' });
  });

  it('serves look-ups over its own items', () => {
    const index = indexCatalogue([moduleFixture('a'), moduleFixture('b', ['a'])]);
    expect(index.items).toHaveLength(2);
    expect(index.get('training-module.b').id).toBe('training-module.b');
    expect(index.find('topic.office-security')).toBeUndefined();
    expect(ids(index.filter({ kind: 'training-module' }))).toEqual([
      'training-module.a',
      'training-module.b',
    ]);
  });
});
