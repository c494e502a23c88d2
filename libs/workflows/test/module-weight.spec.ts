import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Temporal evaluates the workflow bundle's modules once per workflow. Evaluating every zod schema
 * of the contracts cost each workflow ~2 MB and milliseconds of CPU, and 1,000 deadline
 * workflows falling due together overran the worker's heap (tools/bench, reminders). So the
 * workflow code imports from `@trellis/contracts` only types, its values from the zod-free
 * `@trellis/contracts/core`, and the schemas lazily (`await import`) in the engagement workflow.
 */
describe('workflow module weight', () => {
  const dir = join(__dirname, '..', 'src');
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => ({ file: f, source: readFileSync(join(dir, f), 'utf8') }));

  it('imports only types from @trellis/contracts statically', () => {
    const valueImports = sources.flatMap(({ file, source }) =>
      [...source.matchAll(/^import\s+(type\s+)?\{[^}]*\}\s+from\s+'@trellis\/contracts';/gm)]
        .filter((m) => !m[1])
        .map(() => file),
    );
    expect(valueImports).toEqual([]);
  });

  it('loads the contracts schemas lazily, in the engagement workflow only', () => {
    const lazy = sources
      .filter(({ source }) => source.includes("await import('@trellis/contracts')"))
      .map(({ file }) => file);
    expect(lazy).toEqual(['capacity-building.workflow.ts']);
  });
});
