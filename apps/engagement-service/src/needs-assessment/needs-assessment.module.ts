import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { EngagementsModule } from '../engagements/engagements.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { NeedsAssessmentController } from './needs-assessment.controller';
import { NEEDS_ASSESSMENT_MODEL, needsAssessmentSchema } from './needs-assessment.schema';
import { NeedsAssessmentService } from './needs-assessment.service';

/** Needs assessment models, used by the outbox relay too. */
export const NEEDS_ASSESSMENT_MODELS = MongoModule.forFeature([
  { name: NEEDS_ASSESSMENT_MODEL, schema: needsAssessmentSchema, collection: 'needs_assessments' },
]);

/** The baseline needs assessment of engagements and its catalogue suggestions. */
@Module({
  imports: [NEEDS_ASSESSMENT_MODELS, EngagementsModule, OrganisationsModule],
  controllers: [NeedsAssessmentController],
  providers: [NeedsAssessmentService],
})
export class NeedsAssessmentModule {}
