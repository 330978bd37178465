// The prover on scheduled rows (isa/rows.ts), both ways: schedules of programs/ made by the scheduler
// are proved equal to the original; deliberately wrong ones (two dependent rows swapped, a read moved
// into the row that writes its register, a wrong branch target) give a counterexample that, replayed
// on the row executor (engine rows) and on the interpreter, really differs.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CORE, defuse } from '../../isa/index.js';
import type { Row, RowProgram, Syllable } from '../../isa/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { compileObject } from '../../compiler/pipeline.js';
import { scheduleObject, scheduleProgram } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { proveEquivalent, VerifyError } from '../../compiler/verify/index.js';
import type { Counterexample } from '../../compiler/verify/index.js';
import { createEngine } from '../../simulator/engines.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { replay } from './harness.js';

const load = (name: string): LoadedObject => loadFile(`programs/${name}/${name}.o`);
const rowsOf = (obj: LoadedObject, strategy: Strategy, lanes = 4): RowProgram =>
  scheduleObject(obj, obj.programs[0].name, { core: DEFAULT_CORE, lanes, strategy }).program;

const CONTROL = new Set(['jmp', 'jlen', 'ja', 'exit', 'exit-imm', 'call']);
const plain = (row: Row): boolean => row.every((s) => !s || !CONTROL.has(s.insn.kind));
const writes = (row: Row): Set<number> => new Set(row.flatMap((s) => (s ? defuse(s.insn).writes : [])));
/** registers the row sets to numbers for sure (narrow loads, byte swaps): moving their readers keeps every type */
const numberWrites = (row: Row): Set<number> =>
  new Set(row.flatMap((s) => (s && ((s.insn.kind === 'ldx' && s.insn.size < 8) || s.insn.kind === 'end') ? defuse(s.insn).writes : [])));
const reads = (s: Syllable): readonly number[] => defuse(s.insn).reads;
const targets = (p: RowProgram): Set<number> => new Set(p.rows.flatMap((row) => row.flatMap((s) => (s?.target === undefined ? [] : [s.target]))));

/** The scheduled program on the row executor, for one counterexample. */
async function replayRows(obj: LoadedObject, rows: RowProgram, cex: Counterexample): Promise<{ code: number; packet: string; maps: string }> {
  const engine = createEngine('rows', { schedule: () => rows });
  const s = await engine.open(obj, obj.programs[0].name, parseFixture({ maps: cex.maps }, 'counterexample'));
  const r = await s.run({ packet: Buffer.from(cex.packet, 'hex'), ctx: { ingressIfindex: cex.ingressIfindex, rxQueueIndex: cex.rxQueueIndex } });
  return { code: r.code >>> 0, packet: r.code === 0 ? '' : Buffer.from(r.packet).toString('hex'), maps: JSON.stringify(r.maps) };
}

async function expectRealDifference(obj: LoadedObject, rows: RowProgram): Promise<void> {
  await realDifference(obj, [rows]);
}

/**
 * The first of `candidates` the prover does not refuse (a wrong schedule can use a number as a
 * pointer, which the kernel verifier and the model refuse) gives a counterexample that replays as a
 * real difference.
 */
async function realDifference(obj: LoadedObject, candidates: RowProgram[]): Promise<void> {
  let proof;
  let rows: RowProgram | undefined;
  for (const c of candidates) {
    try {
      proof = await proveEquivalent(obj.programs[0], c, { maps: obj.maps });
      rows = c;
      break;
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
    }
  }
  expect(rows, `all ${candidates.length} candidates refused`).toBeDefined();
  if (!proof || !rows) return;
  expect(proof.status, JSON.stringify(proof.regions)).toBe('counterexample');
  const cex = proof.counterexample!;
  const [a, b] = [await replay(obj, obj.programs[0].name, cex), await replayRows(obj, rows, cex)];
  expect(b, `counterexample (${cex.region}) ${JSON.stringify(cex)}`).not.toEqual(a);
}

