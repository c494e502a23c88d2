import { Controller, Get } from '@nestjs/common';
import { Roles } from '@trellis/platform-auth';
import { ApiOperation, ValidParam, ValidQuery } from '@trellis/platform-http';
import { EVERYONE } from '../common/access';
import {
  CatalogueItemIdParam,
  CatalogueQuerySchema,
  type CatalogueQuery,
} from './catalogue.schema';
import { CatalogueService, type CatalogueItemView } from './catalogue.service';

/** `/catalogue`: methods, measures, topics and training modules (not identifiable: everyone). */
@Controller('catalogue')
@Roles(...EVERYONE)
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({
    summary: 'Browse the catalogue by kind, level, source manual and threat type',
    tags: ['catalogue'],
    roles: EVERYONE,
    query: CatalogueQuerySchema,
  })
  list(@ValidQuery(CatalogueQuerySchema) query: CatalogueQuery): CatalogueItemView[] {
    return this.catalogue.list(query);
  }

  @Get(':itemId')
  @ApiOperation({
    summary: 'One catalogue item; modules with learning objectives, duration and prerequisites',
    tags: ['catalogue'],
    roles: EVERYONE,
    params: { itemId: CatalogueItemIdParam },
    errors: ['NOT_FOUND'],
  })
  get(@ValidParam('itemId', CatalogueItemIdParam) itemId: string): CatalogueItemView {
    return this.catalogue.get(itemId);
  }
}
