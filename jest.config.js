// One jest run covers every layer; the suffix says which (DESIGN: *.unit, *.int, *.e2e).
// @swc/jest keeps decorator metadata, which NestJS dependency injection needs.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};
// The path aliases (@clarion/*) are written once, in tsconfig.base.json (tsconfig.json extends it); tests resolve them to the sources.
const { loadConfig } = require('tsconfig-paths');
const tsconfig = loadConfig(__dirname);
if (tsconfig.resultType !== 'success') throw new Error(`jest.config.js: cannot read tsconfig.json: ${tsconfig.message}`);
const escapeRegExp = (s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
const moduleNameMapper = Object.fromEntries(Object.entries(tsconfig.paths).map(([alias, [target]]) => [`^${escapeRegExp(alias).replace('*', '(.*)')}$`, `<rootDir>/${target.replace('*', '$1')}`]));
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
