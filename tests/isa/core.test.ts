// CoreConfig: the presets say what ../shared/REFERENCE.md says of hXDP, every constant of a preset
// carries its source in a comment, and checkCoreConfig refuses each kind of bad JSON core file
// with one line naming the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCoreConfig, CORE_PRESETS, CoreConfigError, DEFAULT_CORE, externalMaps, hasExternalMemory, HXDP, XDP2HW, XDP2HW_EXT } from '../../isa/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { ROOT } from '../helpers/paths.js';

describe('presets', () => {
  it('hxdp is hXDP as published (measured figures first) and as its VHDL behaves', () => {
    expect(HXDP).toMatchObject({ lanes: 4, imemRows: 256, stackBytes: 512, clockMHz: 156.25, registers: 11, forwarding: 'per-lane' });
    expect(HXDP.latency).toMatchObject({ takenBranch: 5, earlyExitSaving: 3, helperCall: 0, exit: 5 });
    expect(HXDP.latency.mapLookup).toEqual({ array: 0, hash: 0, lru: 0, lpm: 0 });
    expect([HXDP.clearsRegisters, HXDP.clearsStack]).toEqual([true, false]);
    expect(HXDP.laneCaps.map((c) => c.earlyExit)).toEqual([true, false, false, false]);
    expect(HXDP.laneCaps.every((c) => c.branch && c.memory && c.helper)).toBe(true);
    expect(HXDP.helpersPerRow).toBe(1);
  });
  it('xdp2hw is the default and clears stack and registers', () => {
    expect(DEFAULT_CORE).toBe(XDP2HW);
    expect([XDP2HW.clearsStack, XDP2HW.clearsRegisters]).toEqual([true, true]);
    expect(CORE_PRESETS).toEqual({ hxdp: HXDP, xdp2hw: XDP2HW, 'xdp2hw-ext': XDP2HW_EXT });
  });
  it('both pass the validator and survive JSON', () => {
    for (const c of Object.values(CORE_PRESETS)) expect(checkCoreConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });
  it('every constant of a preset carries its source in a comment', () => {
    const src = readFileSync(join(ROOT, 'isa/core.ts'), 'utf8');
    for (const name of ['HXDP', 'XDP2HW', 'XDP2HW_EXT']) {
      const body = src.slice(src.indexOf(`export const ${name}: CoreConfig = {`)).split('\n};')[0].split('\n').slice(1);
      const fields = body.filter((l) => /^\s+\w+: /.test(l) && !/: \{$/.test(l.trim()) && !/^\s+name: /.test(l));
      expect(fields.length).toBeGreaterThan(name === 'HXDP' ? 20 : name === 'XDP2HW' ? 5 : 1);
      for (const l of fields) expect(l, `${name}: ${l.trim()}`).toMatch(/\/\/ \S/);
    }
  });
});

/** A copy of the hxdp preset as plain JSON, changed by `edit`. */
function bad(edit: (c: Record<string, unknown> & { latency: Record<string, unknown>; laneCaps: Record<string, unknown>[] }) => void): unknown {
  const c = JSON.parse(JSON.stringify(HXDP)) as Parameters<typeof edit>[0];
  edit(c);
  return c;
}

function refusal(v: unknown): string {
  try {
    checkCoreConfig(v);
  } catch (e) {
    expect(e).toBeInstanceOf(CoreConfigError);
    return (e as Error).message;
  }
  throw new Error('checkCoreConfig accepted a bad config');
}

describe('checkCoreConfig refuses bad configs with one line naming the field', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', [1, 2], 'core config: must be an object, is [1,2]'],
    ['a misspelt field', bad((c) => { c.lane = 4; }), 'core config: unknown field lane (known: name, lanes,'],
    ['a missing field', bad((c) => { delete c.clockMHz; }), 'core config: missing field clockMHz'],
    ['9 lanes', bad((c) => { c.lanes = 9; }), 'core config: lanes: must be an integer from 1 to 8, is 9'],
    ['fractional lanes', bad((c) => { c.lanes = 2.5; }), 'core config: lanes: must be an integer from 1 to 8, is 2.5'],
    ['lane caps for the wrong lane count', bad((c) => { c.lanes = 2; }), 'core config: laneCaps: must list 2 lanes (one per lane), lists 4'],
    ['no lane may branch', bad((c) => { for (const l of c.laneCaps) l.branch = false; }), 'core config: laneCaps: no lane may hold a branch'],
    ['a lane cap not boolean', bad((c) => { c.laneCaps[2].memory = 'yes'; }), 'core config: laneCaps[2].memory: must be true or false, is "yes"'],
    ['an unknown forwarding rule', bad((c) => { c.forwarding = 'bus'; }), 'core config: forwarding: must be "per-lane" or "crossbar", is "bus"'],
    ['a zero-cycle ALU', bad((c) => { c.latency.alu = 0; }), 'core config: latency.alu: must be an integer from 1 to 10000, is 0'],
    ['a negative packet load', bad((c) => { (c.latency.load as Record<string, number>).packet = -1; }), 'core config: latency.load.packet: must be an integer from 1'],
    ['a map family missing', bad((c) => { delete (c.latency.mapLookup as Record<string, number>).lpm; }), 'core config: latency.mapLookup: missing field lpm'],
    ['an early exit saving more than the exit costs', bad((c) => { c.latency.earlyExitSaving = 6; }), 'core config: latency.earlyExitSaving: must be an integer from 0 to 5, is 6'],
    ['a stack not in 8-byte words', bad((c) => { c.stackBytes = 100; }), 'core config: stackBytes: must be a multiple of 8, is 100'],
    ['a port width not a power of two', bad((c) => { c.packetPortBytes = 3; }), 'core config: packetPortBytes: must be a power of two, is 3'],
    ['a zero clock', bad((c) => { c.clockMHz = 0; }), 'core config: clockMHz: must be a number above 0 and at most 2000, is 0'],
    ['fewer registers than eBPF has', bad((c) => { c.registers = 10; }), 'core config: registers: must be an integer from 11 to 16, is 10'],
    ['more helper calls a row than lanes', bad((c) => { c.helpersPerRow = 5; }), 'core config: helpersPerRow: must be an integer from 1 to 4, is 5'],
    ['an empty name', bad((c) => { c.name = ''; }), 'core config: name: must be a non-empty string, is ""'],
    ['an external memory latency without its size', bad((c) => { c.latency.externalLoad = 20; }), 'core config: offload: latency.externalLoad and offload.externalMemoryBytes go together'],
    ['a negative external memory latency', bad((c) => { c.latency.externalLoad = -1; }), 'core config: latency.externalLoad: must be an integer from 0 to 10000, is -1'],
  ];
  for (const [what, value, message] of cases) it(what, () => {
    const m = refusal(value);
    expect(m.startsWith(message), m).toBe(true);
    expect(m).not.toContain('\n');
  });
  it('accepts a changed but sound config (2 lanes, crossbar, branch on lane 0 only)', () => {
    const c = bad((x) => {
      x.lanes = 2;
      x.laneCaps = [{ branch: true, memory: true, helper: true, earlyExit: true }, { branch: false, memory: true, helper: false, earlyExit: false }];
      x.forwarding = 'crossbar';
    });
    const ok: CoreConfig = checkCoreConfig(c);
    expect(ok.laneCaps[1].branch).toBe(false);
  });
});

