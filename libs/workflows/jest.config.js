const { jestProject } = require('../../jest.preset');

// Workflow tests run on the real time-skipping test server: integration tests.
module.exports = jestProject(__dirname, { integration: true, integrationTimeoutMs: 300_000 });
