const { jestProject } = require('../../jest.preset');

module.exports = jestProject(__dirname, { integration: true });
