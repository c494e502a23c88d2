import { Controller, Get } from '@nestjs/common';
import { IdSchema, IsoDateTimeSchema } from '@trellis/contracts';
import { Roles } from '@trellis/platform-auth';
import { ApiOperation, ValidQuery } from '@trellis/platform-http';
import { z } from 'zod';
import type { ChainVerification } from './audit.chain';
import type { AuditEntryDocument } from './audit.schema';
import { AuditTrail } from './audit.service';

const AuditQuerySchema = z.strictObject({
  userId: IdSchema.optional(),
  from: IsoDateTimeSchema.optional(),
  to: IsoDateTimeSchema.optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.object({
    userId: z.string().optional(),
    roles: z.array(z.string()).optional(),
    unitId: z.string().optional(),
    organisationId: z.string().optional(),
    subjectRef: z.string().optional(),
  }),
  action: z.string(),
  method: z.string().optional(),
  context: z.string().optional(),
  path: z.string().optional(),
  queryKeys: z.array(z.string()).optional(),
  status: z.number().int(),
  code: z.string().optional(),
  detail: z.string().optional(),
  ip: z.string(),
  correlationId: z.string().optional(),
  hash: z.string(),
});
type AuditEntryView = z.infer<typeof AuditEntrySchema>;

const VerificationSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  lastSeq: z.number().int(),
  problems: z.array(z.object({ seq: z.number().int(), problem: z.string() })),
});

function view(entry: AuditEntryDocument): AuditEntryView {
  const { _id, prevHash: _prev, at, ...rest } = entry;
  return { seq: _id, at: at.toISOString(), ...rest };
}

/** The audit trail for admins: entries (ids and outcomes only) and a verification of the chain. */
@Controller('api/admin/audit')
@Roles('admin')
export class AuditController {
  constructor(private readonly trail: AuditTrail) {}

  @Get()
  @ApiOperation({
    summary: 'Audit entries in order (filter by user, time, sequence)',
    query: AuditQuerySchema,
    response: z.array(AuditEntrySchema),
    roles: ['admin'],
    tags: ['admin'],
  })
  async list(
    @ValidQuery(AuditQuerySchema) query: z.infer<typeof AuditQuerySchema>,
  ): Promise<AuditEntryView[]> {
    const entries = await this.trail.list({
      ...(query.userId !== undefined ? { userId: query.userId } : {}),
      ...(query.from !== undefined ? { from: new Date(query.from) } : {}),
      ...(query.to !== undefined ? { to: new Date(query.to) } : {}),
      ...(query.afterSeq !== undefined ? { afterSeq: query.afterSeq } : {}),
      limit: query.limit,
    });
    return entries.map(view);
  }

  @Get('verification')
  @ApiOperation({
    summary: 'Verify the hash chain (detects changed, removed or reordered entries)',
    response: VerificationSchema,
    roles: ['admin'],
    tags: ['admin'],
  })
  verify(): Promise<ChainVerification> {
    return this.trail.verify();
  }
}
