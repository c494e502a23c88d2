import { createLogger } from '@trellis/platform-logging';
import { createMongoConnection } from '@trellis/platform-mongo';
import { z } from 'zod';
import { loadConfig } from '@trellis/platform-config';
import {
  auditEntrySchema,
  auditHeadSchema,
  type AuditEntryDocument,
  type AuditHeadDocument,
} from './audit.schema';
import { verifyAuditChain } from './audit.service';

/*
 * `npm run audit:verify`: walks the gateway's audit chain and its head and reports every
 * changed, missing or reordered entry. Exit code 0 when the chain is intact, 1 when it is not,
 * 2 when it could not be checked. Needs MONGO_URL, MONGO_DB (default trellis_gateway) and
 * AUDIT_HMAC_KEY. Prints sequence numbers and problems only.
 */

const schema = z.object({
  MONGO_URL: z.string().min(1),
  MONGO_DB: z.string().min(1).default('trellis_gateway'),
  AUDIT_HMAC_KEY: z.string().min(1),
});

async function main(): Promise<number> {
  const config = loadConfig(schema, process.env);
  const logger = createLogger({ service: 'audit-verify', level: 'warn' });
  const connection = await createMongoConnection({
    url: config.MONGO_URL,
    dbName: config.MONGO_DB,
    appName: 'audit-verify',
  });
  try {
    const entries = connection.model<AuditEntryDocument>(
      'AuditEntry',
      auditEntrySchema,
      'audit_entries',
    );
    const heads = connection.model<AuditHeadDocument>('AuditHead', auditHeadSchema, 'audit_head');
    process.stdout.write('verifying the audit chain ...\n');
    const result = await verifyAuditChain(
      Buffer.from(config.AUDIT_HMAC_KEY, 'base64'),
      entries,
      heads,
      (n) => process.stdout.write(`  ${n} entries checked\n`),
    );
    process.stdout.write(`${result.entries} entries, last sequence ${result.lastSeq}\n`);
    if (result.ok) {
      process.stdout.write('the audit chain is intact\n');
      return 0;
    }
    for (const p of result.problems) process.stdout.write(`  entry ${p.seq}: ${p.problem}\n`);
    process.stdout.write('THE AUDIT CHAIN IS BROKEN\n');
    logger.warn({ problems: result.problems.length }, 'audit chain broken');
    return 1;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `audit verification failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  },
);
