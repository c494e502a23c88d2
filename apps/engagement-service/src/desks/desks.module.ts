import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { DesksController } from './desks.controller';
import { COUNTRY_CLAIM_MODEL, countryClaimSchema, DESK_MODEL, deskSchema } from './desks.schema';
import { DesksService } from './desks.service';

/** Desk models, used by the outbox relay too. */
export const DESK_MODELS = MongoModule.forFeature([
  { name: DESK_MODEL, schema: deskSchema, collection: 'desks' },
  { name: COUNTRY_CLAIM_MODEL, schema: countryClaimSchema, collection: 'desk_country_claims' },
]);

/** Desks: admin management and the routing table. */
@Module({
  imports: [DESK_MODELS],
  controllers: [DesksController],
  providers: [DesksService],
  exports: [DesksService],
})
export class DesksModule {}
