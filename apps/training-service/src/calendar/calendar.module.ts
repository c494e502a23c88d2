import { Module } from '@nestjs/common';
import { TRAINING_MODELS } from '../common/models';
import { EngagementsModule } from '../engagements/engagements.module';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';

/** Calendar feeds of upcoming sessions. */
@Module({
  imports: [TRAINING_MODELS, EngagementsModule],
  controllers: [CalendarController],
  providers: [CalendarService],
})
export class CalendarModule {}
