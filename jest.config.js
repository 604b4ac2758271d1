/** Two projects: fast unit tests (network blocked) and end-to-end tests of the
 * committed bundles against the patched AWS emulator (one server, run in band). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: [
        '<rootDir>/src/**/*.test.ts',
        '<rootDir>/actions/*/src/**/*.test.ts',
        '<rootDir>/test/unit/**/*.test.ts',
        '<rootDir>/scripts/**/*.test.ts',
        '<rootDir>/bench/**/*.test.ts',
      ],
      setupFiles: ['<rootDir>/test/support/block-network.ts'],
      clearMocks: true,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/reset-emulator.ts'],
    },
  ],
};
