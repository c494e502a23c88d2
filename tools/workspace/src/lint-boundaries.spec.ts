// Proves the module-boundary rules bite: fixture projects with deliberate violations must
// fail ESLint with the expected rules, and a clean workflows fixture must pass.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
}

function lint(file: string): LintMessage[] {
  const r = spawnSync(bin('eslint'), ['--no-ignore', '--format', 'json', file], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.stderr.includes('No cached ProjectGraph')) {
    throw new Error('the module-boundaries rule was skipped: no project graph');
  }
  const results = JSON.parse(r.stdout) as { messages: LintMessage[] }[];
  return results.flatMap((x) => x.messages);
}

const errorsOnLine = (messages: LintMessage[], line: number) =>
  messages.filter((m) => m.line === line).map((m) => m.ruleId);

beforeAll(() => {
  // The Nx rule reads the cached project graph; compute it as `nx run-many` would.
  const r = spawnSync(bin('nx'), ['show', 'projects'], { cwd: root, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('lint-fixture-workflows-violation');
});

describe('type:workflows libraries', () => {
  let messages: LintMessage[] = [];
  beforeAll(() => {
    messages = lint('tools/lint-fixtures/workflows-violation/src/index.ts');
  });

  it.each([
    [1, 'Node built-in fs', 'no-restricted-imports'],
    [2, 'Node built-in node:crypto', 'no-restricted-imports'],
    [3, '@temporalio/client', '@nx/enforce-module-boundaries'],
    [4, '@temporalio/worker', '@nx/enforce-module-boundaries'],
    [5, 'mongoose', '@nx/enforce-module-boundaries'],
    [6, 'kafkajs', '@nx/enforce-module-boundaries'],
    [3, '@temporalio/client', 'no-restricted-imports'],
    [5, 'mongoose', 'no-restricted-imports'],
    [7, '@nestjs/common', 'no-restricted-imports'],
  ])('line %i: importing %s is an error (%s)', (line, _what, rule) => {
    expect(errorsOnLine(messages, line)).toContain(rule);
  });

  it('forbids real timers in workflow code', () => {
    expect(errorsOnLine(messages, 12)).toContain('no-restricted-globals');
  });

  it('accepts deterministic code that uses only @temporalio/workflow', () => {
    expect(lint('tools/lint-fixtures/workflows-clean/src/index.ts')).toEqual([]);
  });

  it('lets the tests of workflow code use the Temporal test kit and the testing library', () => {
    expect(lint('tools/lint-fixtures/workflows-clean/test/clean.spec.ts')).toEqual([]);
  });
});

describe('type:domain libraries', () => {
  let messages: LintMessage[] = [];
  beforeAll(() => {
    messages = lint('tools/lint-fixtures/domain-violation/src/index.ts');
  });

  it.each([
    [1, 'mongoose'],
    [2, 'kafkajs'],
    [3, 'a type:testing library'],
  ])('line %i: importing %s is an error', (line) => {
    expect(errorsOnLine(messages, line)).toContain('@nx/enforce-module-boundaries');
  });
});
