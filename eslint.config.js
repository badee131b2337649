import tseslint from 'typescript-eslint';

/** The names a DataSource or an EntityManager goes by here (`this.dataSource`, `manager`, `m`). */
const DATABASE_HANDLES = '/^(dataSource|manager|m)$/';
/** What reads or writes through them; `transaction` is not here: services keep the transaction boundary. */
const DATABASE_CALLS =
  '/^(query|getRepository|getTreeRepository|createQueryBuilder|find\\w*|count\\w*|exists\\w*|sum|average|minimum|maximum|save|insert|update|upsert|delete|remove|softDelete|softRemove|restore|recover|increment|decrement|clear|preload)$/';

export default tseslint.config(
  { ignores: ['dist/', '**/dist/', 'node_modules/', 'coverage/', 'data/', 'openapi/', 'packages/client/src/schema.ts', 'test-artifacts/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/common',
              importNames: ['ParseUUIDPipe'],
              message: 'Use `uuid` from src/common/errors/uuid.pipe.ts: a bad id is a validation_failed naming the parameter, and ids are lower-cased.',
            },
          ],
        },
      ],
    },
  },
  {
    // Repositories own SQL: outside a module's <feature>.repository.ts, nothing queries through a
    // DataSource or an EntityManager (services keep `dataSource.transaction` and pass `m` on).
    // Infrastructure is the persistence layer and may query (see ARCHITECTURE.md).
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repository.ts', 'src/infrastructure/**', 'src/config/**', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `CallExpression:matches([callee.object.name=${DATABASE_HANDLES}], [callee.object.property.name=${DATABASE_HANDLES}])[callee.property.name=${DATABASE_CALLS}]`,
          message:
            "Database access belongs in this module's <feature>.repository.ts: add an intention-revealing method there (taking `m: EntityManager` first when it must run in the caller's transaction) and call it.",
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
