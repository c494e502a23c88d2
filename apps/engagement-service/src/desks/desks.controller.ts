import { Controller, Get, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidParam } from '@trellis/platform-http';
import { z } from 'zod';
import { CountryAwareBody } from '../common/validation';
import {
  CreateDeskSchema,
  DeskIdParamSchema,
  DeskViewSchema,
  UpdateDeskSchema,
  type CreateDesk,
  type DeskView,
  type UpdateDesk,
} from './desks.schema';
import { DesksService } from './desks.service';

/** `/desks`: admins manage the Protection Desks; staff may read them. */
@Controller('desks')
export class DesksController {
  constructor(private readonly desks: DesksService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a Protection Desk covering some countries',
    tags: ['desks'],
    roles: ['admin'],
    body: CreateDeskSchema,
    response: DeskViewSchema,
    errors: ['UNKNOWN_COUNTRY', 'COUNTRY_ALREADY_COVERED', 'DUPLICATE'],
  })
  create(
    @CountryAwareBody(CreateDeskSchema) body: CreateDesk,
    @CurrentUser() user: Principal,
  ): Promise<DeskView> {
    return this.desks.create(body, user);
  }

  @Put(':deskId')
  @Roles('admin')
  @ApiOperation({
    summary: 'Rename a desk and set the countries it covers (existing engagements stay)',
    tags: ['desks'],
    roles: ['admin'],
    params: { deskId: DeskIdParamSchema },
    body: UpdateDeskSchema,
    response: DeskViewSchema,
    errors: ['UNKNOWN_COUNTRY', 'COUNTRY_ALREADY_COVERED', 'NOT_FOUND', 'VERSION_CONFLICT'],
  })
  update(
    @ValidParam('deskId', DeskIdParamSchema) deskId: string,
    @CountryAwareBody(UpdateDeskSchema) body: UpdateDesk,
    @CurrentUser() user: Principal,
  ): Promise<DeskView> {
    return this.desks.update(deskId, body, user);
  }

  @Get()
  @Roles('admin', 'program-manager', 'protection-officer')
  @ApiOperation({
    summary: 'List the desks',
    tags: ['desks'],
    roles: ['admin', 'program-manager', 'protection-officer'],
    response: z.array(DeskViewSchema),
  })
  list(): Promise<DeskView[]> {
    return this.desks.list();
  }

  @Get(':deskId')
  @Roles('admin', 'program-manager', 'protection-officer')
  @ApiOperation({
    summary: 'One desk',
    tags: ['desks'],
    roles: ['admin', 'program-manager', 'protection-officer'],
    params: { deskId: DeskIdParamSchema },
    response: DeskViewSchema,
    errors: ['NOT_FOUND'],
  })
  get(@ValidParam('deskId', DeskIdParamSchema) deskId: string): Promise<DeskView> {
    return this.desks.get(deskId);
  }
}
