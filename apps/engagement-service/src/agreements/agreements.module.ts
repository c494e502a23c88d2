import { Module, type DynamicModule } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { EngagementsModule } from '../engagements/engagements.module';
import { AgreementsController } from './agreements.controller';
import { AGREEMENT_MODEL, agreementSchema } from './agreements.schema';
import { AGREEMENT_POLICY, AgreementsService, type AgreementPolicy } from './agreements.service';

/** Agreement models, used by the outbox relay too. */
export const AGREEMENT_MODELS = MongoModule.forFeature([
  { name: AGREEMENT_MODEL, schema: agreementSchema, collection: 'agreements' },
]);

/** Versioned agreements: drafting, signatures, activation, amendments, diffs. */
@Module({})
export class AgreementsModule {
  static forRoot(policy: AgreementPolicy): DynamicModule {
    return {
      module: AgreementsModule,
      imports: [AGREEMENT_MODELS, EngagementsModule],
      controllers: [AgreementsController],
      providers: [AgreementsService, { provide: AGREEMENT_POLICY, useValue: policy }],
    };
  }
}
