import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { IdentityModule } from '../identity/identity.module';
import { ErasureConsumer } from './erasure.consumer';
import { ErasureController } from './erasure.controller';
import { ERASURE_REQUEST_MODEL, erasureRequestSchema } from './erasure.schema';
import { ErasureService } from './erasure.service';

/** The erasure model, registered once (the outbox relay reads it too). */
export const ERASURE_MODELS = MongoModule.forFeature([
  { name: ERASURE_REQUEST_MODEL, schema: erasureRequestSchema, collection: 'erasure_requests' },
]);

/** Organisation erasure: requests, confirmation, purge reports. */
@Module({
  imports: [ERASURE_MODELS, IdentityModule],
  controllers: [ErasureController],
  providers: [ErasureService, ErasureConsumer],
})
export class ErasureModule {}
