import { Module } from '@nestjs/common';
import { MongoModule } from '@trellis/platform-mongo';
import { AuditController } from './audit.controller';
import {
  AUDIT_ENTRY_MODEL,
  AUDIT_HEAD_MODEL,
  auditEntrySchema,
  auditHeadSchema,
} from './audit.schema';
import { AuditTrail } from './audit.service';

/** The hash-chained audit trail and its admin view. */
@Module({
  imports: [
    MongoModule.forFeature([
      { name: AUDIT_ENTRY_MODEL, schema: auditEntrySchema, collection: 'audit_entries' },
      { name: AUDIT_HEAD_MODEL, schema: auditHeadSchema, collection: 'audit_head' },
    ]),
  ],
  controllers: [AuditController],
  providers: [AuditTrail],
  exports: [AuditTrail],
})
export class AuditModule {}
