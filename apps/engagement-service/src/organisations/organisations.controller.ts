import { Controller, Get, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidParam } from '@trellis/platform-http';
import { z } from 'zod';
import { CountryAwareBody } from '../common/validation';
import {
  OrganisationIdParamSchema,
  OrganisationViewSchema,
  RegisterOrganisationSchema,
  UpdateOrganisationSchema,
  type OrganisationView,
  type RegisterOrganisation,
  type UpdateOrganisation,
} from './organisations.schema';
import { OrganisationsService } from './organisations.service';

const READERS = ['admin', 'program-manager', 'protection-officer', 'defender'] as const;

/**
 * `/organisations`: program managers register organisations of their unit and update them;
 * defender users read and update their own organisation; officers read their unit's.
 */
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @Roles('admin', 'program-manager')
  @ApiOperation({
    summary: 'Register a defender organisation (name and contacts are stored encrypted)',
    tags: ['organisations'],
    roles: ['admin', 'program-manager'],
    body: RegisterOrganisationSchema,
    response: OrganisationViewSchema,
    errors: ['UNKNOWN_COUNTRY'],
  })
  register(
    @CountryAwareBody(RegisterOrganisationSchema) body: RegisterOrganisation,
    @CurrentUser() user: Principal,
  ): Promise<OrganisationView> {
    return this.organisations.register(body, user);
  }

  @Put(':organisationId')
  @Roles('admin', 'program-manager', 'defender')
  @ApiOperation({
    summary: "Replace an organisation's profile, name and contacts",
    tags: ['organisations'],
    roles: ['admin', 'program-manager', 'defender'],
    params: { organisationId: OrganisationIdParamSchema },
    body: UpdateOrganisationSchema,
    response: OrganisationViewSchema,
    errors: ['UNKNOWN_COUNTRY', 'NOT_FOUND', 'VERSION_CONFLICT', 'ORGANISATION_ERASED'],
  })
  update(
    @ValidParam('organisationId', OrganisationIdParamSchema) organisationId: string,
    @CountryAwareBody(UpdateOrganisationSchema) body: UpdateOrganisation,
    @CurrentUser() user: Principal,
  ): Promise<OrganisationView> {
    return this.organisations.update(organisationId, body, user);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: "The organisations in the caller's scope",
    tags: ['organisations'],
    roles: [...READERS],
    response: z.array(OrganisationViewSchema),
  })
  list(@CurrentUser() user: Principal): Promise<OrganisationView[]> {
    return this.organisations.list(user);
  }

  @Get(':organisationId')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One organisation',
    tags: ['organisations'],
    roles: [...READERS],
    params: { organisationId: OrganisationIdParamSchema },
    response: OrganisationViewSchema,
    errors: ['NOT_FOUND', 'ORGANISATION_ERASED'],
  })
  get(
    @ValidParam('organisationId', OrganisationIdParamSchema) organisationId: string,
    @CurrentUser() user: Principal,
  ): Promise<OrganisationView> {
    return this.organisations.get(organisationId, user);
  }
}
