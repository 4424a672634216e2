// ESLint flat config: typescript-eslint's recommended rules without type information (fast on the whole repo) and the
// import-x rules that catch real mistakes. Import cycles and package boundaries are dependency-cruiser's job.
import { defineConfig, globalIgnores } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default defineConfig(
  globalIgnores(['**/node_modules/', 'data/', '**/dist/', 'coverage/', '.ci/results/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    rules: {
      // Destructuring a field away (`const { hash: _hash, ...rest } = record`) is how the code omits fields.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-duplicates': 'error',
      'import-x/no-self-import': 'error',
      'import-x/first': 'error',
      'import-x/no-absolute-path': 'error',
      'import-x/no-useless-path-segments': 'error',
      'import-x/no-empty-named-blocks': 'error',
      'import-x/no-mutable-exports': 'error',
    },
  },
  {
    // Tool configuration in CommonJS (e.g. dependency-cruiser's): Node's module globals, and require is how it imports.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['test/**/*.ts', '**/test/**/*.ts'],
    rules: {
      // Tests read GraphQL answers and database rows as untyped JSON; typing each body would add casts and catch nothing.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
