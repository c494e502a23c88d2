import type { CatalogueKind } from './catalogue.schema';

/** Base class of every error the catalogue throws. */
export abstract class CatalogueError extends Error {
  /** Stable machine-readable code, e.g. for mapping to an HTTP problem type. */
  abstract readonly code: string;
}

/** No catalogue item has this id. */
export class UnknownCatalogueItemError extends CatalogueError {
  override readonly name = 'UnknownCatalogueItemError';
  readonly code = 'CATALOGUE_ITEM_UNKNOWN';

  constructor(readonly id: string) {
    super(`Unknown catalogue item "${id}"`);
  }
}

/** The item exists but is not a training module where one is required. */
export class NotATrainingModuleError extends CatalogueError {
  override readonly name = 'NotATrainingModuleError';
  readonly code = 'CATALOGUE_ITEM_NOT_A_TRAINING_MODULE';

  constructor(
    readonly id: string,
    readonly kind: CatalogueKind,
  ) {
    super(`Catalogue item "${id}" is a ${kind}, not a training module`);
  }
}

/** Two catalogue items share one id. */
export class DuplicateCatalogueItemError extends CatalogueError {
  override readonly name = 'DuplicateCatalogueItemError';
  readonly code = 'CATALOGUE_ITEM_DUPLICATE';

  constructor(readonly id: string) {
    super(`Catalogue item id "${id}" is used more than once`);
  }
}

/** Training module prerequisites form a cycle; `cycle` lists it, its first id repeated last. */
export class PrerequisiteCycleError extends CatalogueError {
  override readonly name = 'PrerequisiteCycleError';
  readonly code = 'CATALOGUE_PREREQUISITE_CYCLE';

  constructor(readonly cycle: readonly string[]) {
    super(`Training module prerequisites form a cycle: ${cycle.join(' -> ')}`);
  }
}
