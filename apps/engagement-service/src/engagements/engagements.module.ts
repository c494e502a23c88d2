import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { DesksModule } from '../desks/desks.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { EngagementsController } from './engagements.controller';
import { EngagementsInternalController } from './engagements.internal.controller';
import { ENGAGEMENT_MODEL, engagementSchema } from './engagements.schema';
import { EngagementsService } from './engagements.service';

/** Engagement models, used by the outbox relay too. */
export const ENGAGEMENT_MODELS = MongoModule.forFeature([
  { name: ENGAGEMENT_MODEL, schema: engagementSchema, collection: 'engagements' },
]);

/** Engagements: creation with routing, scoped reads. */
@Module({
  imports: [ENGAGEMENT_MODELS, DesksModule, OrganisationsModule],
  controllers: [EngagementsController, EngagementsInternalController],
  providers: [EngagementsService],
  exports: [EngagementsService],
})
export class EngagementsModule {}
