const { jestProject } = require('../../jest.preset');

// Unit tests of the statistics and summary helpers only: the benchmarks are not tests.
module.exports = jestProject(__dirname);
