import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { TRAINING_MODELS } from '../common/models';
import { EngagementsModule } from '../engagements/engagements.module';
import { TrainingPlansModule } from '../plans/training-plans.module';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Training sessions. */
@Module({
  imports: [TRAINING_MODELS, EngagementsModule, TrainingPlansModule, CatalogueModule],
  controllers: [SessionsController],
  providers: [SessionsService],
})
export class SessionsModule {}
