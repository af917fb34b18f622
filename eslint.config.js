import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.local-stack/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off'
    }
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } }
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // The bundler keeps from an AWS SDK package only the names a destructured `const { X } = await
      // import(…)` takes; used any other way (`.then`, Promise.all, a member of the awaited module), the
      // import keeps the whole client, every command and schema, in the bundle (docs/benchmarks.md).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportExpression[source.value=/^@aws-sdk/]:not(VariableDeclarator[id.type='ObjectPattern'] > AwaitExpression > ImportExpression)",
          message: "Load an AWS SDK package as `const { Name } = await import('@aws-sdk/…')`."
        }
      ]
    }
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read what other clients print (AWS CLI and boto3 JSON, parsed reports) and compare it with
      // jest's asymmetric matchers (expect.any, expect.objectContaining), which @types/jest types as `any`:
      // the assertion is what checks the shape, so typing each value first would only repeat it.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes implement the async interfaces they stand in for (Clock.sleep, client factories) with values
      // at hand: `async () => value` is the plain way to return a promise of one.
      '@typescript-eslint/require-await': 'off'
    }
  }
);