describe('external memory (isa/extmem.ts)', () => {
  const katran = loadFile(join(ROOT, 'programs', 'katran_lb', 'katran_lb.o'));
  it('xdp2hw has it and survives JSON with it; hxdp has none', () => {
    expect([XDP2HW.latency.externalLoad, XDP2HW.offload?.externalMemoryBytes]).toEqual([20, 2 ** 31]);
    expect(checkCoreConfig(JSON.parse(JSON.stringify(XDP2HW)))).toEqual(XDP2HW);
    expect(hasExternalMemory(XDP2HW)).toBe(true);
    expect(hasExternalMemory(HXDP)).toBe(false);
  });
  it('katran_lb: its read-only ch_rings (134 MB) moves off chip on xdp2hw, nothing on hxdp', () => {
    expect(katran.maps.filter((_, i) => externalMaps(katran.maps, XDP2HW)[i]).map((m) => m.name)).toEqual(['ch_rings']);
    expect(externalMaps(katran.maps, HXDP).some(Boolean)).toBe(false);
  });
  it('largest read-only array first, until the rest fits; writable arrays and hashes never', () => {
    const core: CoreConfig = { ...XDP2HW, offload: { ...XDP2HW.offload!, mapMemoryBytes: 1000 } };
    const m = (type: string, valueSize: number, maxEntries: number, flags = 0x80) => ({ type, keySize: 4, valueSize, maxEntries, flags });
    // 800 + 600 + 400 (writable) + 300 (hash: keys and values) bytes: moving the 800 leaves 1,300, the 600 then 700
    expect(externalMaps([m('array', 8, 100), m('array', 8, 75), m('array', 8, 50, 0), m('hash', 6, 30)], core)).toEqual([true, true, false, false]);
    expect(externalMaps([m('array', 8, 100), m('array', 8, 10)], core)).toEqual([false, false]);
    expect(externalMaps([m('array', 8, 200, 0), m('hash', 4, 100)], core)).toEqual([false, false]);
  });
});
