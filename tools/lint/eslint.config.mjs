// The project's lint: typescript-eslint's recommended rules, with type information for the ones
// that need it (a promise nobody awaits or handles is how a failure goes unreported), and unused
// code as an error. Run from the repository root: `node tools/lint/run.mjs` (the code-health test does).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'out/**', 'dist/**', 'samples/data/**', 'samples/output/**', 'bench/data/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './renderers/tsconfig.json'], tsconfigRootDir: process.cwd() },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
);
