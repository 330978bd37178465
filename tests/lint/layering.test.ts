// The layering rules of eslint.config.js prove themselves: each rule (no import cycles, engines
// never import each other, machine/helpers/xdp/maps never import an engine) reports a deliberately
// bad import and stays quiet on a good one, through ESLint's Node API on snippets placed in the
// folders the rules guard (virtual files; the cycle case writes two real files to a temp folder).

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const eslint = new ESLint({ cwd: ROOT });

/** The rule ids ESLint reports for `code` as if it were the file `path` (relative to the root). */
async function ruleIds(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const RESTRICTED = 'import-x/no-restricted-paths';

describe('lint: engines are siblings', () => {
  const cases = [
    { file: 'simulator/kernel/probe-lint.ts', bad: '../interpreter/engine.js', good: '../engine.js' },
    { file: 'simulator/interpreter/probe-lint.ts', bad: '../kernel/index.js', good: '../machine/index.js' },
    // a future engine folder is guarded before it exists
    { file: 'simulator/core/probe-lint.ts', bad: '../interpreter/compile.js', good: '../machine/index.js' },
  ];
  for (const c of cases) {
    it(`${c.file}: importing ${c.bad} fails, ${c.good} passes`, async () => {
      expect(await ruleIds(c.file, `import * as x from '${c.bad}';\nexport const y = x;\n`)).toContain(RESTRICTED);
      expect(await ruleIds(c.file, `import * as x from '${c.good}';\nexport const y = x;\n`)).toEqual([]);
    });
  }
});

describe('lint: what engines stand on never imports an engine', () => {
  const cases = [
    { file: 'simulator/helpers/probe-lint.ts', bad: '../interpreter/engine.js', good: '../machine/index.js' },
    { file: 'simulator/xdp/probe-lint.ts', bad: '../kernel/index.js', good: '../machine/index.js' },
    { file: 'simulator/maps/probe-lint.ts', bad: '../interpreter/compile.js', good: './types.js' },
    { file: 'simulator/machine/probe-lint.ts', bad: '../interpreter/loop.js', good: './state.js' },
    { file: 'simulator/machine/probe-lint.ts', bad: '../engines.js', good: '../engine.js' },
  ];
  for (const c of cases) {
    it(`${c.file}: importing ${c.bad} fails, ${c.good} passes`, async () => {
      expect(await ruleIds(c.file, `import * as x from '${c.bad}';\nexport const y = x;\n`)).toContain(RESTRICTED);
      expect(await ruleIds(c.file, `import * as x from '${c.good}';\nexport const y = x;\n`)).toEqual([]);
    });
  }

  it('the registry and the CLI may import every engine', async () => {
    const code = `import * as i from './interpreter/engine.js';\nimport * as k from './kernel/index.js';\nexport const y = [i, k];\n`;
    expect(await ruleIds('simulator/probe-lint.ts', code)).toEqual([]);
  });
});

describe('lint: no import cycles', () => {
  const dir = join(ROOT, 'tests', 'lint', `tmp-cycle-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a.ts (importing b) and b.ts (with `bImports`), returns a.ts's rule ids. */
  async function pair(name: string, bImports: string): Promise<string[]> {
    const a = `import { b } from './${name}-b.js';\nexport const a = () => b;\n`;
    writeFileSync(join(dir, `${name}-a.ts`), a);
    writeFileSync(join(dir, `${name}-b.ts`), `${bImports}export const b = 1;\n`);
    return ruleIds(join('tests', 'lint', `tmp-cycle-${process.pid}`, `${name}-a.ts`), a);
  }

  it('a imports b, b imports a: fails', async () => {
    expect(await pair('cycle', `import { a } from './cycle-a.js';\nexport const c = a;\n`)).toContain('import-x/no-cycle');
  });

  it('a imports b, b imports nothing: passes', async () => {
    expect(await pair('line', '')).toEqual([]);
  });

  it('a type-only import back does not make a cycle (it is gone at run time)', async () => {
    expect(await pair('typed', `import type { a } from './typed-a.js';\nexport type C = typeof a;\n`)).toEqual([]);
  });
});
