import {
  CatalogueKindSchema,
  CatalogueLevelSchema,
  SourceManualSchema,
  ThreatTypeSchema,
} from '@trellis/catalogue';
import { z } from 'zod';

/** `GET /catalogue` filters: kind, level, source manual, threat type (each optional). */
export const CatalogueQuerySchema = z.strictObject({
  kind: CatalogueKindSchema.optional(),
  level: CatalogueLevelSchema.optional(),
  sourceManual: SourceManualSchema.optional(),
  threatType: ThreatTypeSchema.optional(),
});
export type CatalogueQuery = z.infer<typeof CatalogueQuerySchema>;

/** A catalogue item id in a path. */
export const CatalogueItemIdParam = z.string().min(1).max(200);
