import { Module } from '@nestjs/common';
import { TRAINING_MODELS } from '../common/models';
import { KnownEngagementsService } from './known-engagements.service';

/** The local projection of engagements, fed by `trellis.engagement.v1`. */
@Module({
  imports: [TRAINING_MODELS],
  providers: [KnownEngagementsService],
  exports: [KnownEngagementsService],
})
export class EngagementsModule {}
