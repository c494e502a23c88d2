import { runLoad } from './load';

/*
 * The load test as one Jest run (`npx nx run resilience:load`; not part of `npm test`): every
 * app started through the demo kit's harness unless TRELLIS_GATEWAY_URL names a running
 * gateway; see load.ts for the variables. Fails when any request failed.
 */

it('holds the load without errors', async () => {
  const summary = await runLoad();
  expect(summary.requests).toBeGreaterThan(0);
  expect(summary.followUpsRecorded).toBeGreaterThan(0);
  expect({ errors: summary.errors, byStatus: summary.errorsByStatus }).toEqual({
    errors: 0,
    byStatus: {},
  });
});
