// The checks of a loaded program against what a core offers (isa/core.ts OffloadCaps): helpers,
// kfuncs, tail calls, BPF-to-BPF calls and callbacks, ALU operations without a unit, the maps it
// uses (type, flags, count, memory) and its stack depth (abstract interpretation: the lowest frame
// byte any pointer reaches). Each obstacle is a Finding with its instruction and source line.

import { CORE_OPS, externalMaps, helperName, MAP_FLAG_NAMES, mapBytes, offloadOf, Pseudo } from '../../isa/index.js';
import type { CoreConfig, CoreOp, Insn } from '../../isa/index.js';
import { analyze } from '../analysis/absint.js';
import { lift } from '../ir/index.js';
import type { IrProgram } from '../ir/index.js';
import type { LoadedObject, MapDef, Program } from '../loader/types.js';
import type { Finding } from './findings.js';

const TAIL_CALL = 12;
const CALLBACK_HELPERS = new Set(['bpf_loop', 'bpf_for_each_map_elem', 'bpf_timer_set_callback', 'bpf_find_vma', 'bpf_user_ringbuf_drain']);

/** Where instruction `index` is: its pc and source line (the lifted program carries lines). */
export type Locate = (index: number) => Pick<Finding, 'index' | 'pc' | 'line'>;

export function locator(program: Program, ir: IrProgram | undefined): Locate {
  const lines = new Map<number, string>();
  for (const fn of ir?.functions ?? [])
    for (const b of fn.blocks)
      for (const x of b.insns) if (x.origin && x.line && x.line.line > 0) lines.set(x.origin.index, `${x.line.file}:${x.line.line}: ${x.line.text.trim()}`);
  return (index) => {
    const line = lines.get(index);
    return { index, pc: program.code.pcs[index], ...(line ? { line } : {}) };
  };
}

function missingOp(insn: Insn): CoreOp | undefined {
  if (insn.kind !== 'alu' && insn.kind !== 'alu3') return undefined;
  const base = insn.op === 'sdiv' ? 'div' : insn.op === 'smod' ? 'mod' : insn.op;
  const op = `${base}${insn.width}`;
  return (CORE_OPS as readonly string[]).includes(op) ? (op as CoreOp) : undefined;
}

const OP_WORDS: Record<string, string> = { mul: 'multiplication', div: 'division', mod: 'modulo' };

