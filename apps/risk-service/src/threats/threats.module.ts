import { Module } from '@nestjs/common';
import { RISK_MODELS } from '../common/models';
import { ReferenceChecker } from '../common/references';
import { EngagementsModule } from '../engagements/engagements.module';
import { ThreatsController } from './threats.controller';
import { ThreatsService } from './threats.service';

/** Threats and their five-step assessment. */
@Module({
  imports: [RISK_MODELS, EngagementsModule],
  controllers: [ThreatsController],
  providers: [ThreatsService, ReferenceChecker],
  exports: [ThreatsService, ReferenceChecker],
})
export class ThreatsModule {}
