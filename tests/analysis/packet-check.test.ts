// Packet accesses the kernel verifier would reject (issue 10 item 5): small assembled programs whose
// answer is known; a C program reading past its bounds check as xdp-tutorial's packet01 does, which
// our check names and the kernel verifier rejects with the same words; every program of programs/
// (all accepted by the verifier) gives no finding; `run` warns on stderr and in --json, and runs as before.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packetFindings } from '../../compiler/analysis/packet-check.js';
import { loadFile } from '../../compiler/loader/index.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { runCli } from '../cli/run.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { program } from '../interpreter/objects.js';
import { ROOT } from '../helpers/paths.js';
import { corpusPrograms } from '../programs/corpus.js';

const HEAD = 'ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\n';
const check = (n: number) => `mov %r4, %r2\nadd %r4, ${n}\njgt %r4, %r3, drop\n`;
const DROP = 'exit\ndrop:\nmov %r0, 1\nexit';
const found = (src: string) => packetFindings(program('p', src)).map((f) => [f.pc, f.off, f.size, f.proven]);

describe('packetFindings', () => {
  it('names an access past its check, and only that one', () => {
    expect(found(HEAD + check(14) + 'ldxh %r0, [%r2+12]\nldxb %r0, [%r2+14]\n' + DROP)).toEqual([[6, 14, 1, 14]]);
  });
  it('assumes no minimum frame: an access with no check at all is found', () => {
    const f = packetFindings(program('p', HEAD + 'ldxb %r0, [%r2+0]\nexit'));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe('invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0); R2 offset is outside of the packet');
    expect(f[0].insn).toBe('r0 = *(u8 *)(r2 + 0)');
  });
  it('stores count; a pointer moved past the check is judged at its offset', () => {
    expect(found(HEAD + check(20) + 'add %r2, 18\nstb [%r2+1], 0\nsth [%r2+1], 0\nmov %r0, 2\n' + DROP)).toEqual([[7, 19, 2, 20]]);
  });
  it('a path that skips the check is found after the join; one that checks more is not', () => {
    const join = HEAD + 'jeq %r3, 0, skip\n' + check(14) + 'skip:\nldxb %r0, [%r2+0]\n' + DROP;
    expect(found(join)).toEqual([[6, 0, 1, 0]]);
    const both = HEAD + 'jeq %r3, 0, other\n' + check(14) + 'ja done\nother:\n' + check(30) + 'done:\nldxh %r0, [%r2+12]\n' + DROP;
    expect(found(both)).toEqual([]);
  });
  it('a resizing helper forgets what a check proved', () => {
    const src = HEAD + check(14) + 'mov %r6, %r1\nmov %r2, 0\ncall 44\nldxw %r2, [%r6+0]\nldxb %r0, [%r2+0]\n' + DROP;
    expect(found(src).map(([pc]) => pc)).toEqual([9]);
  });
});

describe('programs/: the verifier accepts them all, so no finding', () => {
  it.each(corpusPrograms())('$name', (p) => {
    for (const prog of loadFile(p.object).programs) expect(packetFindings(prog).map((f) => `${prog.name} pc ${f.pc}: ${f.message}`)).toEqual([]);
  });
});

/** tests/analysis/c/past_check.c compiled with clang (not among the loader's programs: the kernel rejects it). */
function compiled(name: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'xdp2hw-pktcheck-')), `${name}.o`);
  const multiarch = execFileSync('clang', ['-print-multiarch'], { encoding: 'utf8' }).trim() || 'x86_64-linux-gnu';
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', `-I/usr/include/${multiarch}`, '-c', join(ROOT, 'tests/analysis/c', `${name}.c`), '-o', out], { stdio: 'pipe' });
  return out;
}

describe.skipIf(needs(toolMissing('clang')))('a program reading past its check, as packet01', () => {
  let built: string | undefined;
  const pastCheck = () => (built ??= compiled('past_check'));
  const packet = Uint8Array.from({ length: 60 }, (_, i) => (i === 12 ? 8 : 0));
  it('our check names the two loads of h_proto', () => {
    const f = packetFindings(loadFile(pastCheck()).programs[0]);
    expect(f.map((x) => [x.pc, x.insn, x.off, x.size, x.proven])).toEqual([
      [6, 'r2 = *(u8 *)(r1 + 12)', 12, 1, 1], [7, 'r1 = *(u8 *)(r1 + 13)', 13, 1, 1]]);
  });
  it('run warns on stderr and in --json, and its result is the interpreter\'s', () => {
    const obj = pastCheck();
    const hex = Buffer.from(packet).toString('hex');
    const text = runCli(['run', obj, '--packet', hex]);
    expect(text.status).toBe(0);
    expect(text.stderr.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      expect.stringContaining('past_check pc 6 (r2 = *(u8 *)(r1 + 12)): invalid access to packet, off=12 size=1, R1(id=0,off=12,r=1)'),
      expect.stringContaining('past_check pc 7 (r1 = *(u8 *)(r1 + 13)): invalid access to packet, off=13 size=1, R1(id=0,off=13,r=1)')]);
    const json = JSON.parse(runCli(['run', obj, '--packet', hex, '--json']).stdout);
    expect(json.warnings.map((w: { pc: number }) => w.pc)).toEqual([6, 7]);
    const direct = new InterpreterSession(loadFile(obj), 'past_check', undefined).runSync({ packet });
    expect([json.action, json.packet]).toEqual([direct.action, Buffer.from(direct.packet).toString('hex')]);
  });
  it.skipIf(needs(kernelMissing()))('the kernel verifier rejects the same object with the same words', () => {
    const pin = `/sys/fs/bpf/xdp2hw-test-${process.pid}-past_check`;
    try {
      const r = spawnSync('bpftool', ['prog', 'load', pastCheck(), pin], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      const [first, second] = packetFindings(loadFile(pastCheck()).programs[0])[0].message.split('; ');
      expect(r.stdout + r.stderr).toContain(`${first}\n${second}`);
    } finally {
      rmSync(pin, { force: true });
    }
  });
});
