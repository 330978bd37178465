// The order in which the executor visits instructions: a topological order of the control-flow
// graph reachable from the entry (clang lays blocks out so that jumps go backward without a loop),
// and the back edges of real loops, which the executor unrolls.

import { branchTarget, endsFlow } from '../../isa/index.js';
import type { DecodedProgram } from '../../isa/index.js';
import { VerifyError } from './errors.js';

/** The instruction indexes an instruction can pass control to. */
export function successors(code: DecodedProgram, indexOfSlot: ReadonlyMap<number, number>, i: number): number[] {
  const insn = code.insns[i];
  const out: number[] = [];
  const t = insn.kind === 'jmp' || insn.kind === 'ja' || insn.kind === 'jlen' ? branchTarget(insn, code.pcs[i]) : undefined;
  if (t !== undefined) {
    const ti = indexOfSlot.get(t);
    if (ti === undefined) throw new VerifyError(i, `jump to slot ${t}, which starts no instruction`);
    out.push(ti);
  }
  if (!endsFlow(insn)) out.push(i + 1);
  return out;
}

/** The visiting order and the back edges ("from>to" keys) that close loops. */
export interface Order {
  readonly order: number[];
  readonly backEdges: ReadonlySet<string>;
}

/**
 * Reverse post-order of a depth-first walk from instruction 0, with the back edges set apart:
 * without them the graph is acyclic and the order topological.
 */
export function topologicalOrder(code: DecodedProgram, indexOfSlot: ReadonlyMap<number, number>, side: string): Order {
  const n = code.insns.length;
  return graphOrder(n, 0, (i) => successors(code, indexOfSlot, i), (i) => {
    throw new VerifyError(i, 'execution can run past the last instruction', side);
  });
}

/** The same walk over any graph of n nodes (instructions, rows) from `entry`; `past` reports an edge to n or beyond. */
export function graphOrder(n: number, entry: number, succ: (i: number) => number[], past: (from: number) => never): Order {
  const state = new Uint8Array(n + 1); // 0 new, 1 on the stack, 2 done
  const post: number[] = [];
  const backEdges = new Set<string>();
  const stack: [number, number[]][] = [[entry, succ(entry)]];
  state[entry] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1];
    const next = top[1].pop();
    if (next === undefined) {
      state[top[0]] = 2;
      post.push(top[0]);
      stack.pop();
      continue;
    }
    if (next >= n) past(top[0]);
    if (state[next] === 1) backEdges.add(`${top[0]}>${next}`);
    if (state[next] === 0) {
      state[next] = 1;
      stack.push([next, succ(next)]);
    }
  }
  return { order: post.reverse(), backEdges };
}
