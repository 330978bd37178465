// A fingerprint of the cycle-accurate core, per program × preset × lanes: a hash over every
// packet's action, core cycles, helper calls, output bytes and maps, plus the stall totals and the
// rows each lane issued. Run it before and after a change meant to keep timing (speed work, a
// refactor) and diff the outputs: any changed cycle, stall or result shows. Run:
//   npx tsx bench/simulate-digest.ts [--max-packets N] [program...]

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFile } from '../compiler/loader/index.js';
import { compileObject, DEFAULT_MIN_FRAME } from '../compiler/pipeline.js';
import { scheduleObject } from '../compiler/schedule/index.js';
import { CORE_PRESETS } from '../isa/index.js';
import { RunInputError } from '../simulator/engine.js';
import { CoreSession } from '../simulator/core/engine.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { programNames, PROGRAMS } from '../tests/core/sim-case.js';

const args = process.argv.slice(2);
const maxAt = args.indexOf('--max-packets');
const max = maxAt >= 0 ? Number(args.splice(maxAt, 2)[1]) : Infinity;
const names = args.length > 0 ? args : programNames();

/** FNV-1a over 32-bit words. */
class Hash {
  h = 0x811c9dc5;
  word(v: number): void {
    this.h = Math.imul(this.h ^ (v | 0), 0x01000193) >>> 0;
  }
  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }
}

for (const name of names) {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const packets = readPcapFile(join(dir, 'traffic.pcap')).slice(0, max).map((r) => r.data).filter((d) => d.length >= DEFAULT_MIN_FRAME);
  for (const core of [CORE_PRESETS.hxdp, CORE_PRESETS.xdp2hw])
    for (const lanes of [1, 2, 4, 8]) {
      let line: string;
      try {
        const c = compileObject(obj, { core });
        const s = new CoreSession(c.object, c.optimized.program.name, fixture, {
          core, schedule: (o, p) => scheduleObject(o, p, { core, lanes, strategy: 'list', timeLimitMs: 10 }).program,
        });
        const h = new Hash();
        let cycles = 0;
        let refused = 0;
        for (const packet of packets) {
          try {
            const r = s.runSync({ packet });
            h.text(r.action);
            h.word(s.pipeline.cycles);
            h.word(s.pipeline.calls);
            for (const b of r.packet) h.word(b);
            h.text(JSON.stringify(r.maps));
            cycles += s.pipeline.cycles;
          } catch (e) {
            if (!(e instanceof RunInputError)) throw e;
            refused++;
          }
        }
        line = `${packets.length} pkts  refused ${refused}  cycles ${cycles}  stalls ${Array.from(s.pipeline.stalls).join(',')}  lanes ${s.pipeline.laneBusy().join(',')}  hash ${h.h.toString(16)}`;
      } catch (e) {
        line = `refused: ${(e as Error).message.split('\n')[0]}`;
      }
      console.log(`${name.padEnd(16)} ${core.name.padEnd(6)} ${lanes} lanes  ${line}`);
    }
}
