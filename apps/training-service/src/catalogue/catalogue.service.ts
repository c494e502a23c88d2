import { Injectable } from '@nestjs/common';
import {
  filterCatalogue,
  findCatalogueItem,
  isTrainingModule,
  prerequisiteOrder,
  type CatalogueFilter,
  type CatalogueItem,
  type TrainingModule,
} from '@trellis/catalogue';
import { ApiError, type FieldError } from '@trellis/platform-http';
import { NotFoundError } from '@trellis/platform-mongo';
import type { CatalogueQuery } from './catalogue.schema';

/** A catalogue item as the API returns it; training modules also list every prerequisite. */
export type CatalogueItemView = CatalogueItem & {
  /** Training modules: every (transitive) prerequisite, in the order to take them. */
  allPrerequisites?: string[];
};

/** The built-in catalogue (`@trellis/catalogue`): browsing and checking module references. */
@Injectable()
export class CatalogueService {
  /** Items matching every given criterion, in catalogue order. */
  list(query: CatalogueQuery): CatalogueItemView[] {
    const filter: CatalogueFilter = {
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.level ? { level: query.level } : {}),
      ...(query.sourceManual ? { sourceManual: query.sourceManual } : {}),
      ...(query.threatType ? { threatType: query.threatType } : {}),
    };
    return filterCatalogue(filter).map((item) => this.view(item));
  }

  /** One item; 404 when there is none. */
  get(id: string): CatalogueItemView {
    const item = findCatalogueItem(id);
    if (!item) throw new NotFoundError('CatalogueItem');
    return this.view(item);
  }

  /**
   * The training modules `ids`; 400 `UNKNOWN_CATALOGUE_ITEM` naming each id (under `path`)
   * that is no training module.
   */
  trainingModules(ids: readonly string[], path: string): TrainingModule[] {
    const found: TrainingModule[] = [];
    const problems: FieldError[] = [];
    ids.forEach((id, i) => {
      const item = findCatalogueItem(id);
      if (item && isTrainingModule(item)) found.push(item);
      else
        problems.push({ path: `${path}.${i}`, message: 'is no training module of the catalogue' });
    });
    if (problems.length > 0) {
      throw new ApiError('UNKNOWN_CATALOGUE_ITEM', 'A module is not in the catalogue.', problems);
    }
    return found;
  }

  private view(item: CatalogueItem): CatalogueItemView {
    if (!isTrainingModule(item)) return item;
    const all = prerequisiteOrder([item.id], { includePrerequisites: true }).filter(
      (id) => id !== item.id,
    );
    return { ...item, allPrerequisites: all };
  }
}
