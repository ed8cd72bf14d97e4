// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'protos/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      // Every concrete arrow-js DataType prints itself ("Int64", "Struct<{...}>"); only the abstract
      // base class leaves toString undeclared.
      '@typescript-eslint/no-base-to-string': ['error', {
        ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'DataType'],
      }],
      '@typescript-eslint/restrict-template-expressions': ['error', {
        allow: [{ from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] }, { from: 'package', package: 'apache-arrow', name: 'DataType' }],
      }],
      // From strict-type-checked, the rules that catch defects rather than style: a promise
      // returned unawaited from a try skips its catch and finally; a switch over a union that
      // forgets a member; spreading a promise, a string or a Map into an object or array.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-misused-spread': 'error',
      // `_` names a value deliberately left out of a destructuring or a signature.
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
