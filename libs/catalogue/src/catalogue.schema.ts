import {
  INTERVENTION_KINDS,
  THREAT_TYPES,
  SECURITY_WHEEL_SPOKES,
  TRAINING_LEVELS,
  VULNERABILITY_CATEGORIES,
} from '@trellis/contracts';
import { z } from 'zod';

/*
 * The protection catalogue's vocabulary: controlled lists, the zod schemas of a catalogue item
 * and the TypeScript types inferred from them. Pure data, no infrastructure.
 */

/** The kinds of catalogue item. Methods, measures and topics are the interventions an agreement chooses; training modules teach them. */
export const CATALOGUE_KINDS = ['method', 'measure', 'topic', 'training-module'] as const;
export const CatalogueKindSchema = z.enum(CATALOGUE_KINDS);
export type CatalogueKind = z.infer<typeof CatalogueKindSchema>;

/** The kinds an agreement intervention can reference (DESIGN.md §1: methods, measures, topics). */
export { INTERVENTION_KINDS };
export const InterventionKindSchema = z.enum(INTERVENTION_KINDS);
export type InterventionKind = z.infer<typeof InterventionKindSchema>;

/** Levels of complexity of training and interventions, from the simplest. */
/** Same list as `TRAINING_LEVELS` of libs/contracts. */
export const CATALOGUE_LEVELS = TRAINING_LEVELS;
export const CatalogueLevelSchema = z.enum(CATALOGUE_LEVELS);
export type CatalogueLevel = z.infer<typeof CatalogueLevelSchema>;

/**
 * Reference manuals each item cites:
 * `npm` — New Protection Manual for Human Rights Defenders (Protection International);
 * `lgbti` — Protection Manual for LGBTI Defenders (Protection International);
 * `rural` — Protection Guide for human rights defenders in rural areas (Protection International).
 */
export const SOURCE_MANUALS = ['npm', 'lgbti', 'rural'] as const;
export const SourceManualSchema = z.enum(SOURCE_MANUALS);
export type SourceManual = z.infer<typeof SourceManualSchema>;

/** Full titles of the source manuals, for display and citations. */
export const SOURCE_MANUAL_TITLES: Readonly<Record<SourceManual, string>> = {
  npm: 'New Protection Manual for Human Rights Defenders',
  lgbti: 'Protection Manual for LGBTI Defenders',
  rural: 'Protection Guide for Human Rights Defenders in Rural Areas',
};

/**
 * Types of threat or attack a catalogue item helps to prevent or respond to.
 * `intimidation` covers direct threats and harassment short of physical violence;
 * `social-rejection` covers rejection, expulsion or violence from family and community.
 */
export { THREAT_TYPES };
export const ThreatTypeSchema = z.enum(THREAT_TYPES);
export type ThreatType = z.infer<typeof ThreatTypeSchema>;

/** The NPM's categories of vulnerability (and of capacity) used in risk assessment. */
export { VULNERABILITY_CATEGORIES };
export const VulnerabilityCategorySchema = z.enum(VULNERABILITY_CATEGORIES);
export type VulnerabilityCategory = z.infer<typeof VulnerabilityCategorySchema>;

/** Display labels of the vulnerability categories. */
export const VULNERABILITY_CATEGORY_LABELS: Readonly<Record<VulnerabilityCategory, string>> = {
  'geographical-physical-technical': 'Geographical, physical and technical factors',
  'conflict-related': 'Conflict-related factors',
  'legal-political': 'Legal and political factors',
  'information-management': 'Information management',
  'social-organisational': 'Social and organisational factors',
  psychological: 'Psychological factors (individual and group)',
  'work-security-resources': 'Work security resources',
};

/** The eight spokes of the security wheel of organisational security management (DESIGN.md §2). */
export { SECURITY_WHEEL_SPOKES };
export const SecurityWheelSpokeSchema = z.enum(SECURITY_WHEEL_SPOKES);
export type SecurityWheelSpoke = z.infer<typeof SecurityWheelSpokeSchema>;

/** Display labels of the security wheel spokes. */
export const SECURITY_WHEEL_SPOKE_LABELS: Readonly<Record<SecurityWheelSpoke, string>> = {
  'on-the-job-experience': 'On-the-job experience',
  training: 'Training',
  'awareness-attitude': 'Awareness and attitude',
  'security-planning': 'Security planning',
  responsibilities: 'Assignment of responsibilities',
  'rules-compliance': 'Ownership of and compliance with rules',
  'incident-response': 'Analysis of and response to incidents',
  evaluation: 'Evaluation of security management',
};

const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';

/** A tag: lower-case kebab-case. Organisation focus areas (lgbti, land-environment, indigenous, journalism, women-hrd) are used as tags where an item fits them. */
export const CatalogueTagSchema = z
  .string()
  .regex(new RegExp(`^${SLUG}$`), 'tags are lower-case kebab-case');

/** A catalogue item id: the kind, a dot, then a kebab-case slug, e.g. `topic.office-security`. */
export const CatalogueItemIdSchema = z
  .string()
  .regex(
    new RegExp(`^(?:${CATALOGUE_KINDS.join('|')})\\.${SLUG}$`),
    'catalogue ids are `<kind>.<kebab-case-slug>`',
  );

