import { Controller, Put } from '@nestjs/common';
import {
  INTERNAL_ENGAGEMENT_PHASE_PATH,
  SetEngagementPhaseRequestSchema,
  type SetEngagementPhaseRequest,
} from '@trellis/contracts';
import { CurrentUser, InternalOnly, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam } from '@trellis/platform-http';
import {
  EngagementIdParamSchema,
  EngagementViewSchema,
  type EngagementView,
} from './engagements.schema';
import { EngagementsService } from './engagements.service';

/** Internal endpoints the orchestrator calls (service tokens only). */
@Controller()
@InternalOnly()
export class EngagementsInternalController {
  constructor(private readonly engagements: EngagementsService) {}

  @Put(INTERNAL_ENGAGEMENT_PHASE_PATH)
  @ApiOperation({
    summary: "Set an engagement's phase (the only way a phase changes); idempotent by requestId",
    tags: ['internal'],
    internal: true,
    params: { engagementId: EngagementIdParamSchema },
    body: SetEngagementPhaseRequestSchema,
    response: EngagementViewSchema,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
  })
  setPhase(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidBody(SetEngagementPhaseRequestSchema) body: SetEngagementPhaseRequest,
    @CurrentUser() caller: Principal,
  ): Promise<EngagementView> {
    return this.engagements.setPhase(engagementId, body, caller);
  }
}
