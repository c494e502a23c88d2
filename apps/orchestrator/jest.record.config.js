// `npm run record:histories`: runs src/replay/record-histories.record.ts only.
const { jestProject } = require('../../jest.preset');

const base = jestProject(__dirname, { integration: true, integrationTimeoutMs: 300_000 });
const integration = base.projects.find((p) => p.displayName === 'integration');
module.exports = {
  ...base,
  projects: [
    { ...integration, displayName: 'record', testMatch: ['<rootDir>/src/**/*.record.ts'] },
  ],
};
