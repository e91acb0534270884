import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'dist/'] },
  js.configs.recommended,
  // strict plus the rules that read types: floating and misused promises,
  // awaits of non-thenables, unnecessary assertions and conditions, unsafe any.
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly' },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // noUncheckedIndexedAccess makes `!` the honest way to say "checked above".
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers read fine in messages; objects, nullish values and `never` do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `() => resolve()` returns nothing either way; statements that hide a void are still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Off by choice: a function that returns a promise is `async` here even
      // without an await (a kind's `unavailable`, decode), so a throw in it is a
      // rejection like every other failure of a promise-returning API. The bug
      // the rule is after, a promise left unawaited, no-floating-promises and
      // no-misused-promises report where it happens.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // @types/jest types asymmetric matchers (expect.any, expect.stringMatching)
      // as `any`, and tests put them in expected objects everywhere.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // The few plain JavaScript files (configs, the bin shim) are outside the TypeScript project.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
