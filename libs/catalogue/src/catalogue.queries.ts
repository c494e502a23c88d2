import { catalogue } from './catalogue.data';
import {
  DuplicateCatalogueItemError,
  NotATrainingModuleError,
  PrerequisiteCycleError,
  UnknownCatalogueItemError,
} from './catalogue.errors';
import {
  isTrainingModule,
  type CatalogueFilter,
  type CatalogueItem,
  type CatalogueLevel,
  type OneOrMany,
  type TrainingModule,
} from './catalogue.schema';

const LEVEL_RANK: Readonly<Record<CatalogueLevel, number>> = {
  basic: 1,
  intermediate: 2,
  advanced: 3,
};

/** Numeric rank of a level of complexity: basic 1, intermediate 2, advanced 3. */
export function levelRank(level: CatalogueLevel): number {
  return LEVEL_RANK[level];
}

/** Options of `prerequisiteOrder`. */
export interface PrerequisiteOrderOptions {
  /** Also return the (transitive) prerequisites that were not asked for. Default false. */
  readonly includePrerequisites?: boolean;
}

/** Look-ups over one list of catalogue items. */
export interface CatalogueIndex {
  /** The items, in catalogue order. */
  readonly items: readonly CatalogueItem[];
  /** The item with this id, or undefined. */
  find(id: string): CatalogueItem | undefined;
  /** The item with this id; throws `UnknownCatalogueItemError` when there is none. */
  get(id: string): CatalogueItem;
  /** The training module with this id; throws `UnknownCatalogueItemError` or `NotATrainingModuleError`. */
  getTrainingModule(id: string): TrainingModule;
  /** The items matching every given criterion, in catalogue order. */
  filter(filter?: CatalogueFilter): CatalogueItem[];
  /**
   * Orders training module ids so that every module comes after its prerequisites, including
   * prerequisites reached through modules that were not asked for. Ties keep the input order.
   * Repeated ids are returned once. Throws `UnknownCatalogueItemError`,
   * `NotATrainingModuleError`, or `PrerequisiteCycleError` when prerequisites form a cycle.
   */
  prerequisiteOrder(ids: readonly string[], options?: PrerequisiteOrderOptions): string[];
}

const isList = <T>(value: OneOrMany<T>): value is readonly T[] => Array.isArray(value);

function asList<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return isList(value) ? value : [value];
}

/** A criterion on a single-valued field: no criterion, or the field is one of the wanted values. */
function matchesOne<T>(wanted: OneOrMany<T> | undefined, actual: T): boolean {
  const list = asList(wanted);
  return list.length === 0 || list.includes(actual);
}

/** A criterion on a list field: no criterion, or the field holds at least one wanted value. */
function matchesAny<T>(wanted: OneOrMany<T> | undefined, actual: readonly T[]): boolean {
  const list = asList(wanted);
  return list.length === 0 || list.some((value) => actual.includes(value));
}

function matches(item: CatalogueItem, filter: CatalogueFilter): boolean {
  return (
    matchesOne(filter.kind, item.kind) &&
    matchesOne(filter.level, item.level) &&
    matchesOne(filter.sourceManual, item.sourceManual) &&
    matchesAny(filter.threatType, item.threatTypes) &&
    matchesAny(filter.vulnerabilityCategory, item.vulnerabilityCategories) &&
    matchesAny(filter.spoke, item.securityWheelSpokes) &&
    matchesAny(filter.tag, item.tags)
  );
}

/**
 * Indexes a list of catalogue items for look-ups. Throws `DuplicateCatalogueItemError` when two
 * items share an id. The items are used as given (validate them with `CatalogueItemSchema`
 * first when they do not come from the built-in catalogue).
 */
export function indexCatalogue(items: readonly CatalogueItem[]): CatalogueIndex {
  const byId = new Map<string, CatalogueItem>();
  for (const item of items) {
    if (byId.has(item.id)) throw new DuplicateCatalogueItemError(item.id);
    byId.set(item.id, item);
  }

  const find = (id: string): CatalogueItem | undefined => byId.get(id);

  const get = (id: string): CatalogueItem => {
    const item = byId.get(id);
    if (!item) throw new UnknownCatalogueItemError(id);
    return item;
  };

  const getTrainingModule = (id: string): TrainingModule => {
    const item = get(id);
    if (!isTrainingModule(item)) throw new NotATrainingModuleError(id, item.kind);
    return item;
  };

  const filter = (criteria: CatalogueFilter = {}): CatalogueItem[] =>
    items.filter((item) => matches(item, criteria));

  const prerequisiteOrder = (
    ids: readonly string[],
    options: PrerequisiteOrderOptions = {},
  ): string[] => {
    const requested = new Set<string>();
    for (const id of ids) {
      getTrainingModule(id);
      requested.add(id);
    }
    const done = new Set<string>();
    const path: string[] = [];
    const order: string[] = [];
    // Depth-first: a module is emitted after all of its prerequisites; a module met again while
    // it is still on the path closes a cycle.
    const visit = (id: string): void => {
      if (done.has(id)) return;
      const onPath = path.indexOf(id);
      if (onPath >= 0) throw new PrerequisiteCycleError([...path.slice(onPath), id]);
      const trainingModule = getTrainingModule(id);
      path.push(id);
      for (const prerequisite of trainingModule.prerequisites) visit(prerequisite);
      path.pop();
      done.add(id);
      if (options.includePrerequisites || requested.has(id)) order.push(id);
    };
    for (const id of requested) visit(id);
    return order;
  };

  return { items, find, get, getTrainingModule, filter, prerequisiteOrder };
}

const builtIn = indexCatalogue(catalogue);

/** The built-in catalogue item with this id, or undefined. */
export function findCatalogueItem(id: string): CatalogueItem | undefined {
  return builtIn.find(id);
}

/** The built-in catalogue item with this id; throws `UnknownCatalogueItemError` when there is none. */
export function getCatalogueItem(id: string): CatalogueItem {
  return builtIn.get(id);
}

/** The built-in training module with this id; throws `UnknownCatalogueItemError` or `NotATrainingModuleError`. */
export function getTrainingModule(id: string): TrainingModule {
  return builtIn.getTrainingModule(id);
}

/**
 * The built-in catalogue items matching every given criterion, in catalogue order. A criterion
 * given as a list matches any of its values; list fields (threat types, categories, spokes,
 * tags) match when they hold at least one wanted value.
 */
export function filterCatalogue(filter: CatalogueFilter = {}): CatalogueItem[] {
  return builtIn.filter(filter);
}

/** `CatalogueIndex.prerequisiteOrder` over the built-in catalogue. */
export function prerequisiteOrder(
  ids: readonly string[],
  options?: PrerequisiteOrderOptions,
): string[] {
  return builtIn.prerequisiteOrder(ids, options);
}
