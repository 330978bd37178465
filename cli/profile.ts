// The `superblock` strategy's traffic profile for the CLI: the program's own traffic
// (traffic.pcap beside the object, its maps.json fixture when there is one) run through the
// reference interpreter with coverage; executions per instruction. Without a traffic.pcap there
// is no profile and superblock lays out the static fall-through path as hot.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedObject } from '../compiler/loader/types.js';
import { RunInputError } from '../simulator/engine.js';
import { InterpreterSession } from '../simulator/interpreter/engine.js';
import { readPcapFile } from '../simulator/pcap/reader.js';
import { readFixture } from './inputs.js';

/** At most this many packets of the traffic are profiled (keeps compile quick on long captures). */
const MAX_PACKETS = 4096;

export function trafficProfileBeside(obj: LoadedObject, program: string): number[] | undefined {
  const dir = dirname(obj.file);
  const pcap = join(dir, 'traffic.pcap');
  if (!existsSync(pcap)) return undefined;
  const maps = join(dir, 'maps.json');
  const session = new InterpreterSession(obj, program, existsSync(maps) ? readFixture(maps) : undefined, { coverage: true });
  for (const r of readPcapFile(pcap).slice(0, MAX_PACKETS)) {
    try {
      session.runSync({ packet: r.data }, { snapshot: false });
    } catch (e) {
      if (!(e instanceof RunInputError)) throw e; // a frame the kernel's test run refuses is no traffic
    }
  }
  const hits = session.hits.get(program);
  return hits ? [...hits] : undefined;
}
