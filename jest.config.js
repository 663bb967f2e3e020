/**
 * Tests run through ts-jest without type-checking: each file is transpiled alone
 * (`isolatedModules` in tsconfig.json), and `npm test` runs `tsc` first, once for everything.
 * Jest 29, because Jest 30's resolver and swc ship platform binaries the npm registry this
 * project installs from does not all serve, which breaks `npm ci`.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
