import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { DesksModule } from '../desks/desks.module';
import { OrganisationsController } from './organisations.controller';
import { ORGANISATION_MODEL, organisationSchema } from './organisations.schema';
import { OrganisationsService } from './organisations.service';

/** Organisation models, used by the outbox relay too. */
export const ORGANISATION_MODELS = MongoModule.forFeature([
  { name: ORGANISATION_MODEL, schema: organisationSchema, collection: 'organisations' },
]);

/** Defender organisations (encrypted name and contacts). */
@Module({
  imports: [ORGANISATION_MODELS, DesksModule],
  controllers: [OrganisationsController],
  providers: [OrganisationsService],
  exports: [OrganisationsService],
})
export class OrganisationsModule {}
