// Shared Jest set-up for every project. Each project's jest.config.js calls
// `jestProject(__dirname, { integration: true|false })`.
//
// Two Jest "projects" per Nx project:
//   unit         *.spec.ts (no servers; collaborators may be faked)
//   integration  *.int.spec.ts (real MongoDB/FerretDB, Kafka and Temporal; never faked)
// `npm run test:unit` selects `unit` only.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const root = __dirname;

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('*', '(.*)')}$`,
    path.join(root, target.replace('*', '$1')),
  ]),
);

const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

function jestProject(projectDir, { integration = false, integrationTimeoutMs = 60_000 } = {}) {
  const rel = path.relative(root, projectDir);
  const common = {
    rootDir: projectDir,
    transform,
    moduleNameMapper,
    testEnvironment: 'node',
    moduleFileExtensions: ['ts', 'js', 'json'],
    // jose 6 and ical.js 2 ship ES modules only: let swc turn them into CommonJS for Jest.
    transformIgnorePatterns: ['/node_modules/(?!(jose|ical\\.js)/)'],
  };
  const projects = [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
    },
  ];
  if (integration) {
    projects.push({
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
      globalSetup: path.join(root, 'libs/testing/src/jest-global-setup.cjs'),
      slowTestThreshold: 30,
    });
  }
  return {
    projects,
    testTimeout: integrationTimeoutMs,
    coverageDirectory: path.join(root, 'coverage', rel),
  };
}

module.exports = { jestProject, moduleNameMapper, transform };
