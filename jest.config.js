/** Unit specs live beside the code; e2e specs boot AppModule on a fresh database per file. */
const transform = { '^.+\\.ts$': ['@swc/jest'] };
module.exports = {
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testTimeout: 30000,
    },
  ],
};
