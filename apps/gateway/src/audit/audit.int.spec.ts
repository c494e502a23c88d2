import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@trellis/testing';
import { AuditTrail } from './audit.service';
import { startGateway, type GatewayTestApp } from '../testing/gateway-app.fixture';

/*
 * The audit trail on the real MongoDB wire protocol: concurrent requests chain without gaps;
 * the verification (HTTP and the `audit:verify` command) detects a changed, a removed and a
 * truncated entry.
 */

const VERIFY_MAIN = join(workspaceRoot, 'dist/out-tsc/apps/gateway/src/audit/audit.verify.main.js');

function runVerifyCommand(gw: GatewayTestApp): { status: number | null; stdout: string } {
  const r = spawnSync(
    process.execPath,
    ['-r', join(workspaceRoot, 'tools/scripts/register-aliases.cjs'), VERIFY_MAIN],
    {
      env: {
        PATH: process.env['PATH'],
        MONGO_URL: String(gw.env['MONGO_URL']),
        MONGO_DB: String(gw.env['MONGO_DB']),
        AUDIT_HMAC_KEY: String(gw.env['AUDIT_HMAC_KEY']),
      },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { status: r.status, stdout: r.stdout };
}

describe('audit trail', () => {
  let gw: GatewayTestApp;
  let admin: string;

  beforeAll(async () => {
    gw = await startGateway();
    admin = (await gw.login('root-admin', gw.adminPassword)).accessToken;
  });
  afterAll(async () => {
    await gw.close();
  });

  it('chains concurrent requests without gaps, holding ids and outcomes only', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        gw.call('GET', `/api/risk/threats/thr-${i}?search=secret`, {
          token: i % 2 ? admin : undefined,
        }),
      ),
    );
    const entries = await gw.db.collection('audit_entries').find({}).sort({ _id: 1 }).toArray();
    expect(entries.map((e) => e['_id'])).toEqual(entries.map((_, i) => i + 1));
    const threatEntry = entries.find((e) => e['path'] === '/api/risk/threats/thr-3');
    expect(threatEntry).toMatchObject({ method: 'GET', context: 'risk', queryKeys: ['search'] });
    expect(JSON.stringify(entries)).not.toContain('secret');
    const check = await gw.call('GET', '/api/admin/audit/verification', { token: admin });
    expect(check.json).toMatchObject({ ok: true, problems: [] });
  });

  it('the verify command and endpoint detect a changed, a removed and a truncated entry', async () => {
    expect(existsSync(VERIFY_MAIN)).toBe(true); // built by the test target's dependsOn
    const intact = runVerifyCommand(gw);
    expect(intact.stdout).toContain('the audit chain is intact');
    expect(intact.status).toBe(0);

    const entries = gw.db.collection<{ _id: number }>('audit_entries');
    // An insider edits an entry (e.g. to hide a refused access) ...
    await entries.updateOne({ _id: 5 }, { $set: { status: 200 } });
    const changed = runVerifyCommand(gw);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('entry 5: changed');
    expect(changed.stdout).toContain('THE AUDIT CHAIN IS BROKEN');

    // ... removes another one ...
    await entries.deleteOne({ _id: 9 });
    const removed = await gw.call('GET', '/api/admin/audit/verification', { token: admin });
    expect(removed.json['ok']).toBe(false);
    expect(removed.json['problems']).toEqual(
      expect.arrayContaining([
        { seq: 5, problem: 'changed' },
        { seq: 9, problem: 'missing' },
      ]),
    );

    // ... and truncates the end: the head still names the last sequence number.
    const last = await entries.find({}).sort({ _id: -1 }).limit(1).next();
    await entries.deleteOne({ _id: Number(last?._id) });
    const truncated = runVerifyCommand(gw);
    expect(truncated.status).toBe(1);
    expect(truncated.stdout).toMatch(/head-mismatch/);
  });

  it('fails closed: a request whose audit entry cannot be stored gets 503', async () => {
    const trail = gw.app.get(AuditTrail);
    const spy = jest.spyOn(trail, 'record').mockRejectedValueOnce(new Error('store down'));
    const r = await gw.call('GET', '/api/identity/me', { token: admin });
    expect(r.status).toBe(503);
    expect(r.json['error']).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(r.body).not.toContain('root-admin');
    spy.mockRestore();
  });
});
