import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam } from '@trellis/platform-http';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { noteAudit } from '../audit/audit.hook';
import {
  ConfirmErasureBodySchema,
  ErasureIdParamSchema,
  ErasureReportSchema,
  OrganisationParamSchema,
  type ErasureReport,
} from './erasure.schema';
import { ErasureService } from './erasure.service';

/** Organisation erasure for admins: request, confirm, follow the report. */
@Controller('api/admin')
@Roles('admin')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post('organisations/:organisationId/erasure-requests')
  @ApiOperation({
    summary: 'Ask to erase an organisation (answers a one-time confirmation code)',
    description:
      'Nothing is erased yet: confirm within 15 minutes with the code and the organisation id.',
    params: { organisationId: OrganisationParamSchema },
    response: ErasureReportSchema,
    roles: ['admin'],
    tags: ['admin'],
  })
  request(
    @ValidParam('organisationId', OrganisationParamSchema) organisationId: string,
    @CurrentUser() admin: Principal,
    @Req() request: FastifyRequest,
  ): Promise<ErasureReport> {
    noteAudit(request, { action: 'erasure.requested' });
    return this.erasure.request(organisationId, admin);
  }

  @Post('erasure-requests/:erasureRequestId/confirm')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Confirm an erasure: every service crypto-shreds and purges the organisation',
    params: { erasureRequestId: ErasureIdParamSchema },
    body: ConfirmErasureBodySchema,
    response: ErasureReportSchema,
    status: 202,
    roles: ['admin'],
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'CONFLICT'],
    tags: ['admin'],
  })
  confirm(
    @ValidParam('erasureRequestId', ErasureIdParamSchema) id: string,
    @ValidBody(ConfirmErasureBodySchema) body: z.infer<typeof ConfirmErasureBodySchema>,
    @CurrentUser() admin: Principal,
    @Req() request: FastifyRequest,
  ): Promise<ErasureReport> {
    noteAudit(request, { action: 'erasure.confirmed' });
    return this.erasure.confirm(id, body, admin);
  }

  @Get('erasure-requests/:erasureRequestId')
  @ApiOperation({
    summary: 'The erasure report: status, what each service removed, who has not reported yet',
    params: { erasureRequestId: ErasureIdParamSchema },
    response: ErasureReportSchema,
    roles: ['admin'],
    errors: ['NOT_FOUND'],
    tags: ['admin'],
  })
  get(@ValidParam('erasureRequestId', ErasureIdParamSchema) id: string): Promise<ErasureReport> {
    return this.erasure.get(id);
  }
}
