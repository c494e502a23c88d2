import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import {
  ENGAGEMENT_PROJECTION_MODEL,
  engagementProjectionSchema,
} from './engagement-projection.schema';
import { EngagementsService } from './engagements.service';

/** Engagement projection models. */
export const ENGAGEMENT_PROJECTION_MODELS = MongoModule.forFeature([
  {
    name: ENGAGEMENT_PROJECTION_MODEL,
    schema: engagementProjectionSchema,
    collection: 'engagement_projections',
  },
]);

/** The local projection of engagements (access and program managers). */
@Module({
  imports: [ENGAGEMENT_PROJECTION_MODELS],
  providers: [EngagementsService],
  exports: [EngagementsService],
})
export class EngagementsModule {}
