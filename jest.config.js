/**
 * Tests run through ts-jest without type-checking: each file is transpiled alone
 * (`isolatedModules` in tsconfig.json), and `npm test` runs `tsc` first, once for everything.
 * Jest 29, because Jest 30's resolver and swc ship platform binaries the npm registry this
 * project installs from does not all serve, which breaks `npm ci`.
 *
 * Jest knows every source folder, not only test/: `--findRelatedTests`, which Stryker uses to pick
 * the tests of a mutated file, follows imports only through the files Jest knows, so with test/
 * alone a test that reaches src/flux/install.ts through src/synth/render.ts was never related to it.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Stryker's sandboxes and the copies tests and benchmarks make hold another package.json.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/\\.test-', '<rootDir>/dist\\.(tmp|old)-', '<rootDir>/bench/conventional/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // An ES module, which this CommonJS runtime cannot load: test/client-node.js serves it bundled as CommonJS.
  moduleNameMapper: { '^@kubernetes/client-node$': '<rootDir>/test/client-node.js' },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