const idOfKinds = (kinds: readonly CatalogueKind[]) =>
  z
    .string()
    .regex(
      new RegExp(`^(?:${kinds.join('|')})\\.${SLUG}$`),
      `expected the id of a ${kinds.join(' or ')} (\`<kind>.<kebab-case-slug>\`)`,
    );

const isUnique = (values: readonly unknown[]) => new Set(values).size === values.length;

/** A non-empty array without repeated values. */
const nonEmptySet = <T extends z.ZodType>(element: T) =>
  z.array(element).min(1).refine(isUnique, 'values must not repeat');

/** An array (possibly empty) without repeated values. */
const uniqueList = <T extends z.ZodType>(element: T) =>
  z.array(element).refine(isUnique, 'values must not repeat');

const itemShape = {
  title: z.string().trim().min(3).max(120),
  summary: z.string().trim().min(20).max(400),
  level: CatalogueLevelSchema,
  sourceManual: SourceManualSchema,
  /** Chapter or section of the source manual, descriptive (no page numbers). */
  sourceRef: z.string().trim().min(3).max(200),
  threatTypes: nonEmptySet(ThreatTypeSchema),
  vulnerabilityCategories: nonEmptySet(VulnerabilityCategorySchema),
  securityWheelSpokes: nonEmptySet(SecurityWheelSpokeSchema),
  tags: uniqueList(CatalogueTagSchema),
};

/** A method, e.g. organising the community to respond collectively to threats. */
export const MethodItemSchema = z.object({
  id: idOfKinds(['method']),
  kind: z.literal('method'),
  ...itemShape,
});

/** A measure, e.g. preventive warning of authorities who can intervene. */
export const MeasureItemSchema = z.object({
  id: idOfKinds(['measure']),
  kind: z.literal('measure'),
  ...itemShape,
});

/** A topic, e.g. office security or the use of UN special mechanisms. */
export const TopicItemSchema = z.object({
  id: idOfKinds(['topic']),
  kind: z.literal('topic'),
  ...itemShape,
});

/** A training module: teaches methods, measures and topics, possibly after other modules. */
export const TrainingModuleSchema = z
  .object({
    id: idOfKinds(['training-module']),
    kind: z.literal('training-module'),
    ...itemShape,
    learningObjectives: z.array(z.string().trim().min(10).max(300)).min(1),
    durationMinutes: z
      .number()
      .int()
      .min(15)
      .max(8 * 60 * 5),
    /** Ids of training modules to take first. */
    prerequisites: uniqueList(idOfKinds(['training-module'])),
    /** Ids of the methods, measures and topics the module teaches. */
    relatedItems: nonEmptySet(idOfKinds(INTERVENTION_KINDS)),
  })
  .refine((m) => !m.prerequisites.includes(m.id), {
    message: 'a training module cannot be its own prerequisite',
    path: ['prerequisites'],
  });

/** Any catalogue item, discriminated by `kind`. */
export const CatalogueItemSchema = z.discriminatedUnion('kind', [
  MethodItemSchema,
  MeasureItemSchema,
  TopicItemSchema,
  TrainingModuleSchema,
]);

export type MethodItem = z.infer<typeof MethodItemSchema>;
export type MeasureItem = z.infer<typeof MeasureItemSchema>;
export type TopicItem = z.infer<typeof TopicItemSchema>;
export type TrainingModule = z.infer<typeof TrainingModuleSchema>;
/** A method, measure or topic: what an agreement intervention references. */
export type InterventionItem = MethodItem | MeasureItem | TopicItem;
export type CatalogueItem = z.infer<typeof CatalogueItemSchema>;

/** True when the item is a training module. */
export function isTrainingModule(item: CatalogueItem): item is TrainingModule {
  return item.kind === 'training-module';
}

/** True when the item is a method, measure or topic. */
export function isInterventionItem(item: CatalogueItem): item is InterventionItem {
  return item.kind !== 'training-module';
}

const oneOrMany = <T extends z.ZodType>(element: T) => z.union([element, z.array(element)]);

/**
 * Criteria of `filterCatalogue`. Every given criterion must match (AND); a criterion given as
 * an array matches any of its values (OR); an absent or empty criterion does not restrict.
 */
export const CatalogueFilterSchema = z.object({
  kind: oneOrMany(CatalogueKindSchema).optional(),
  level: oneOrMany(CatalogueLevelSchema).optional(),
  sourceManual: oneOrMany(SourceManualSchema).optional(),
  threatType: oneOrMany(ThreatTypeSchema).optional(),
  vulnerabilityCategory: oneOrMany(VulnerabilityCategorySchema).optional(),
  spoke: oneOrMany(SecurityWheelSpokeSchema).optional(),
  tag: oneOrMany(CatalogueTagSchema).optional(),
});

/** One value or a list of values (any of them). */
export type OneOrMany<T> = T | readonly T[];

/** Criteria of `filterCatalogue` (see `CatalogueFilterSchema`). */
export interface CatalogueFilter {
  readonly kind?: OneOrMany<CatalogueKind>;
  readonly level?: OneOrMany<CatalogueLevel>;
  readonly sourceManual?: OneOrMany<SourceManual>;
  readonly threatType?: OneOrMany<ThreatType>;
  readonly vulnerabilityCategory?: OneOrMany<VulnerabilityCategory>;
  readonly spoke?: OneOrMany<SecurityWheelSpoke>;
  readonly tag?: OneOrMany<string>;
}
