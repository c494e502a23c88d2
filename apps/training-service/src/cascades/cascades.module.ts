import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { TRAINING_MODELS } from '../common/models';
import { EngagementsModule } from '../engagements/engagements.module';
import { CascadesController } from './cascades.controller';
import { CascadesService } from './cascades.service';

/** Knowledge transfer: cascade trainings. */
@Module({
  imports: [TRAINING_MODELS, EngagementsModule, CatalogueModule],
  controllers: [CascadesController],
  providers: [CascadesService],
})
export class CascadesModule {}
