import type { z } from 'zod';
import { allEventDefinitions } from './registry';
import {
  CapacityBuildingInputSchema,
  WORKFLOW_QUERIES,
  WORKFLOW_SIGNALS,
  WORKFLOW_UPDATES,
} from './workflow.messages';

/*
 * The privacy rule (event-definition.ts): payloads and workflow messages carry ids, enums,
 * numbers, booleans and dates only. This walks every schema and checks that
 *   - no key is named like a sensitive field,
 *   - every object is strict (unknown keys rejected),
 *   - every string is constrained (an id pattern, a format or an enum), so no free text fits.
 */

const SENSITIVE_KEY =
  /name|narrative|description|notes?|contact|e-?mail|phone|address|location|comment|latitude|longitude/i;

interface Finding {
  path: string;
  problem: string;
}

function walk(schema: z.ZodType, path: string, findings: Finding[]): void {
  const def = schema.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object': {
      const catchall = def['catchall'] as z.ZodType | undefined;
      if (catchall?.def.type !== 'never') findings.push({ path, problem: 'object is not strict' });
      const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
      for (const [key, value] of Object.entries(shape)) {
        if (SENSITIVE_KEY.test(key))
          findings.push({ path: `${path}.${key}`, problem: 'sensitive key name' });
        walk(value, `${path}.${key}`, findings);
      }
      return;
    }
    case 'array':
      return walk(def['element'] as z.ZodType, `${path}[]`, findings);
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'nonoptional':
    case 'default':
    case 'prefault':
    case 'catch':
      return walk(def['innerType'] as z.ZodType, path, findings);
    case 'union':
      (def['options'] as z.ZodType[]).forEach((o, i) => walk(o, `${path}|${i}`, findings));
      return;
    case 'record':
      walk(def['keyType'] as z.ZodType, `${path}{key}`, findings);
      return walk(def['valueType'] as z.ZodType, `${path}{value}`, findings);
    case 'pipe':
      walk(def['in'] as z.ZodType, path, findings);
      return walk(def['out'] as z.ZodType, path, findings);
    case 'string': {
      const format = (schema as unknown as { format: string | null }).format;
      if (!format) findings.push({ path, problem: 'unconstrained string (free text)' });
      return;
    }
    case 'enum':
    case 'literal':
    case 'number':
    case 'boolean':
      return;
    default:
      findings.push({ path, problem: `unexpected schema type ${def.type}` });
  }
}

function findingsOf(schema: z.ZodType, root: string): Finding[] {
  const findings: Finding[] = [];
  walk(schema, root, findings);
  return findings;
}

describe('privacy rule', () => {
  it.each(allEventDefinitions.map((d) => [d.key, d] as const))(
    '%s: payload has no sensitive keys, is strict and carries no free text',
    (_key, definition) => {
      expect(findingsOf(definition.payload, 'payload')).toEqual([]);
    },
  );

  it('holds for every workflow message (Temporal histories are not encrypted)', () => {
    const schemas: [string, z.ZodType][] = [
      ['start', CapacityBuildingInputSchema],
      ...Object.values(WORKFLOW_SIGNALS).map((s) => [s.name, s.args] as [string, z.ZodType]),
      ...Object.values(WORKFLOW_QUERIES).map((q) => [q.name, q.result] as [string, z.ZodType]),
      ...Object.values(WORKFLOW_UPDATES).flatMap(
        (u) =>
          [
            [`${u.name}:args`, u.args],
            [`${u.name}:result`, u.result],
          ] as [string, z.ZodType][],
      ),
    ];
    expect(schemas.flatMap(([name, schema]) => findingsOf(schema, name))).toEqual([]);
  });

  it('the walker catches what it must', async () => {
    const { z } = await import('zod');
    const bad = z.object({
      organisationName: z.string().regex(/x/),
      notes: z.string(),
      nested: z.strictObject({ contactPhone: z.email(), free: z.string().min(1) }),
      anything: z.unknown(),
    });
    expect(findingsOf(bad, 'p').map((f) => `${f.path}: ${f.problem}`)).toEqual([
      'p: object is not strict',
      'p.organisationName: sensitive key name',
      'p.notes: sensitive key name',
      'p.notes: unconstrained string (free text)',
      'p.nested.contactPhone: sensitive key name',
      'p.nested.free: unconstrained string (free text)',
      'p.anything: unexpected schema type unknown',
    ]);
  });
});
