import { Controller, Get } from '@nestjs/common';
import { IdSchema } from '@trellis/contracts';
import { TIMELINE_SOURCES, type TimelineEntry } from '@trellis/coaching-domain';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidParam } from '@trellis/platform-http';
import { z } from 'zod';
import { TimelineService } from './timeline.service';

const TimelineEntrySchema = z.object({
  at: z.string(),
  source: z.enum(TIMELINE_SOURCES),
  id: z.string(),
  what: z.string(),
  details: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .optional(),
});

/** `GET /engagements/:engagementId/timeline`. */
@Controller()
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get('engagements/:engagementId/timeline')
  @Roles('admin', 'program-manager')
  @ApiOperation({
    summary: 'Follow-ups, autonomy reviews and notifications of an engagement, oldest first',
    tags: ['timeline'],
    roles: ['admin', 'program-manager'],
    params: { engagementId: IdSchema },
    response: z.array(TimelineEntrySchema),
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('engagementId', IdSchema) engagementId: string,
    @CurrentUser() user: Principal,
  ): Promise<TimelineEntry[]> {
    return this.timeline.timeline(engagementId, user);
  }
}
