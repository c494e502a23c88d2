import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { EngagementsModule } from '../engagements/engagements.module';
import { AutonomyController } from './autonomy.controller';
import { AUTONOMY_REVIEW_MODEL, autonomyReviewSchema } from './autonomy.schema';
import { AutonomyService } from './autonomy.service';

/** Autonomy review models, used by the outbox relay too. */
export const AUTONOMY_MODELS = MongoModule.forFeature([
  { name: AUTONOMY_REVIEW_MODEL, schema: autonomyReviewSchema, collection: 'autonomy_reviews' },
]);

/** Autonomy reviews and milestones. */
@Module({
  imports: [AUTONOMY_MODELS, EngagementsModule],
  controllers: [AutonomyController],
  providers: [AutonomyService],
  exports: [AutonomyService],
})
export class AutonomyModule {}
