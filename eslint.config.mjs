// Workspace lint rules. Boundaries are driven by the `scope:*` and `type:*` tags in each
// project.json (see docs/adr/0002-module-boundaries.md).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Every project root with its tags, read from project.json files (apps, libs, tools, infra). */
function projects() {
  const found = [];
  const walk = (dir, depth) => {
    if (depth > 3) return;
    if (existsSync(join(dir, 'project.json'))) {
      const pj = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
      found.push({ root: relative(root, dir), tags: pj.tags ?? [] });
    }
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && !['node_modules', 'dist', 'src', 'test', '.data'].includes(e.name)) {
        walk(join(dir, e.name), depth + 1);
      }
    }
  };
  for (const top of ['apps', 'libs', 'tools', 'infra']) {
    if (existsSync(join(root, top))) walk(join(root, top), 0);
  }
  return found;
}
const rootsTagged = (tag) =>
  projects()
    .filter((p) => p.tags.includes(tag))
    .map((p) => `${p.root}/**/*.ts`);

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Packages that talk to infrastructure or run processes: not for domain or contracts code. */
const infrastructurePackages = [
  '@nestjs/*',
  'mongoose',
  'mongodb',
  'kafkajs',
  '@temporalio/*',
  'fastify',
  '@fastify/*',
  'pino',
  'nodemailer',
];
/** Non-deterministic or I/O packages a Temporal workflow bundle must never import. */
const workflowBanned = [
  '@nestjs/*',
  'mongoose',
  'mongodb',
  'kafkajs',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'fastify',
  '@fastify/*',
  'pino',
  'nodemailer',
];

const workflowFiles = rootsTagged('type:workflows');
const testFiles = ['**/*.spec.ts', '**/test/**/*.ts'];

/** The module-boundary constraints; tests of workflow code may import the Temporal test kit. */
function boundaries({ forTests }) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    // The workflow code imports the contracts' zod schemas lazily (`await import`) and the rest
    // statically from `@trellis/contracts` / `/core` (see libs/contracts/src/core.ts): allowed.
    checkDynamicDependenciesExceptions: ['@trellis/contracts'],
    depConstraints: [
      // --- scope: a bounded context may use itself and shared code only.
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...[
        'engagement',
        'training',
        'risk',
        'coaching',
        'orchestration',
        'gateway',
        'reporting',
        'web',
      ].map((s) => ({
        sourceTag: `scope:${s}`,
        onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'],
      })),
      { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:shared'] },
      // --- type: layers.
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: [
          'type:feature',
          'type:platform',
          'type:domain',
          'type:contracts',
          'type:workflows',
          'type:util',
          'type:testing',
        ],
      },
      {
        sourceTag: 'type:feature',
        onlyDependOnLibsWithTags: [
          'type:feature',
          'type:platform',
          'type:domain',
          'type:contracts',
          'type:util',
          'type:testing',
        ],
      },
      {
        sourceTag: 'type:platform',
        onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:util', 'type:testing'],
      },
      {
        sourceTag: 'type:workflows',
        onlyDependOnLibsWithTags: [
          'type:contracts',
          'type:domain',
          'type:util',
          ...(forTests ? ['type:testing'] : []),
        ],
        bannedExternalImports: forTests
          ? workflowBanned.filter(
              (p) =>
                ![
                  '@temporalio/testing',
                  '@temporalio/worker',
                  '@temporalio/client',
                  '@temporalio/activity',
                ].includes(p),
            )
          : workflowBanned,
      },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'],
        bannedExternalImports: infrastructurePackages,
      },
      {
        sourceTag: 'type:contracts',
        onlyDependOnLibsWithTags: ['type:contracts', 'type:util'],
        bannedExternalImports: infrastructurePackages,
      },
      {
        sourceTag: 'type:util',
        onlyDependOnLibsWithTags: ['type:util'],
        bannedExternalImports: infrastructurePackages,
      },
      {
        sourceTag: 'type:testing',
        onlyDependOnLibsWithTags: [
          'type:platform',
          'type:contracts',
          'type:domain',
          'type:util',
          'type:testing',
        ],
      },
      {
        sourceTag: 'type:tooling',
        onlyDependOnLibsWithTags: [
          'type:platform',
          'type:contracts',
          'type:domain',
          'type:util',
          'type:testing',
        ],
      },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.data/**',
      '.cache/**',
      '.nx/**',
      'tmp/**',
      // Deliberate violations, linted only by the boundary test (tools/workspace).
      'tools/lint-fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
      globals: { ...globals.node },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    ignores: testFiles,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ forTests: false })] },
  },
  {
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ forTests: true })] },
  },
  // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins.
  ...(workflowFiles.length
    ? [
        {
          files: workflowFiles,
          ignores: testFiles,
          rules: {
            'no-restricted-imports': [
              'error',
              {
                paths: nodeBuiltins.map((name) => ({
                  name,
                  message: 'Workflow code is deterministic: Node built-ins are not allowed.',
                })),
                // Also enforced by @nx/enforce-module-boundaries for installed packages; this
                // catches them even before a package is installed.
                patterns: [
                  {
                    group: workflowBanned,
                    message:
                      'Workflow code runs in the Temporal sandbox: no I/O, framework or client packages.',
                  },
                ],
              },
            ],
            'no-restricted-globals': [
              'error',
              { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
              { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
              { name: 'process', message: 'Workflow code must not read the process.' },
            ],
          },
        },
      ]
    : []),
  // The web application (apps/web): React components in TSX, running in the browser. The
  // module boundaries apply to its TSX files as to every TypeScript file.
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    languageOptions: {
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['apps/web/**/*.tsx'],
    ignores: ['**/*.spec.tsx'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ forTests: false })] },
  },
  {
    files: ['apps/web/**/*.spec.tsx'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ forTests: true })] },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs', '**/jest.config.js', '**/jest.*.config.js', 'jest.preset.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
