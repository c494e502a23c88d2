import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { TRAINING_MODELS } from '../common/models';
import { EngagementsModule } from '../engagements/engagements.module';
import { TrainingPlansController } from './training-plans.controller';
import { TrainingPlansService } from './training-plans.service';

/** Training plans per engagement. */
@Module({
  imports: [TRAINING_MODELS, EngagementsModule, CatalogueModule],
  controllers: [TrainingPlansController],
  providers: [TrainingPlansService],
  exports: [TrainingPlansService],
})
export class TrainingPlansModule {}
