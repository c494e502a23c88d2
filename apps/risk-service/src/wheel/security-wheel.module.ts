import { Module } from '@nestjs/common';
import { RISK_MODELS } from '../common/models';
import { EngagementsModule } from '../engagements/engagements.module';
import { SecurityWheelController } from './security-wheel.controller';
import { SecurityWheelService } from './security-wheel.service';

/** The security wheel. */
@Module({
  imports: [RISK_MODELS, EngagementsModule],
  controllers: [SecurityWheelController],
  providers: [SecurityWheelService],
})
export class SecurityWheelModule {}
