// An obstacle to offloading a program onto a core: what it is, where (instruction index, pc and
// source line when the object has BTF line info) and how to remove it. Types and text only; the
// checks that make them are program.ts's and index.ts's.

/** The kinds of obstacle, each a thing the core or the hardware around it lacks. */
export const FINDING_KINDS = [
  'helper', 'kfunc', 'tail-call', 'bpf-call', 'callback', 'insn', 'map-type', 'map-flags', 'map-count', 'map-memory',
  'stack', 'rows', 'loop', 'schedule',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  readonly kind: FindingKind;
  /** the instruction index in the loaded program (what `disasm` numbers), when one instruction is to blame */
  readonly index?: number;
  readonly pc?: number;
  /** `file:line: text` from BTF line info */
  readonly line?: string;
  readonly what: string;
  readonly fix: string;
}

/** Where a finding points: `insn 12 (pc 13, xdp1.c:40: return XDP_DROP;)`, or '' for the program as a whole. */
export function findingPlace(f: Finding): string {
  if (f.index === undefined) return '';
  const extra = [...(f.pc !== undefined && f.pc !== f.index ? [`pc ${f.pc}`] : []), ...(f.line ? [f.line] : [])];
  return `insn ${f.index}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

/** One line: `insn 12 (xdp1.c:40: ...): what; fix: how`. */
export function findingText(f: Finding): string {
  const place = findingPlace(f);
  return `${place ? `${place}: ` : ''}${f.what}; fix: ${f.fix}`;
}