/** Obstacles in the instructions: calls the core cannot make, operations it has no unit for. */
export function insnFindings(program: Program, core: CoreConfig, at: Locate): Finding[] {
  const caps = offloadOf(core);
  const out: Finding[] = [];
  const cores = `core ${core.name}`;
  program.code.insns.forEach((insn, i) => {
    if (insn.kind === 'call' && insn.target === 'kfunc') {
      const name = program.kfuncs?.get(i) ?? `kfunc #${insn.id}`;
      if (!caps.kfuncs.includes(name)) out.push({ kind: 'kfunc', ...at(i), what: `kfunc ${name}: a kernel function, which ${cores} cannot call`, fix: `remove the call (compute its result in eBPF), or keep this program in the kernel` });
    } else if (insn.kind === 'call' && insn.id === TAIL_CALL) {
      if (caps.tailCallDepth === 0) out.push({ kind: 'tail-call', ...at(i), what: `bpf_tail_call: ${cores} chains no tail calls (depth 0; the kernel allows 33)`, fix: 'merge the called programs into this one (a switch on the index), or keep the dispatcher in the kernel' });
      else if (caps.tailCallDepth < 33) out.push({ kind: 'tail-call', ...at(i), what: `bpf_tail_call: ${cores} chains at most ${caps.tailCallDepth} tail calls a packet, the kernel 33 (a longer chain falls through where the kernel's would go on)`, fix: 'a core with offload.tailCallDepth 33, or a chain no longer than the core\'s' });
    } else if (insn.kind === 'call') {
      const name = helperName(insn.id);
      if (CALLBACK_HELPERS.has(name)) out.push({ kind: 'callback', ...at(i), what: `${name}: a helper that calls back into the program, which ${cores} cannot run`, fix: 'write the loop out (#pragma unroll with a constant trip count)' });
      else if (!caps.helpers.includes(insn.id)) out.push({ kind: 'helper', ...at(i), what: `helper ${name} (id ${insn.id}) is not in the helper unit of ${cores} (it has: ${caps.helpers.map(helperName).join(', ')})`, fix: `remove the call or compute its result in eBPF, or use a core whose offload.helpers lists ${insn.id}` });
    } else if (insn.kind === 'call-local' || insn.kind === 'callx') {
      out.push({ kind: 'bpf-call', ...at(i), what: `${insn.kind === 'callx' ? 'callx: an indirect' : 'a BPF-to-BPF'} call, which ${cores} cannot make (its rows run one function)`, fix: 'inline the function (static __always_inline)' });
    } else if (insn.kind === 'lddw' && insn.pseudo === Pseudo.FUNC) {
      out.push({ kind: 'callback', ...at(i), what: `the address of a function (a callback), which ${cores} cannot call`, fix: 'write the loop or callback out inline' });
    } else {
      const op = missingOp(insn);
      if (op && caps.missingOps.includes(op)) {
        const word = OP_WORDS[op.slice(0, 3)] ?? op;
        out.push({ kind: 'insn', ...at(i), what: `${op.slice(3)}-bit ${word} (${op}): ${cores} has no unit for it`, fix: word === 'multiplication' ? 'shift and add for a constant factor, or use a core with a multiplier (--core xdp2hw)' : `for a power of two use a shift or a mask; for another constant, a multiply by its reciprocal; or use a core with a divider (--core xdp2hw)` });
      }
    }
  });
  return out;
}


function flagNames(flags: number): string {
  const names: string[] = [];
  for (let b = 1; b !== 0 && b <= flags; b <<= 1) if (flags & b) names.push(MAP_FLAG_NAMES[b] ?? `0x${b.toString(16)}`);
  return names.join('|');
}

export interface MapUsage {
  /** the maps the program references, by index into LoadedObject.maps */
  readonly maps: readonly number[];
  /** bytes of the maps on chip */
  readonly bytes: number;
  /** bytes of the maps in external memory (isa/extmem.ts) */
  readonly externalBytes: number;
}

