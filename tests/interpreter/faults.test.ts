// Every trap kind: the run ends with XDP_ABORTED (code 0), the trap names the kind, the slot and
// the program, and says why; nothing throws.
import { describe, expect, it } from 'vitest';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import type { RunResult, TrapKind } from '../../simulator/engine.js';
import { mapDef, object, program, udpPacket } from './objects.js';

const maps = [
  mapDef('arr', 'array', 4, 8, 4),
  mapDef('jmp', 'prog_array', 4, 4, 2),
  mapDef('.rodata', 'array', 4, 8, 1, { flags: 0x80, initial: new Uint8Array(8) }),
];

function run(asm: string, budget?: number, packet = udpPacket()): RunResult {
  const s = new InterpreterSession(object([program('p', asm, maps)], maps), 'p', undefined, { budget });
  return s.runSync({ packet });
}

function expectTrap(r: RunResult, kind: TrapKind, pc: number, text: RegExp): void {
  expect(r.trap).toMatchObject({ kind, pc, program: 'p' });
  expect(r.trap!.message).toMatch(text);
  expect(r.action).toBe('XDP_ABORTED');
  expect(r.code).toBe(0);
}

const lookup0 = `
  stw [%r10-4], 0
  mov %r2, %r10
  add %r2, -4
  lddw %r1, map:arr
  call 1
`; // slots 0-5; r0 = &arr[0]

describe('traps', () => {
  it('out-of-bounds: a packet read past data_end', () =>
    expectTrap(run('ldxw %r2, [%r1+0]\nldxb %r0, [%r2+64]\nexit'), 'out-of-bounds', 1, /1-byte read at offset 320 of packet \(valid: 256\.\.319\)/));

  it('out-of-bounds: a read above the frame pointer', () =>
    expectTrap(run('ldxdw %r0, [%r10+0]\nexit'), 'out-of-bounds', 0, /stack \(frame 0\)/));

  it('out-of-bounds: a read past the end of a map value', () =>
    expectTrap(run(`${lookup0}jeq %r0, 0, +1\nldxw %r0, [%r0+6]\nexit`), 'out-of-bounds', 7, /4-byte read at offset 6 of map arr value/));

  it('bad-pointer: a NULL dereference', () => expectTrap(run('mov %r1, 0\nldxw %r0, [%r1+0]\nexit'), 'bad-pointer', 1, /points into no memory region/));

  it('bad-pointer: a write to the ctx', () => expectTrap(run('stw [%r1+16], 1\nexit'), 'bad-pointer', 0, /ctx is read-only/));

  it('bad-pointer: a narrow ctx load', () => expectTrap(run('ldxb %r0, [%r1+12]\nexit'), 'bad-pointer', 0, /only aligned 4-byte loads/));

  it('bad-pointer: egress_ifindex outside devmap programs', () => expectTrap(run('ldxw %r0, [%r1+20]\nexit'), 'bad-pointer', 0, /egress_ifindex/));

  it('bad-pointer: a write into .rodata', () => expectTrap(run('lddw %r1, value:.rodata+0\nstw [%r1+0], 1\nexit'), 'bad-pointer', 2, /read-only map \.rodata value/));

  it('bad-pointer: a load through a map handle', () => expectTrap(run('lddw %r1, map:arr\nldxw %r0, [%r1+0]\nexit'), 'bad-pointer', 2, /map arr, which is not memory/));

  it('budget: an endless loop', () => {
    const r = run('mov %r0, 0\nloop:\nadd %r0, 1\nja loop', 1000);
    expectTrap(r, 'budget', 2, /budget of 1000/); // the 1001st instruction, the ja
    expect(r.insnsExecuted).toBe(1000);
  });

  it('unsupported-helper: names the helper and where it is called', () =>
    expectTrap(run('mov %r0, 0\ncall 14\nexit'), 'unsupported-helper', 1, /call to helper bpf_get_current_pid_tgid \(14\), which/));

  it('unsupported-helper: an unknown helper number', () => expectTrap(run('call 9999\nexit'), 'unsupported-helper', 0, /unknown helper 9999/));

  it('bad-call: map_lookup_elem on a prog array', () =>
    expectTrap(run('lddw %r1, map:jmp\nmov %r2, %r10\nadd %r2, -4\nstw [%r10-4], 0\ncall 1\nexit'), 'bad-call', 5, /verifier does not allow it on a prog_array/));

  it('bad-call: tail_call through an array', () =>
    expectTrap(run('lddw %r2, map:arr\nmov %r3, 0\ncall 12\nexit'), 'bad-call', 3, /not a prog_array/));

  it('bad-call: map helper with a scalar instead of a map', () =>
    expectTrap(run('mov %r1, 5\ncall 1\nexit'), 'bad-call', 1, /r1 does not point to a map/));

  it('bad-call: bpf_loop with a scalar for a callback', () =>
    expectTrap(run('mov %r1, 3\nmov %r2, 0\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit'), 'bad-call', 4, /bpf_loop: r2 is not the address of a function/));

  it('bad-call: a key pointer out of bounds', () =>
    expectTrap(run('lddw %r1, map:arr\nmov %r2, %r10\ncall 1\nexit'), 'out-of-bounds', 3, /bpf_map_lookup_elem: argument r2/));

  it('stack-overflow: unbounded recursion', () =>
    expectTrap(run('call local f\nexit\nf:\ncall local f\nexit'), 'stack-overflow', 2, /8 frames/));

  it('invalid-insn: running past the last instruction', () => expectTrap(run('mov %r0, 2'), 'invalid-insn', 1, /past the last instruction/));

  it('a trap keeps the packet and map changes made before it', () => {
    const r = run(`${lookup0}stdw [%r0+0], 7\nmov %r1, 0\nldxw %r0, [%r1+0]\nexit`);
    expect(r.trap?.kind).toBe('bad-pointer');
    expect(r.maps.arr[0]).toEqual({ key: '00000000', value: '0700000000000000' });
  });
});
