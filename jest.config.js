// Unit tests (*.spec.ts) sit beside the code; integration tests (*.int-spec.ts) talk to the real
// Postgres and Redis that test/global-setup.ts finds or starts. Each integration file gets its own
// database cloned from a migrated template and its own Redis key prefix (test/harness.ts).
const fs = require('node:fs');
const path = require('node:path');
const { swcOptions } = require('./scripts/build.js');

const swc = swcOptions('x.ts');
delete swc.filename;
swc.sourceMaps = 'inline';

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // Only folders that exist (a fresh clone has no empty folders).
  roots: ['apps', 'libs', 'test', 'scripts', 'migrations', 'helm', 'bench'].filter((d) => fs.existsSync(path.join(__dirname, d))).map((d) => `<rootDir>/${d}`),
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^@watchfloor/(.*)$': '<rootDir>/libs/$1/index.ts' },
  globalSetup: '<rootDir>/test/global-setup.ts',
  maxWorkers: 2,
  testTimeout: 30000,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.data'],
};
