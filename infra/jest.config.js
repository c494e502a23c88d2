const { jestProject } = require('../jest.preset');

// Smoke tests: each server is real and usable with the project's own clients.
module.exports = jestProject(__dirname, { integration: true, integrationTimeoutMs: 120_000 });
