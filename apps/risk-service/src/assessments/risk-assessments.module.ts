import { Module } from '@nestjs/common';
import { RISK_MODELS } from '../common/models';
import { EngagementsModule } from '../engagements/engagements.module';
import { ThreatsModule } from '../threats/threats.module';
import { RiskAssessmentsController } from './risk-assessments.controller';
import { RiskAssessmentsService } from './risk-assessments.service';

/** Risk assessments. */
@Module({
  imports: [RISK_MODELS, EngagementsModule, ThreatsModule],
  controllers: [RiskAssessmentsController],
  providers: [RiskAssessmentsService],
  exports: [RiskAssessmentsService],
})
export class RiskAssessmentsModule {}
