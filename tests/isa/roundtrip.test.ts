import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeProgram, encodeProgram } from '../../isa/index.js';
import { CONFORMANCE_DIR } from '../helpers/paths.js';

interface Assembled { file: string; bytecode: string }

const cases: Assembled[] = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l) as Assembled);

describe('encode(decode(x)) = x on every assembled conformance program', () => {
  it('has all 313 programs', () => expect(cases.length).toBe(313));
  for (const c of cases) {
    it(c.file, () => {
      const bytes = Buffer.from(c.bytecode, 'hex');
      const { insns } = decodeProgram(bytes);
      expect(Buffer.from(encodeProgram(insns)).toString('hex')).toBe(c.bytecode);
    });
  }
});
