// The project reads nothing outside its own tree at test or run time: no string in a tracked
// file names the workspace folder beside the checkout (../shared) that only its authors have.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

describe('self-contained', () => {
  it('no source, test or script has a path into ../shared or /work/shared', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n')
      .filter((f) => /\.(ts|js|mjs|json|sh|md)$|Makefile$/.test(f) && !f.startsWith('tests/conformance/') && f !== 'tests/setup/self-contained.test.ts');
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => /['"`][^'"`\n]*(?:\.\.\/shared|\/work\/shared)\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
