import { Module } from '@nestjs/common';
import { RISK_MODELS } from '../common/models';
import { EngagementsModule } from '../engagements/engagements.module';
import { ThreatsModule } from '../threats/threats.module';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';

/** The incident register. */
@Module({
  imports: [RISK_MODELS, EngagementsModule, ThreatsModule],
  controllers: [IncidentsController],
  providers: [IncidentsService],
})
export class IncidentsModule {}
