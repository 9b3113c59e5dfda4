/** Unit specs live beside the code; e2e specs boot AppModule on a fresh database per file. */
const transform = { '^.+\\.ts$': ['@swc/jest'] };
module.exports = {
  // A global option: Jest does not read it per project.
  testTimeout: 30000,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts', '<rootDir>/test/bench/*.spec.ts'] },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // The OpenAPI contract check of every exchange (test/support/openapi-contract.ts).
      setupFilesAfterEnv: ['<rootDir>/test/support/contract-setup.ts'],
    },
  ],
};
