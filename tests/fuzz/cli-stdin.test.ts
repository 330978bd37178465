// The commands that read stdin, fuzzed as child processes of the built CLI (in-process runs cannot
// give them stdin): conformance-plugin with mutated programs (hex on stdin) and MEM arguments,
// pcap-info - with mutated pcaps. Same oracle as the in-process CLI harness (capture.ts).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { judgeRun } from './capture.js';
import { inputAt } from './harness.js';
import { pcapHarness } from './pcap.js';
import { rawHarness } from './raw.js';

const CLI = join(ROOT, 'dist/cli/xdp2hw.js');
const SEED = 7;
const COUNT = 30;

function run(args: string[], stdin: string | Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: stdin, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr + (r.signal ? `(killed by ${r.signal})` : '') };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ');
const mem = fc.oneof(fc.constant(undefined), fc.constantFrom('', '00', 'zz', '0x0102', 'aa bb', '00'.repeat(64)), fc.stringMatching(/^[0-9a-f ]{0,40}$/));

describe('conformance-plugin: program on stdin, MEM argument', () => {
  it(`${COUNT} mutated programs and garbage: exit 0 or one line and exit 1`, async () => {
    const programs = await rawHarness.inputs();
    for (let i = 0; i < COUNT; i++) {
      const p = inputAt(programs, SEED, i).value;
      const [m] = fc.sample(mem, { seed: SEED + i, numRuns: 1 });
      const stdin = i % 5 === 4 ? 'not hex at all\n' : hex(p);
      const r = run(['conformance-plugin', ...(m === undefined ? [] : [m])], stdin);
      const v = judgeRun(r);
      expect(v.kind, `${JSON.stringify(v)} for stdin ${stdin.slice(0, 80)} mem ${m}`).not.toBe('failure');
    }
  }, 120_000);
});

describe('pcap-info - (stdin)', () => {
  it(`${COUNT} mutated pcaps on stdin: exit 0 or one line and exit 1`, async () => {
    const pcaps = await pcapHarness.inputs();
    for (let i = 0; i < COUNT; i++) {
      const input = inputAt(pcaps, SEED, i);
      const r = run(['pcap-info', '-', ...(i % 3 === 0 ? ['--json'] : [])], input.value.bytes);
      const v = judgeRun(r);
      expect(v.kind, `${JSON.stringify(v)} for ${input.label}`).not.toBe('failure');
      if (v.kind === 'clean') expect(v.message).toMatch(/^xdp2hw: <stdin>: /);
    }
  }, 120_000);

  it('empty stdin is a clean error', () => {
    expect(judgeRun(run(['pcap-info', '-'], ''))).toEqual({ kind: 'clean', message: 'xdp2hw: <stdin>: file too short for a pcap header (0 of 24 bytes)' });
  });
});
