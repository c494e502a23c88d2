import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  WORKFLOW_QUERIES,
  WORKFLOW_QUERY_NAMES,
  WORKFLOW_SIGNALS,
  WORKFLOW_SIGNAL_NAMES,
  WORKFLOW_UPDATE_NAMES,
  WORKFLOW_UPDATES,
} from './index';

/** Relative modules `file` imports at run time (not `import type`), transitively, and packages. */
function runtimeImports(
  file: string,
  seen = new Set<string>(),
): { modules: Set<string>; packages: Set<string> } {
  const packages = new Set<string>();
  if (seen.has(file)) return { modules: seen, packages };
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
    if (m[1]) continue; // `import type` / `export type`: erased
    const specifier = m[2];
    if (specifier.startsWith('.')) {
      const next = runtimeImports(join(dirname(file), `${specifier}.ts`), seen);
      for (const p of next.packages) packages.add(p);
    } else packages.add(specifier);
  }
  return { modules: seen, packages };
}

describe('@trellis/contracts/core', () => {
  it('loads no package at run time (no zod): the workflow bundle evaluates it per workflow', () => {
    const { modules, packages } = runtimeImports(join(__dirname, 'core.ts'));
    expect([...packages]).toEqual([]);
    expect(modules.size).toBeGreaterThan(1); // it did follow core.ts's own imports
  });

  it('names every workflow signal, query and update exactly as their contracts', () => {
    expect(
      Object.fromEntries(Object.entries(WORKFLOW_SIGNALS).map(([k, c]) => [k, c.name])),
    ).toEqual(WORKFLOW_SIGNAL_NAMES);
    expect(WORKFLOW_QUERIES.status.name).toBe(WORKFLOW_QUERY_NAMES.status);
    expect(WORKFLOW_UPDATES.rescheduleObligation.name).toBe(
      WORKFLOW_UPDATE_NAMES.rescheduleObligation,
    );
  });
});
