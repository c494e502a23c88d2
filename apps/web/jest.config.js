const { jestProject, transform } = require('../../jest.preset');

// The shared preset, plus TSX: React components are compiled by swc with the automatic JSX
// runtime (unit tests render them to static markup; no DOM is needed). The browser tests
// (e2e/*.int.spec.ts) drive the real system with Chromium and may take a few minutes.
const [swc, options] = Object.values(transform)[0];
const tsx = [
  swc,
  {
    ...options,
    jsc: {
      ...options.jsc,
      parser: { ...options.jsc.parser, tsx: true },
      transform: { ...options.jsc.transform, react: { runtime: 'automatic' } },
    },
  },
];

const config = jestProject(__dirname, { integration: true, integrationTimeoutMs: 240_000 });
for (const project of config.projects) {
  project.transform = { '^.+\\.tsx$': tsx, ...project.transform };
  project.moduleFileExtensions = ['ts', 'tsx', 'js', 'json'];
  if (project.displayName === 'unit') {
    project.testMatch = ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'];
  }
}
module.exports = config;
