// kfunc calls (issue 10 item 3): an object calling the conntrack kfuncs, declared extern __ksym,
// loads from ELF and from an llvm-objdump -dr listing; `info` and `disasm --linked` name the
// kfuncs; a run that reaches a call traps `unsupported-kfunc` naming it, one that does not runs;
// the kernel loads the same object (its verifier resolves the kfuncs against vmlinux BTF).
import { describe, expect, it } from 'vitest';
import { loadFile, loadBytes } from '../../compiler/loader/index.js';
import { disasmLines } from '../../compiler/loader/print.js';
import { summarize } from '../../compiler/loader/summary.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { KernelEngine } from '../../simulator/kernel/index.js';
import { runCli } from '../cli/run.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { compiled, llvmObjdump } from './compile.js';

const noClang = needs(toolMissing('clang'), toolMissing('llvm-objdump'));
const ipv4 = Uint8Array.from({ length: 60 }, (_, i) => (i === 14 ? 0x45 : 2));
const other = new Uint8Array(60);

describe.skipIf(noClang)('kfunc calls', () => {
  it('load from ELF: each call becomes a kfunc call that names its function', () => {
    const obj = loadFile(compiled('kfunc'));
    const p = obj.programs[0];
    expect([...(p.kfuncs ?? new Map()).values()]).toEqual(['bpf_xdp_ct_lookup', 'bpf_ct_release']);
    for (const i of p.kfuncs!.keys()) expect(p.code.insns[i]).toMatchObject({ kind: 'call', target: 'kfunc' });
    expect(summarize(obj).programs[0]).toMatchObject({ kfuncs: ['bpf_xdp_ct_lookup', 'bpf_ct_release'], features: expect.arrayContaining(['kfunc calls']) });
    expect(disasmLines(obj, { linked: true }).filter((l) => l.includes('; kfunc'))).toEqual([
      expect.stringMatching(/call 0 ; kfunc bpf_xdp_ct_lookup$/), expect.stringMatching(/call 0 ; kfunc bpf_ct_release$/)]);
  });

  it('load from an llvm-objdump -dr listing', () => {
    const text = llvmObjdump(['-dr'], compiled('kfunc'));
    const obj = loadBytes(new TextEncoder().encode(text), 'kfunc.txt');
    expect(obj.format).toBe('objdump');
    expect([...obj.programs[0].kfuncs!.values()]).toEqual(['bpf_xdp_ct_lookup', 'bpf_ct_release']);
  });

  it('a run reaching the call traps unsupported-kfunc naming it; one that does not runs', () => {
    const obj = loadFile(compiled('kfunc'));
    const s = new InterpreterSession(obj, 'xdp_ct', undefined);
    const r = s.runSync({ packet: ipv4 });
    expect(r.action).toBe('XDP_ABORTED');
    expect(r.trap).toMatchObject({ kind: 'unsupported-kfunc', program: 'xdp_ct', message: 'call to kernel function bpf_xdp_ct_lookup (kfunc), which this interpreter does not model' });
    expect(obj.programs[0].kfuncs!.get(obj.programs[0].code.pcs.indexOf(r.trap!.pc))).toBe('bpf_xdp_ct_lookup');
    const passed = s.runSync({ packet: other });
    expect([passed.action, passed.trap]).toEqual(['XDP_PASS', undefined]);
  });

  it('xdp2hw info names the kfuncs', () => {
    const r = runCli(['info', compiled('kfunc')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('    kfuncs: bpf_xdp_ct_lookup, bpf_ct_release\n');
  });

  it.skipIf(needs(kernelMissing()))('the kernel loads it and runs it (no conntrack entry: XDP_PASS)', async () => {
    const obj = loadFile(compiled('kfunc'));
    const k = await new KernelEngine().open(obj, 'xdp_ct', undefined);
    try {
      expect((await k.run({ packet: ipv4 })).action).toBe('XDP_PASS');
    } finally {
      await k.close();
    }
  });
});
