import { Module } from '@nestjs/common';
import { RiskAssessmentsModule } from '../assessments/risk-assessments.module';
import { RISK_MODELS } from '../common/models';
import { ThreatsModule } from '../threats/threats.module';
import { SecurityPlansController } from './security-plans.controller';
import { SecurityPlansService } from './security-plans.service';

/** Security plans. */
@Module({
  imports: [RISK_MODELS, RiskAssessmentsModule, ThreatsModule],
  controllers: [SecurityPlansController],
  providers: [SecurityPlansService],
})
export class SecurityPlansModule {}
