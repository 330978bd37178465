// Raw bytecode files: instructions only, 8 bytes each, little-endian (what the kernel is given).
// One program named after the file; BPF-to-BPF call targets and function addresses become its further functions.

import { branchTarget, decodeSlot, IsaError, OPCODES, readSlot } from '../../isa/index.js';
import { FormatError } from './bytes.js';
import { programTypeOf } from './progtype.js';
import { decodeCode } from './relocate.js';
import type { Code } from './relocate.js';
import type { FunctionInfo, LoadedObject, Program } from './types.js';

/** Whether the bytes start with a valid instruction (used to recognise raw bytecode by content). */
export function looksLikeRaw(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const first = readSlot(bytes, 0);
  const wide = OPCODES[first.opcode]?.kind === 'lddw';
  if (wide && bytes.length < 16) return false;
  try {
    decodeSlot(first, 0, wide ? readSlot(bytes, 1) : undefined);
    return true;
  } catch (e) {
    if (e instanceof IsaError) return false;
    throw e;
  }
}

export function loadRaw(bytes: Uint8Array, name: string): Omit<LoadedObject, 'file'> {
  if (bytes.length % 8 !== 0) {
    const whole = Math.floor(bytes.length / 8);
    throw new FormatError(`truncated instruction: ${bytes.length % 8} byte(s) left over after ${whole} whole instruction(s)`, whole);
  }
  const code = decodeCode('', bytes);
  return { format: 'raw', programs: [programOf(code, name)], maps: [] };
}

/** The whole of `code` as one program; call-local and function-address targets inside it are named sub_<slot>. */
function programOf(code: Code, name: string): Program {
  const { prog } = code;
  const starts = new Set<number>();
  prog.insns.forEach((insn, i) => {
    // local calls and function addresses (lddw of a callback) start functions, as in the kernel
    if (insn.kind !== 'call-local' && insn.kind !== 'lddw') return;
    const target = branchTarget(insn, prog.pcs[i]);
    if (target === undefined) return;
    if (target > 0 && target < prog.slots && prog.indexOfSlot[target] >= 0) starts.add(target);
  });
  const functions: FunctionInfo[] = [{ name, start: 0 }];
  for (const slot of [...starts].sort((a, b) => a - b)) functions.push({ name: `sub_${slot}`, start: prog.indexOfSlot[slot] });
  return { name, section: code.name, type: programTypeOf(code.name), code: prog, functions, mapRefs: new Map() };
}
