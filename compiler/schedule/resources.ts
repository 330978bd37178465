// The resource model of a row, from one CoreConfig: which lanes a syllable may take (lane caps),
// at most helpersPerRow calls, packetReadPorts packet loads and mapStorePorts map stores a row, and the forwarding rule
// (per-lane: a result read in the very next row only by its own lane). Answers can-reserve and
// reserves; it does not choose rows or order (the strategies do).

import { assertNever } from '../../isa/index.js';
import type { CoreConfig, Insn, LaneCaps } from '../../isa/index.js';

/** The unit class a syllable needs of its lane. */
/** earlyExit: exit-imm, which only lanes with the early-exit decoder take (hXDP: lane 0). */
export type UnitClass = 'branch' | 'earlyExit' | 'memory' | 'helper' | 'alu';

export function unitClass(insn: Insn): UnitClass {
  switch (insn.kind) {
    case 'jmp': case 'jlen': case 'ja': case 'exit': return 'branch';
    case 'exit-imm': return 'earlyExit';
    case 'ldx': case 'st': case 'stx': case 'atomic': case 'ldx6': case 'stx6': case 'ld-abs': case 'ld-ind': return 'memory';
    case 'call': case 'call-local': case 'callx': return 'helper';
    case 'alu': case 'alu3': case 'end': case 'lddw': return 'alu';
    default: return assertNever(insn);
  }
}

function laneMay(caps: LaneCaps, u: UnitClass): boolean {
  return u === 'alu' || (u === 'earlyExit' ? caps.branch && caps.earlyExit : caps[u]);
}

/** The core with `lanes` lanes: lane caps cut, or extended with the last lane's. */
export function withLanes(core: CoreConfig, lanes: number): CoreConfig {
  if (lanes === core.lanes) return core;
  const caps = Array.from({ length: lanes }, (_, i) => core.laneCaps[Math.min(i, core.laneCaps.length - 1)]);
  const need = (k: 'branch' | 'memory' | 'helper') => caps.some((c) => c[k]);
  if (!need('branch') || !need('memory') || !need('helper')) caps[0] = { branch: true, memory: true, helper: true, earlyExit: caps[0].earlyExit };
  return { ...core, lanes, laneCaps: caps, helpersPerRow: Math.min(core.helpersPerRow, lanes) };
}

/** What a syllable asks of a row: its unit, whether it reads the packet, and lanes it must take (forwarding). */
export interface Request {
  readonly unit: UnitClass;
  readonly packetLoad: boolean;
  /** a store or atomic that may write a map value (counted against mapStorePorts) */
  readonly mapStore?: boolean;
  /** with per-lane forwarding: the lane it must take (a producer in the row before) */
  readonly lane?: number;
  /** the lowest lane it may take (a later exit than one already in the row) */
  readonly minLane?: number;
}

/** Rows being filled: who holds each lane, calls and packet loads per row. */
export class RowTable {
  readonly cells: (number | undefined)[][] = [];
  private readonly helpers: number[] = [];
  private readonly packetLoads: number[] = [];
  private readonly mapStores: number[] = [];

  constructor(readonly core: CoreConfig) {}

  get rows(): number {
    return this.cells.length;
  }

  private ensure(row: number): void {
    while (this.cells.length <= row) {
      this.cells.push(new Array<number | undefined>(this.core.lanes).fill(undefined));
      this.helpers.push(0);
      this.packetLoads.push(0);
      this.mapStores.push(0);
    }
  }

  /** The lanes `req` may take in `row` (free, capable, forwarding respected), lowest first. */
  lanes(row: number, req: Request): number[] {
    this.ensure(row);
    if (req.unit === 'helper' && this.helpers[row] >= this.core.helpersPerRow) return [];
    if (req.packetLoad && this.packetLoads[row] >= this.core.packetReadPorts) return [];
    if (req.mapStore && this.core.mapStorePorts !== undefined && this.mapStores[row] >= this.core.mapStorePorts) return [];
    const out: number[] = [];
    for (let l = req.minLane ?? 0; l < this.core.lanes; l++)
      if (this.cells[row][l] === undefined && laneMay(this.core.laneCaps[l], req.unit) && (req.lane === undefined || req.lane === l)) out.push(l);
    return out;
  }

  reserve(row: number, lane: number, node: number, req: Request): void {
    this.ensure(row);
    this.cells[row][lane] = node;
    if (req.unit === 'helper') this.helpers[row]++;
    if (req.packetLoad) this.packetLoads[row]++;
    if (req.mapStore) this.mapStores[row]++;
  }

  release(row: number, lane: number, req: Request): void {
    this.cells[row][lane] = undefined;
    if (req.unit === 'helper') this.helpers[row]--;
    if (req.packetLoad) this.packetLoads[row]--;
    if (req.mapStore) this.mapStores[row]--;
  }

  /** Drops empty rows at the end. */
  trim(): void {
    while (this.cells.length > 0 && this.cells[this.cells.length - 1].every((c) => c === undefined)) {
      this.cells.pop();
      this.helpers.pop();
      this.packetLoads.pop();
      this.mapStores.pop();
    }
  }
}
