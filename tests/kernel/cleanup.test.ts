// The kernel oracle removes what it creates (pins, network namespace, packet files, bpftool) on
// close, when opening fails (verifier, fixture, unknown program) and when the process ends.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserFacing } from '../../cli/errors.js';
import { KernelEngine, KernelError, VerifierError, bareObject, liveResources, listNetns } from '../../simulator/kernel/index.js';
import { FixtureError } from '../../simulator/maps/fixture.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { ROOT } from '../helpers/paths.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { compile, compileAndLoad, leftovers, modePacket, tempDir } from './helpers.js';

const CHILD = join(ROOT, 'tests/kernel/exit-child.ts');

/** Runs exit-child.ts; resolves with its pid, exit code and signal once it has ended. */
function child(file: string, program: string, how: string, signal?: NodeJS.Signals) {
  return new Promise<{ pid: number; code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, file, program, how], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (signal && out.includes('open ')) c.kill(signal);
    });
    c.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    c.on('error', reject);
    c.on('close', (code, sig) => resolve({ pid: c.pid!, code, signal: sig, out }));
  });
}

describe.skipIf(needs(kernelMissing(), toolMissing('clang')))('kernel oracle cleanup', () => {
  const tmp = tempDir();
  const engine = new KernelEngine();
  afterAll(() => tmp.remove());

  async function expectClean() {
    expect(leftovers(process.pid)).toEqual([]);
    expect(liveResources()).toEqual([]);
    expect((await listNetns()).filter((n) => n.startsWith(`xdp2hw-${process.pid}-`))).toEqual([]);
  }

  it('close() removes pins, namespace, packet files and bpftool; a second close is harmless', async () => {
    const s = await engine.open(compileAndLoad('oracle_maps', tmp.dir), 'oracle_maps');
    await s.run({ packet: modePacket(0, 0) });
    expect(leftovers(process.pid).length).toBeGreaterThanOrEqual(3);
    expect(await listNetns()).toContain(s.info.netns);
    await s.close();
    await s.close();
    await expectClean();
    await expect(s.run({ packet: modePacket(0, 0) })).rejects.toThrow(/closed/);
  });

  it('a verifier rejection is a one-line VerifierError with the log lines that matter, and leaves nothing', async () => {
    const file = compile('oracle_reject', tmp.dir);
    const e = await engine.open(bareObject(file), 'oracle_reject').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VerifierError);
    const v = e as VerifierError;
    expect(v.program).toBe('oracle_reject');
    expect(v.insn).toBeGreaterThanOrEqual(0);
    expect(v.log.join('\n')).toMatch(/invalid access to packet/);
    expect(v.message).not.toContain('\n');
    expect(v.message).toMatch(/oracle_reject\.o: the verifier rejected program 'oracle_reject' at instruction \d+: invalid access to packet/);
    expect(v.detail).toContain('BEGIN PROG LOAD LOG');
    expect(isUserFacing(v)).toBe(true);
    await expectClean();
  });

  it('fixture problems are FixtureErrors naming the map and entry, and leave nothing', async () => {
    const obj = compileAndLoad('oracle_maps', tmp.dir);
    const cases: [MapFixture, RegExp][] = [
      [{ maps: { tx_port: { entries: [{ key: '00000000', value: '09000000' }] } } }, /^map tx_port entry 0: the kernel refused it: update failed: Invalid argument \(devmap values are ifindexes 1-8/],
      [{ maps: { counters: { entries: [{ key: '00000000', value: '01' }] } } }, /^map counters entry 0: value is 1 bytes, map counters has 8-byte values/],
      [{ maps: { nosuch: { entries: [] } } }, /^map nosuch: the object has no map of that name/],
      [{ maps: { jumps: { entries: [{ key: '00000000', program: 'missing' }] } } }, /^map jumps entry 0: no program missing/],
      [{ maps: { '.rodata': { entries: [{ key: '00000000', value: '0100' }] } } }, /^map \.rodata entry 0: value is 2 bytes, section \.rodata is 4/],
      [{ maps: { verdicts: { entries: [{ prefix: '0a000000', prefixLen: 8, value: '01000000' }] } } }, /LPM tries only/],
    ];
    for (const [fixture, message] of cases) {
      const e = await engine.open(obj, 'oracle_maps', fixture).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(FixtureError);
      expect((e as Error).message).toMatch(message);
      await expectClean();
    }
  });

  it('an unknown program, a missing file or a raw input is a KernelError, and leaves nothing', async () => {
    const obj = compileAndLoad('oracle_maps', tmp.dir);
    await expect(engine.open(obj, 'nope')).rejects.toThrow(/no program nope \(the object has: oracle_maps, stage2\)/);
    await expect(engine.open(bareObject(join(tmp.dir, 'missing.o')), 'x')).rejects.toBeInstanceOf(KernelError);
    await expect(engine.open({ ...obj, format: 'raw' }, 'oracle_maps')).rejects.toThrow(/loads ELF objects, not raw input/);
    await expectClean();
  });

  for (const [how, signal] of [['exit', undefined], ['throw', undefined], ['wait', 'SIGTERM'], ['wait', 'SIGINT']] as const) {
    it(`a process that ends without close (${signal ?? how}) leaves nothing behind`, async () => {
      const file = compile('oracle_maps', tmp.dir);
      const r = await child(file, 'oracle_maps', how, signal);
      expect(r.out).toMatch(/open xdp2hw-\d+-1/);
      if (signal) expect(r.signal).toBe(signal);
      else expect(r.code).toBe(how === 'exit' ? 0 : 1);
      expect(leftovers(r.pid)).toEqual([]);
      expect((await listNetns()).filter((n) => n.startsWith(`xdp2hw-${r.pid}-`))).toEqual([]);
    });
  }
});
