// Type-aware lint: floating promises and unsafe `any` are the bugs a gateway cannot afford.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const SUBSYSTEMS = ['auth', 'cache', 'ratelimit', 'upstream', 'audit'];
const TOP = ['./src/app.ts', './src/deps.ts', './src/main.ts', './src/cli'];
const ABOVE_SUBSYSTEMS = [...TOP, './src/http', './src/scans'];
const reason = (layer, rule) => `${layer} must not import from here: ${rule}`;
/** Each zone: files in `target` may not import from `from`. */
const LAYER_ZONES = [
  {
    target: './src/platform',
    from: [
      ...ABOVE_SUBSYSTEMS,
      './src/store',
      './src/config.ts',
      './src/simulator',
      ...SUBSYSTEMS.map((s) => `./src/${s}`),
    ],
    message: reason('platform/', 'it is the bottom layer and imports nothing of the gateway'),
  },
  {
    target: ['./src/store', './src/config.ts'],
    from: [...ABOVE_SUBSYSTEMS, './src/simulator', ...SUBSYSTEMS.map((s) => `./src/${s}`)],
    message: reason('store/ and config', 'they sit below every subsystem'),
  },
  ...SUBSYSTEMS.map((name) => ({
    target: `./src/${name}`,
    from: [
      ...ABOVE_SUBSYSTEMS,
      './src/simulator',
      ...SUBSYSTEMS.filter((s) => s !== name).map((s) => `./src/${s}`),
    ],
    message: reason(`${name}/`, 'a subsystem knows neither HTTP, the use case nor its sibling subsystems'),
  })),
  {
    target: './src/scans',
    from: [...TOP, './src/http', './src/simulator'],
    message: reason('scans/', 'the use case knows nothing of HTTP'),
  },
  {
    target: './src/http',
    from: [...TOP, './src/simulator'],
    message: reason('http/', 'it is built by app.ts from parts passed in'),
  },
  {
    target: './src/simulator',
    from: [...ABOVE_SUBSYSTEMS, './src/store', ...SUBSYSTEMS.map((s) => `./src/${s}`)],
    message: reason('simulator/', 'it stands in for the vendor and shares only platform/'),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // The request's path runs one way: http → scans → subsystems → store/config → platform.
    files: ['src/**/*.ts', 'test/lint-fixtures/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }] },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
