import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVITY_NAMES, type AllActivitiesListed } from '../src/index';

/*
 * The orchestrator's worker must register every activity a workflow proxies: it asserts its
 * implementation covers ACTIVITY_NAMES, and this test asserts ACTIVITY_NAMES covers every
 * activity the workflow sources proxy. (The workflow scenario specs also run with a worker
 * that registers exactly ACTIVITY_NAMES, so a missing name would fail them at runtime.)
 */

const sourceDir = join(__dirname, '..', 'src');

/** Activity names named in `proxyActivities<Pick<WorkflowActivities, '…' | '…'>>` calls. */
function proxiedActivityNames(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(sourceDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(sourceDir, file), 'utf8');
    for (const m of text.matchAll(/proxyActivities<\s*([^>]*>?)\s*>\s*\(/g)) {
      const typeArg = m[1] ?? '';
      if (!typeArg.startsWith('Pick<WorkflowActivities')) {
        throw new Error(
          `${file}: proxy activities as Pick<WorkflowActivities, ...> so the names are checked`,
        );
      }
      for (const n of typeArg.matchAll(/'([A-Za-z]+)'/g)) names.add(n[1] ?? '');
    }
  }
  return names;
}

describe('activity names', () => {
  it('lists every activity the workflows proxy in ACTIVITY_NAMES', () => {
    const proxied = proxiedActivityNames();
    expect(proxied.size).toBeGreaterThan(0);
    for (const name of proxied) expect(ACTIVITY_NAMES).toContain(name);
  });

  it('proxies every activity of ACTIVITY_NAMES somewhere (no dead registrations)', () => {
    expect([...proxiedActivityNames()].sort()).toEqual([...ACTIVITY_NAMES].sort());
  });

  it('has no duplicate names and covers the WorkflowActivities interface', () => {
    expect(new Set(ACTIVITY_NAMES).size).toBe(ACTIVITY_NAMES.length);
    const everyKeyListed: AllActivitiesListed = true;
    expect(everyKeyListed).toBe(true);
  });
});
