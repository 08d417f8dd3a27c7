// ESLint (flat config) with type information from each folder's tsconfig.json; `npm test` runs it
// (`npm run lint`). Kept to rules that find bugs: a promise nobody awaits or handles, a variable or
// import nobody uses, a promise passed where a callback's result is ignored.
//
// Import cycles: not checked here. test/unit/architecture.test.ts fails on any cycle through run-time
// imports (type-only imports vanish at run time and may cross), which import-x/no-cycle would either
// repeat or, counting type-only imports, get wrong.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**',
      // inputs of the tests (Dockerfiles, contexts, a workspace), not code of the project
      'test/fixtures/**', 'test/integration/workspace/**', 'samples/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // `import x = require()` is typed; a bare require() is untyped, so each one says why it is not an import
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // matching terminal control characters is the point of several patterns (ANSI escapes in build
      // progress, C0/C1 escaping of CLI output, byte ranges of Go strings)
      'no-control-regex': 'off',
      // `for (let s = this; s; s = s.parent)` walks a scope chain; aliasing `this` is how it starts
      '@typescript-eslint/no-this-alias': 'off',
      // a timer handle declared before the closures that clear it, assigned once they exist
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // `_name` is how a parameter or a destructured leftover says it is unused on purpose
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // the build and maintenance scripts: plain Node ES modules, outside every tsconfig
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
