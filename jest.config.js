// One jest run covers every layer; the suffix says which (DESIGN: *.unit, *.int, *.e2e).
// @swc/jest keeps decorator metadata, which NestJS dependency injection needs.
const transform = {
  '^.+\\.ts$': ['@swc/jest', {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  }],
};
const moduleNameMapper = {
  '^@clarion/contracts$': '<rootDir>/libs/contracts/src/index.ts',
  '^@clarion/platform$': '<rootDir>/libs/platform/src/index.ts',
  '^@clarion/smpp$': '<rootDir>/libs/smpp/src/index.ts',
};
const base = { transform, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };
module.exports = {
  // Integration tests run whole campaigns; a hung one still ends.
  testTimeout: 300000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] },
    {
      ...base,
      displayName: 'int',
      testMatch: ['<rootDir>/**/*.int.spec.ts', '<rootDir>/**/*.e2e.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      globalSetup: '<rootDir>/test/global-setup.js',
      globalTeardown: '<rootDir>/test/global-teardown.js',
    },
  ],
};
