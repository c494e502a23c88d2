import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_TOPICS,
  WORKFLOW_QUERIES,
  WORKFLOW_SIGNALS,
  WORKFLOW_UPDATES,
  allEventDefinitions,
} from './index';

describe('README', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

  it.each(allEventDefinitions.map((d) => [d.key, d] as const))(
    'lists %s on its topic with its producer',
    (key, d) => {
      const row = readme.split('\n').find((line) => /^\|\s*`([^`]+)`\s*\|/.exec(line)?.[1] === key);
      expect(row).toBeDefined();
      const cells = (row ?? '').split('|').map((c) => c.trim());
      expect(cells.slice(2, 4)).toEqual([d.aggregate, [d.producer].flat().join(', ')]);
      const section = readme.slice(0, readme.indexOf(row ?? ''));
      expect(section.lastIndexOf('### `trellis.')).toBe(section.lastIndexOf(`### \`${d.topic}\``));
    },
  );

  it('lists every topic and workflow message', () => {
    for (const topic of ALL_TOPICS) expect(readme).toContain(`\`${topic}\``);
    const names = [
      ...Object.values(WORKFLOW_SIGNALS).map((s) => s.name),
      ...Object.values(WORKFLOW_QUERIES).map((q) => q.name),
      ...Object.values(WORKFLOW_UPDATES).map((u) => u.name),
    ];
    for (const name of names) expect(readme).toContain(`\`${name}\``);
  });
});
