// ESLint for the whole workspace: typescript-eslint's recommended rules, Nx's module boundaries
// (which project may import which, by the tags in each project.json), and eslint-config-prettier
// last, so that formatting is Prettier's alone (`npm run lint` runs both).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Which project may import which, by the tags in each project.json. */
function boundaries(allow) {
  return {
    allow,
    enforceBuildableLibDependency: false,
    depConstraints: [
      // An app is deployed alone: it builds on libraries, never on another app.
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
      // The contracts are what every service shares: they import nothing of the project.
      { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: [] },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.nx/**', 'infra/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
      // Unused names are mistakes, except those that say so with a leading underscore
      // (an unused parameter an interface requires, a field destructured away).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Rows from Postgres and JSON from Kafka arrive untyped; the adapters that read them say `any`
      // where a type would only repeat the SQL. The pure cores are typed throughout.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Integration tests share the stack harness (test/support) and the SMSC simulator, which belong
    // to no project; production code may not reach them.
    files: ['**/*.spec.ts', '**/*.test-support.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(['^(\\.\\./)+(test/support|tools/smsc-sim/src|tools/voice-sim/src)/'])] },
  },
  {
    // The stack tools and configs are plain CommonJS scripts run by node.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const crypto = require('node:crypto')` names the module as node's global does, on purpose.
      'no-redeclare': ['error', { builtinGlobals: false }],
      // The stack tools strip ANSI colour codes (\x1b) from Kafka's and Postgres's output.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.test-support.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
  prettier,
);