/** Obstacles in the maps the program uses: types, flags, how many, how much memory. */
export function mapFindings(obj: LoadedObject, program: Program, core: CoreConfig, at: Locate): { findings: Finding[]; usage: MapUsage } {
  const caps = offloadOf(core);
  const first = new Map<number, number>();
  for (const [i, ref] of [...program.mapRefs.entries()].sort((a, b) => a[0] - b[0])) if (!first.has(ref.map)) first.set(ref.map, i);
  const out: Finding[] = [];
  // the read-only arrays past the on-chip memory, on a core with external memory (isa/extmem.ts)
  const ext = externalMaps(obj.maps, core);
  let bytes = 0;
  let external = 0;
  for (const [m, i] of first) {
    const def = obj.maps[m];
    if (!def) continue;
    if (ext[m]) external += mapBytes(def);
    else bytes += mapBytes(def);
    if (!caps.mapTypes.includes(def.type))
      out.push({ kind: 'map-type', ...at(i), what: `map ${def.name} is a ${def.type}, which the map memory of core ${core.name} does not implement (it has: ${caps.mapTypes.join(', ')})`, fix: def.type === 'lpm_trie' ? 'one hash map per prefix length (longest first), or use a core with lpm_trie (--core xdp2hw)' : def.type === 'lru_percpu_hash' && caps.mapTypes.includes('lru_hash') ? 'lru_hash: the core is one CPU, so its per-CPU value is one value' : `use one of ${caps.mapTypes.join(', ')}` });
    const bad = def.flags & ~caps.mapFlags;
    if (bad !== 0) out.push({ kind: 'map-flags', ...at(i), what: `map ${def.name} has map_flags ${flagNames(bad)}, which core ${core.name} does not honour`, fix: `drop ${flagNames(bad)} from its definition` });
  }
  if (first.size > caps.maxMaps) out.push({ kind: 'map-count', what: `the program uses ${first.size} maps; core ${core.name} has ${caps.maxMaps}`, fix: 'merge maps with equal key types into one (a tag field in the key)' });
  if (external > (caps.externalMemoryBytes ?? 0)) {
    const names = [...first.keys()].filter((m) => ext[m]).map((m) => `${obj.maps[m].name} ${mapBytes(obj.maps[m])} B`);
    out.push({
      kind: 'map-memory', what: `the read-only maps in external memory take ${external} B; core ${core.name} has ${caps.externalMemoryBytes ?? 0} B of it (${names.join(', ')})`,
      fix: 'lower their max_entries',
    });
  }
  if (bytes > caps.mapMemoryBytes) {
    const sorted = [...first.keys()].filter((m) => !ext[m]).map((m) => obj.maps[m]).filter(Boolean).sort((a, b) => mapBytes(b) - mapBytes(a));
    const big = sorted[0];
    out.push({
      kind: 'map-memory', ...(big ? at(first.get(obj.maps.indexOf(big))!) : {}),
      what: `maps take ${bytes} B; core ${core.name} has ${caps.mapMemoryBytes} B of map memory (largest: ${sorted.slice(0, 3).map((d) => `${d.name} ${mapBytes(d)} B`).join(', ')})`,
      fix: shrinkFix(big, bytes, caps.mapMemoryBytes),
    });
  }
  return { findings: out, usage: { maps: [...first.keys()], bytes, externalBytes: external } };
}

/** How far the largest map must shrink for all to fit. */
function shrinkFix(big: MapDef | undefined, bytes: number, budget: number): string {
  if (!big) return 'shrink the maps';
  const others = bytes - mapBytes(big);
  const perEntry = mapBytes(big) / Math.max(1, big.maxEntries);
  const entries = Math.floor((budget - others) / Math.max(1, perEntry));
  return entries >= 1 ? `lower max_entries of ${big.name} to at most ${entries}` : `the other maps alone take ${others} B: lower the max_entries of ${big.name} and of the next largest`;
}

/** The deepest frame byte any pointer or access of the program reaches (bytes below r10), from the abstract interpretation. */
export function stackDepth(ir: IrProgram, core: CoreConfig): number {
  const facts = analyze(ir, { minFrame: core.minFrameBytes, clearsStack: core.clearsStack, clearsRegisters: core.clearsRegisters });
  let low = 0;
  for (const [x, s] of facts.before) {
    for (const v of s.regs) if (v.k === 'fp') low = Math.min(low, v.off);
    const i = x.insn;
    const access = i.kind === 'ldx' || i.kind === 'ldx6' ? { base: i.src, off: i.off } : i.kind === 'st' || i.kind === 'stx' || i.kind === 'stx6' || i.kind === 'atomic' ? { base: i.dst, off: i.off } : undefined;
    if (access === undefined) continue;
    const v = s.regs[access.base];
    if (v?.k === 'fp') low = Math.min(low, v.off + access.off);
  }
  return low === 0 ? 0 : -low;
}

export function stackFindings(depth: number, core: CoreConfig): Finding[] {
  if (depth <= core.stackBytes) return [];
  return [{ kind: 'stack', what: `the program uses ${depth} B of stack; core ${core.name} has ${core.stackBytes} B`, fix: `keep at most ${core.stackBytes} B of locals (move large buffers into a per-CPU array map)` }];
}

/** The lifted program, or undefined when it does not lift (the loader's structural checks passed, so rarely). */
export function tryLift(program: Program): IrProgram | undefined {
  try {
    return lift(program);
  } catch {
    return undefined;
  }
}
