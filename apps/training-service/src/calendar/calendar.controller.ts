import { Controller, Get, Header, Param, Post } from '@nestjs/common';
import { CurrentUser, Public, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody } from '@trellis/platform-http';
import { READERS } from '../common/access';
import { CreateFeedSchema, type CreateFeed, type FeedCreatedView } from './calendar.schema';
import { CalendarService } from './calendar.service';

/** `/calendar`: iCalendar feeds of upcoming sessions. */
@Controller('calendar')
@Roles(...READERS)
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Post('feeds')
  @ApiOperation({
    summary: 'Create or rotate a calendar feed (an officer’s own, or an organisation’s)',
    tags: ['calendar'],
    roles: READERS,
    body: CreateFeedSchema,
    errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'FORBIDDEN'],
  })
  create(
    @ValidBody(CreateFeedSchema) body: CreateFeed,
    @CurrentUser() user: Principal,
  ): Promise<FeedCreatedView> {
    return this.calendar.createOrRotate(body, user);
  }

  @Get('feeds/:file')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The iCalendar feed of upcoming sessions (`<token>.ics`); the token is the key',
    tags: ['calendar'],
    public: true,
    errors: ['NOT_FOUND'],
  })
  feed(@Param('file') file: string): Promise<string> {
    return this.calendar.feed(file);
  }
}
