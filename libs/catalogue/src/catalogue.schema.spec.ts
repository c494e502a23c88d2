import {
  CatalogueFilterSchema,
  CatalogueItemIdSchema,
  CatalogueItemSchema,
  SECURITY_WHEEL_SPOKES,
  SECURITY_WHEEL_SPOKE_LABELS,
  SOURCE_MANUALS,
  SOURCE_MANUAL_TITLES,
  VULNERABILITY_CATEGORIES,
  VULNERABILITY_CATEGORY_LABELS,
  isInterventionItem,
  isTrainingModule,
  type CatalogueFilter,
  type TopicItem,
  type TrainingModule,
} from './catalogue.schema';

const topic: TopicItem = {
  id: 'topic.example-topic',
  kind: 'topic',
  title: 'Example topic',
  summary: 'A topic used to check what the schema accepts and rejects.',
  level: 'basic',
  sourceManual: 'npm',
  sourceRef: 'Assessing risk',
  threatTypes: ['surveillance'],
  vulnerabilityCategories: ['information-management'],
  securityWheelSpokes: ['training'],
  tags: ['example'],
};

const trainingModule: TrainingModule = {
  ...topic,
  id: 'training-module.example-module',
  kind: 'training-module',
  learningObjectives: ['Understand what the schema checks in a module'],
  durationMinutes: 90,
  prerequisites: ['training-module.another-module'],
  relatedItems: ['topic.example-topic'],
};

/** Paths of the issues zod reports for this value. */
function issuePaths(value: unknown): string[] {
  const result = CatalogueItemSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('CatalogueItemSchema', () => {
  it('accepts a valid topic and a valid training module', () => {
    expect(issuePaths(topic)).toEqual([]);
    expect(issuePaths(trainingModule)).toEqual([]);
  });

  it.each([
    ['an id of another kind', { ...topic, id: 'method.example-topic' }, 'id'],
    ['an id that is not kebab-case', { ...topic, id: 'topic.Example_Topic' }, 'id'],
    ['an unknown threat type', { ...topic, threatTypes: ['weather'] }, 'threatTypes.0'],
    ['no threat type', { ...topic, threatTypes: [] }, 'threatTypes'],
    [
      'a repeated threat type',
      { ...topic, threatTypes: ['surveillance', 'surveillance'] },
      'threatTypes',
    ],
    [
      'an unknown vulnerability category',
      { ...topic, vulnerabilityCategories: ['economic'] },
      'vulnerabilityCategories.0',
    ],
    ['an unknown spoke', { ...topic, securityWheelSpokes: ['budget'] }, 'securityWheelSpokes.0'],
    ['an unknown level', { ...topic, level: 'expert' }, 'level'],
    ['an unknown source manual', { ...topic, sourceManual: 'other' }, 'sourceManual'],
    ['a tag that is not kebab-case', { ...topic, tags: ['Digital Security'] }, 'tags.0'],
    ['a one-word summary', { ...topic, summary: 'Short' }, 'summary'],
  ])('rejects an item with %s', (_case, value, path) => {
    expect(issuePaths(value)).toContain(path);
  });

  it('rejects an unknown kind', () => {
    expect(CatalogueItemSchema.safeParse({ ...topic, kind: 'workshop' }).success).toBe(false);
  });

  it.each([
    ['no learning objectives', { ...trainingModule, learningObjectives: [] }, 'learningObjectives'],
    ['a non-integer duration', { ...trainingModule, durationMinutes: 90.5 }, 'durationMinutes'],
    [
      'a topic as prerequisite',
      { ...trainingModule, prerequisites: ['topic.example-topic'] },
      'prerequisites.0',
    ],
    [
      'itself as prerequisite',
      { ...trainingModule, prerequisites: [trainingModule.id] },
      'prerequisites',
    ],
    [
      'a training module as related item',
      { ...trainingModule, relatedItems: ['training-module.another-module'] },
      'relatedItems.0',
    ],
    ['no related item', { ...trainingModule, relatedItems: [] }, 'relatedItems'],
  ])('rejects a training module with %s', (_case, value, path) => {
    expect(issuePaths(value)).toContain(path);
  });

  it('requires the training module fields only of training modules', () => {
    const { learningObjectives: _objectives, ...withoutObjectives } = trainingModule;
    expect(issuePaths(withoutObjectives)).toContain('learningObjectives');
    expect(isTrainingModule(trainingModule)).toBe(true);
    expect(isInterventionItem(topic)).toBe(true);
    expect(isTrainingModule(topic)).toBe(false);
  });
});

describe('CatalogueItemIdSchema', () => {
  it('accepts `<kind>.<kebab-case>` ids only', () => {
    expect(CatalogueItemIdSchema.safeParse('training-module.risk-analysis').success).toBe(true);
    expect(CatalogueItemIdSchema.safeParse('measure.hiding-place').success).toBe(true);
    expect(CatalogueItemIdSchema.safeParse('hiding-place').success).toBe(false);
    expect(CatalogueItemIdSchema.safeParse('module.risk-analysis').success).toBe(false);
    expect(CatalogueItemIdSchema.safeParse('measure.hiding--place').success).toBe(false);
  });
});

describe('controlled lists', () => {
  it('has exactly the seven vulnerability categories of the risk assessment', () => {
    expect(VULNERABILITY_CATEGORIES).toEqual([
      'geographical-physical-technical',
      'conflict-related',
      'legal-political',
      'information-management',
      'social-organisational',
      'psychological',
      'work-security-resources',
    ]);
  });

  it('has the eight security wheel spokes in the order of the design', () => {
    expect(SECURITY_WHEEL_SPOKES).toEqual([
      'on-the-job-experience',
      'training',
      'awareness-attitude',
      'security-planning',
      'responsibilities',
      'rules-compliance',
      'incident-response',
      'evaluation',
    ]);
  });

  it('labels every spoke, category and manual', () => {
    expect(Object.keys(SECURITY_WHEEL_SPOKE_LABELS).sort()).toEqual(
      [...SECURITY_WHEEL_SPOKES].sort(),
    );
    expect(Object.keys(VULNERABILITY_CATEGORY_LABELS).sort()).toEqual(
      [...VULNERABILITY_CATEGORIES].sort(),
    );
    expect(Object.keys(SOURCE_MANUAL_TITLES).sort()).toEqual([...SOURCE_MANUALS].sort());
  });
});

describe('CatalogueFilterSchema', () => {
  it('parses single values and lists into a CatalogueFilter', () => {
    const filter: CatalogueFilter = CatalogueFilterSchema.parse({
      kind: 'method',
      level: ['basic', 'intermediate'],
      tag: 'lgbti',
    });
    expect(filter).toEqual({ kind: 'method', level: ['basic', 'intermediate'], tag: 'lgbti' });
  });

  it('rejects values outside the controlled lists', () => {
    const result = CatalogueFilterSchema.safeParse({ spoke: 'budget', threatType: ['weather'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0]).sort()).toEqual([
      'spoke',
      'threatType',
    ]);
  });
});
