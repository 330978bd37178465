// report/'s place in the layering (eslint.config.js): it reads compiler/ and simulator/, the CLI
// calls it; compiler/ and simulator/ never import report/, and report/ never imports the CLI.
// Each rule reports a deliberately bad import and stays quiet on a good one (ESLint's Node API on
// virtual files placed in the guarded folders).

import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const cases = [
  { file: 'compiler/schedule/probe-lint.ts', bad: '../../report/index.js', good: '../pipeline.js' },
  { file: 'simulator/simulate/probe-lint.ts', bad: '../../report/charts.js', good: './stats.js' },
  { file: 'report/probe-lint.ts', bad: '../cli/errors.js', good: '../compiler/pipeline.js' },
  { file: 'report/probe-lint.ts', bad: '../cli/schedule-options.js', good: '../simulator/simulate/run.js' },
];

describe('lint: report/ between the libraries and the CLI', () => {
  for (const c of cases)
    it(`${c.file}: importing ${c.bad} fails, ${c.good} passes`, async () => {
      expect(await ruleIds(c.file, `import * as x from '${c.bad}';\nexport const y = x;\n`)).toContain('no-restricted-imports');
      expect(await ruleIds(c.file, `import * as x from '${c.good}';\nexport const y = x;\n`)).toEqual([]);
    });

  it('the CLI may import report/', async () => {
    expect(await ruleIds('cli/commands/probe-lint.ts', `import * as x from '../../report/index.js';\nexport const y = x;\n`)).toEqual([]);
  });
});
