// Lint rules that guard the layering of docs/ARCHITECTURE.md:
// isa/ is a leaf; simulator/ never imports compiler passes, scheduling or emitters;
// engines and libraries never import the CLI; compiler/ and simulator/ never import report/; no import cycles (type-only imports aside);
// engines never import each other, and what engines stand on never imports an engine.
import { fileURLToPath } from 'node:url';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
/** Engine folders of simulator/ (docs/ARCHITECTURE.md): siblings that never import each other. */
export const ENGINES = ['interpreter', 'kernel', 'core', 'rtl', 'rows'];
/** What engines stand on: never imports an engine (nor the registry, simulator/engines.ts, that lists them). */
export const ENGINE_FREE = ['simulator/machine', 'simulator/helpers', 'simulator/xdp', 'simulator/maps', 'simulator/net', 'simulator/vliw', 'simulator/engine.ts', 'simulator/pcap-run.ts'];
const engineDirs = (names) => names.map((e) => `simulator/${e}`);

/** no-restricted-paths zones: engines apart from each other, libraries apart from all engines. */
export const layeringZones = [
  ...ENGINES.map((e) => ({
    target: `simulator/${e}`,
    from: engineDirs(ENGINES.filter((o) => o !== e)),
    message: 'engines are siblings: an engine never imports another (simulator/engines.ts wires them).',
  })),
  ...ENGINE_FREE.map((t) => ({
    target: t,
    from: [...engineDirs(ENGINES), 'simulator/engines.ts'],
    message: 'machine/, helpers/, xdp/, maps/ and the engine interface depend on machine/, never on an engine.',
  })),
];

const outside = (dirs) => dirs.flatMap((d) => [`../${d}/*`, `../../${d}/*`, `../../../${d}/*`, `../${d}`, `../../${d}`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'programs/**/*.o'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${ROOT}tsconfig.json` })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: layeringZones }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['isa/**/*.ts', 'compiler/**/*.ts', 'simulator/**/*.ts', 'report/**/*.ts', 'cli/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts'],
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
          { group: outside(['report']), message: 'simulator/ never imports report/ (the report reads the simulator, not the reverse).' },
        ],
      }],
    },
  },
  {
    files: ['compiler/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: outside(['cli', 'simulator']), message: 'compiler/ does not import the simulator or the CLI.' },
          { group: outside(['report']), message: 'compiler/ never imports report/ (the report reads the compiler, not the reverse).' }],
      }],
    },
  },
  {
    // report/ reads compiler/ and simulator/ and draws; the CLI calls it, never the reverse
    files: ['report/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: outside(['cli']), message: 'report/ never imports the CLI.' }],
      }],
    },
  },
);
