// Lint rules that guard the layering of docs/ARCHITECTURE.md:
// isa/ is a leaf; simulator/ never imports compiler passes, scheduling or emitters;
// engines and libraries never import the CLI.
import tseslint from 'typescript-eslint';

const outside = (dirs) => dirs.flatMap((d) => [`../${d}/*`, `../../${d}/*`, `../../../${d}/*`, `../${d}`, `../../${d}`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'programs/**/*.o'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['isa/**/*.ts', 'compiler/**/*.ts', 'simulator/**/*.ts', 'cli/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts'],
    rules: {
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
    },
  },
  {
    files: ['isa/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../*', '../../*'], message: 'isa/ is a leaf: it imports nothing outside isa/.' },
          { group: ['yargs', '@dagrejs/*'], message: 'isa/ is a leaf: no dependencies.' }],
      }],
    },
  },
  {
    // isa/'s own subfolders (isa/asm/) may import isa/ modules, and still nothing outside isa/
    files: ['isa/*/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../../*', '../../../*'], message: 'isa/ is a leaf: it imports nothing outside isa/.' },
          { group: ['yargs', '@dagrejs/*'], message: 'isa/ is a leaf: no dependencies.' }],
      }],
    },
  },
  {
    files: ['simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/compiler/passes/**', '**/compiler/schedule/**', '**/compiler/emit/**', '**/compiler/analysis/**', '**/compiler/pipeline*'], message: 'simulator/ imports isa/ and compiled-program types, never compiler passes.' },
          { group: outside(['cli']), message: 'libraries never import the CLI.' },
        ],
      }],
    },
  },
  {
    files: ['compiler/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: outside(['cli', 'simulator']), message: 'compiler/ does not import the simulator or the CLI.' }],
      }],
    },
  },
);
