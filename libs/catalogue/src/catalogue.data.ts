import type { CatalogueItem } from './catalogue.schema';
import { measures } from './data/measures.data';
import { methods } from './data/methods.data';
import { topics } from './data/topics.data';
import { trainingModules } from './data/training-modules.data';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}

/**
 * The protection catalogue: methods, measures, topics and training modules drawn from the New
 * Protection Manual for HRDs, the Protection Manual for LGBTI Defenders and the Protection Guide
 * for defenders in rural areas. Deeply frozen: items are shared and must not be mutated.
 */
export const catalogue: readonly CatalogueItem[] = deepFreeze([
  ...methods,
  ...measures,
  ...topics,
  ...trainingModules,
]);
