// The load test (`nx run resilience:load`), not part of `npm test`: src/load.run.ts through
// Jest, so the TypeScript sources run as the integration tests run them (swc, path aliases).
const { jestProject } = require('../../jest.preset');

const base = jestProject(__dirname, { integration: true });
const integration = base.projects.find((p) => p.displayName === 'integration');

module.exports = {
  ...integration,
  displayName: 'load',
  testMatch: ['<rootDir>/src/load.run.ts'],
  testTimeout: 60 * 60_000,
};
