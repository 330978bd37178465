// Child process of the streaming test: streams a pcap through PcapReader into the interpreter
// engine running one program, packet by packet, and prints packets, bytes, actions, packets/s and
// the peak RSS as JSON. Usage: node --import tsx stream-child.ts <pcap> <object> [every]

import { readFileSync } from 'node:fs';
import { loadFile } from '../../compiler/loader/index.js';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { PcapReader } from '../../simulator/pcap/index.js';

export interface StreamReport {
  packets: number;
  bytes: number;
  /** packets run through the interpreter (every `every`-th) */
  run: number;
  actions: Record<string, number>;
  traps: number;
  /** frames the kernel's test run would refuse too (shorter than an Ethernet header) */
  refused: number;
  seconds: number;
  packetsPerSec: number;
  maxRssBytes: number;
}

async function main(pcap: string, object: string, every: number, fixture?: string): Promise<StreamReport> {
  const obj = loadFile(object);
  const maps = fixture ? parseFixture(JSON.parse(readFileSync(fixture, 'utf8')), fixture) : undefined;
  const session = new InterpreterSession(obj, obj.programs[0].name, maps);
  const actions: Record<string, number> = {};
  let packets = 0;
  let bytes = 0;
  let run = 0;
  let traps = 0;
  let refused = 0;
  const t0 = performance.now();
  for await (const rec of new PcapReader(pcap)) {
    packets++;
    bytes += rec.data.length;
    if (packets % every !== 0) continue;
    let r;
    try {
      r = session.runSync({ packet: rec.data }, { snapshot: false });
    } catch (e) {
      if (!(e instanceof RunInputError)) throw e;
      refused++;
      continue;
    }
    run++;
    actions[r.action] = (actions[r.action] ?? 0) + 1;
    if (r.trap) traps++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { packets, bytes, run, actions, traps, refused, seconds, packetsPerSec: run / seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

const [pcap, object, every = '1', fixture] = process.argv.slice(2);
process.stdout.write(`${JSON.stringify(await main(pcap, object, Number(every), fixture))}\n`);
