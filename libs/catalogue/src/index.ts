/**
 * @trellis/catalogue — the protection catalogue as data: methods, measures, topics and training
 * modules with their controlled vocabularies, zod schemas and look-ups.
 */
export * from './catalogue.schema';
export * from './catalogue.errors';
export { catalogue } from './catalogue.data';
export {
  filterCatalogue,
  findCatalogueItem,
  getCatalogueItem,
  getTrainingModule,
  indexCatalogue,
  levelRank,
  prerequisiteOrder,
  type CatalogueIndex,
  type PrerequisiteOrderOptions,
} from './catalogue.queries';
