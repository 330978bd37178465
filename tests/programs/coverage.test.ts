// Issue 4's coverage acceptance: every program of programs/ (discovered, not listed) runs its
// traffic.pcap on the reference interpreter, from its maps.json, in the context its run.json gives
// (ingress interface and RX queues: what a pcap cannot carry; programs/README.md), and executes at
// least 90 % of its basic blocks. Prints `name: covered/blocks (pct %)` per program. The blocks no
// packet can reach are listed below with the reason; every other block must run.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coverageOf } from '../../cli/commands/coverage.js';
import type { ProgramCoverage } from '../../cli/commands/coverage.js';
import { runTraceOn } from '../../cli/commands/run.js';
import { readFixture } from '../../cli/inputs.js';
import { parseIntList } from '../../cli/args.js';
import { loadFile } from '../../compiler/loader/index.js';
import { corpusPrograms } from './corpus.js';

const MIN_PERCENT = 90;

/** programs/<name>/run.json: the run's context, in the CLI's syntax (`--ingress-ifindex`, `--rx-queues`). */
interface RunContext {
  ingressIfindex?: string;
  rxQueues?: string;
}

/**
 * Blocks no real packet reaches, by their instruction range (`xdp2hw disasm`), with the reason.
 * A block listed here that the traffic does run makes the test fail (the list must stay true).
 */
const UNREACHABLE: Record<string, { slots: [number, number]; why: string }[]> = {
  adjust_tail: [
    // `goto error` after bpf_xdp_adjust_tail / bpf_xdp_adjust_head and the bounds check of the
    // rebuilt frame. The tail is cut to 42 bytes of a frame of at least 42 (the header and quote
    // were bounds-checked), which never fails (the helper refuses only < 14 bytes or growth past
    // the buffer); the head grows by 28 bytes into the 256-byte XDP headroom every driver and
    // BPF_PROG_TEST_RUN reserve; the rebuilt 70-byte frame then always holds what is checked.
    { slots: [249, 256], why: 'error path: bpf_xdp_adjust_tail(to 42 bytes) failed (count STAT_ERRORS)' },
    { slots: [257, 259], why: 'error path: the STAT_ERRORS counter increment' },
    { slots: [260, 261], why: 'error path: return XDP_DROP' },
  ],
  rxq_info: [
    // The oracle's dummy devices have 8 RX queues (lo 1): rx_queue_index >= 64 cannot be set.
    { slots: [57, 59], why: 'rx_queue_index >= MAX_RXQ (64): global.rxq_overflow++' },
    // Frames shorter than an Ethernet header: BPF_PROG_TEST_RUN refuses them (and the run of a
    // pcap with it), and no NIC delivers them; the check is what the verifier needs before the read.
    { slots: [104, 106], why: 'runt frame (< 14 bytes) read: global.errors++' },
  ],
};

function readContext(dir: string): RunContext {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) return {};
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  for (const [k, v] of Object.entries(json)) {
    if (!['description', 'ingressIfindex', 'rxQueues'].includes(k)) throw new Error(`${path}: unknown field ${k}`);
    if (typeof v !== 'string') throw new Error(`${path}: ${k} must be a string`);
  }
  return json as RunContext;
}

const programs = corpusPrograms();
const rows: string[] = [];

describe('programs/: basic-block coverage of each traffic.pcap on the interpreter', () => {
  afterAll(() => {
    if (rows.length) console.log(`coverage (>= ${MIN_PERCENT} % each):\n${rows.join('\n')}`);
  });

  it.each(programs)('$name', async (p) => {
    const ctx = readContext(p.dir);
    // the kernel oracle's namespace (docs/FIXTURES.md): interfaces 1-8, 8 RX queues each, lo 1
    const ifindexes = ctx.ingressIfindex === undefined ? [1] : parseIntList(ctx.ingressIfindex, 'ingressIfindex', 1, 8);
    const queues = ctx.rxQueues === undefined ? [0] : parseIntList(ctx.rxQueues, 'rxQueues', 0, 7);
    if (queues.some((q) => q > 0)) expect(ifindexes, `${p.name}/run.json: lo (ifindex 1) has one RX queue`).not.toContain(1);

    const obj = loadFile(p.object);
    const program = obj.programs[0];
    const fixture = existsSync(p.maps) ? readFixture(p.maps) : undefined;
    const run = await runTraceOn(obj, program.name, fixture, {
      pcap: join(p.dir, 'traffic.pcap'), 'max-packets': undefined, budget: undefined,
      'ingress-ifindex': ctx.ingressIfindex, 'rx-queues': ctx.rxQueues,
    }, true);
    try {
      const cov: ProgramCoverage = coverageOf(program, run.session.hits.get(program.name)!, run.packets, run.refused);
      rows.push(`${p.name}: ${cov.covered}/${cov.blocks} (${cov.percent.toFixed(1)} %)`);
      expect(run.packets).toBeGreaterThan(0);
      const missed = cov.missed.map((m) => `${m.slots[0]}-${m.slots[1]}`);
      const known = (UNREACHABLE[p.name] ?? []).map((u) => `${u.slots[0]}-${u.slots[1]}`);
      expect(missed, `${p.name}: missed blocks (instruction ranges) other than the known unreachable ones`).toEqual(known);
      expect(cov.percent, `${p.name}: ${cov.covered}/${cov.blocks} basic blocks`).toBeGreaterThanOrEqual(MIN_PERCENT);
    } finally {
      await run.session.close();
    }
  });
});
