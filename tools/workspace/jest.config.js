const { jestProject } = require('../../jest.preset');

module.exports = { ...jestProject(__dirname), testTimeout: 120_000 };
