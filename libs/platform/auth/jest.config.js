const { jestProject } = require('../../../jest.preset');

// jose 6 ships ES modules only; let @swc/jest compile it to CommonJS for Jest (Node itself
// loads it through require(esm)).
const config = jestProject(__dirname);
for (const project of config.projects) {
  project.transformIgnorePatterns = ['/node_modules/(?!jose/)'];
}
module.exports = config;