/** Rows r (no control, not a branch target, nor r + 1) whose next row reads a number r writes. */
function dependentPairs(p: RowProgram): number[] {
  const t = targets(p);
  return [...p.rows.keys()].filter((k) => k + 1 < p.rows.length && plain(p.rows[k]) && plain(p.rows[k + 1]) && !t.has(k) && !t.has(k + 1)
    && p.rows[k + 1].some((s) => s && reads(s).some((x) => numberWrites(p.rows[k]).has(x))));
}

const withRows = (p: RowProgram, rows: Row[]): RowProgram => ({ ...p, rows });

describe('schedules are proved equal to the original', () => {
  for (const [name, strategy] of [['xdp2', 'list'], ['xdp2', 'motion'], ['router_ipv4', 'motion'], ['simple_firewall', 'list']] as const)
    it(`${name}: 4 lanes, ${strategy}`, async () => {
      const obj = load(name);
      const proof = await proveEquivalent(obj.programs[0], rowsOf(obj, strategy), { maps: obj.maps });
      expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
    }, 60_000);

  it('xdp2: the passes, then 4 lanes of motion (the whole translation)', async () => {
    const obj = load('xdp2');
    const c = compileObject(obj);
    const rows = scheduleProgram(c.ir, c.insns.original, { core: DEFAULT_CORE, lanes: 4, strategy: 'motion' }).program;
    const proof = await proveEquivalent(c.original, rows, { maps: obj.maps });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
  }, 60_000);
});

describe('wrong schedules give counterexamples that replay as real differences', () => {
  it('xdp2: two dependent rows swapped', async () => {
    const obj = load('xdp2');
    const p = rowsOf(obj, 'list');
    await realDifference(obj, dependentPairs(p).map((r) => {
      const rows = p.rows.slice();
      [rows[r], rows[r + 1]] = [rows[r + 1], rows[r]];
      return withRows(p, rows);
    }));
  }, 60_000);

  it('xdp2: a read moved into the row that writes its register (it reads the old value)', async () => {
    const obj = load('xdp2');
    const p = rowsOf(obj, 'list');
    const t = targets(p);
    const candidates: RowProgram[] = [];
    for (let r = 0; r + 1 < p.rows.length; r++) {
      const rows = p.rows.map((row) => row.slice());
      const free = rows[r].findIndex((s) => !s);
      if (free < 0 || !plain(rows[r]) || t.has(r + 1)) continue;
      const w = writes(rows[r]), n = numberWrites(rows[r]);
      const lane = rows[r + 1].findIndex((s) => s && !CONTROL.has(s.insn.kind) && s.insn.kind !== 'atomic'
        && reads(s).some((x) => n.has(x)) && defuse(s.insn).writes.every((x) => !w.has(x)));
      if (lane < 0) continue;
      rows[r][free] = rows[r + 1][lane];
      rows[r + 1][lane] = undefined;
      candidates.push(withRows(p, rows));
    }
    await realDifference(obj, candidates);
  }, 60_000);

  it('xdp2: a branch on the packet sent to the next row instead of its target', async () => {
    const obj = load('xdp2');
    const p = rowsOf(obj, 'list');
    // the first compare with a constant other than 0 (0: NULL checks) that jumps further than the next row
    const wrong = (s: Syllable | undefined, r: number): boolean =>
      s?.insn.kind === 'jmp' && s.insn.src.type === 'imm' && s.insn.src.value !== 0 && s.target !== r + 1;
    const r = p.rows.findIndex((row, k) => row.some((s) => wrong(s, k)));
    expect(r).toBeGreaterThanOrEqual(0);
    const rows = p.rows.map((row, k) => (k !== r ? row : row.map((s) => (wrong(s, k) ? { ...s!, target: r + 1 } : s))));
    await expectRealDifference(obj, withRows(p, rows));
  }, 60_000);
});
