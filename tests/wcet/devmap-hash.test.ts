// The static worst case of a devmap_hash call (isa/timing.ts: helperCall + a slot a cycle, at most
// max_entries slots) on tests/rtl/c/rtl_devmap_hash.c, built here: every packet on the TS core
// takes at most its path's static cycles; a miss on a full table reads every slot and takes them
// exactly, a hit in slot i takes max_entries - 1 - i fewer cycles.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PathRecorder } from '../../cli/check-runs.js';
import { loadFile } from '../../compiler/loader/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { pathCycles, staticWcet } from '../../compiler/wcet/index.js';
import { devmapHashCycles, helperStallCycles, XDP2HW } from '../../isa/index.js';
import { CoreEngine } from '../../simulator/core/engine.js';
import { needs, toolMissing } from '../helpers/tools.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'rtl', 'c');
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-wcet-dh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hex32 = (v: number) => Buffer.from(Uint32Array.of(v).buffer).toString('hex');
/** the table full: 8 keys (max_entries), in the order the host adds them */
const KEYS = [3, 200, 9, 77, 2, 5, 100, 1];

describe.skipIf(needs(toolMissing('clang')))('static worst case of devmap_hash calls (xdp2hw, 4 lanes)', () => {
  it('a call is bounded by helperCall + max_entries; a miss on a full table meets it, a hit in slot i is 7 - i cycles under it', async () => {
    const out = join(tmp, 'rtl_devmap_hash.o');
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(C_DIR, 'rtl_devmap_hash.c'), '-o', out], { stdio: 'pipe' });
    const obj = loadFile(out);
    const core = XDP2HW;
    expect(helperStallCycles(core, 'devmap_hash', obj.maps[0])).toBe(core.latency.helperCall + 8);
    expect(helperStallCycles(core, 'devmap_hash', obj.maps[0])).toBe(devmapHashCycles(core, 8));
    const rows = scheduleObject(obj, 'rtl_devmap_hash', { core, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    const opts = { mapTypes: obj.maps.map((m) => m.type), maps: obj.maps };
    const w = staticWcet(rows, core, opts);
    if (!w.bounded) throw new Error('unbounded');
    const fixture = { maps: {
      ports: { entries: KEYS.map((k, i) => ({ key: hex32(k), value: hex32(10 + i) + hex32(0) })) },
      slots: { entries: [{ key: hex32(0), value: hex32(3) }] },
    } };
    const s = await new CoreEngine({ schedule: () => rows, core }).open(obj, 'rtl_devmap_hash', fixture);
    const rec = new PathRecorder();
    s.pipeline.trace = rec;
    // redirects (op 0) to every key and two misses, then lookups (op 1) of the same
    const keys = [...KEYS, 4, 250];
    let n = 0;
    for (const op of [0, 1])
      for (const key of keys) {
        const p = new Uint8Array(64);
        p[12] = op;
        p[14] = key;
        rec.packet(n++);
        s.runSync({ packet: p });
      }
    expect(rec.runs).toHaveLength(2 * keys.length);
    for (const op of [0, 1]) {
      const runs = rec.runs.slice(op * keys.length, (op + 1) * keys.length);
      for (const [i, r] of runs.entries()) {
        const bound = pathCycles(rows, core, opts, r.issued);
        expect(r.cycles, `op ${op} key ${keys[i]}`).toBeLessThanOrEqual(w.wcet.cycles);
        // slot i of 8: 7 - i slots fewer than the bound; a miss (i >= 8): the bound
        expect(bound! - r.cycles, `op ${op} key ${keys[i]}`).toBe(Math.max(0, 7 - i));
      }
    }
  }, 60_000);
});
