// `xdp2hw run --pcap` and `xdp2hw coverage`: a trace streamed through the interpreter, summed up;
// the summary agrees with running the same packets one by one.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { readPcapFile, writePcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { runCli } from './run.js';

const router = (f: string) => join(PROGRAMS_DIR, 'router_ipv4', f);

describe('xdp2hw run --pcap', () => {
  it('sums the actions of every packet, as runs one by one do', () => {
    const r = runCli(['run', router('router_ipv4.o'), '--maps', router('maps.json'), '--pcap', router('traffic.pcap'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    // the same packets, one by one, in one session (map state carries over as in the trace)
    const obj = loadFile(router('router_ipv4.o'));
    const fixture = parseFixture(JSON.parse(readFileSync(router('maps.json'), 'utf8')));
    const s = new InterpreterSession(obj, obj.programs[0].name, fixture);
    const actions: Record<string, number> = {};
    let refused = 0;
    let insns = 0;
    for (const rec of readPcapFile(router('traffic.pcap'))) {
      if (rec.data.length < 14) {
        refused++;
        continue;
      }
      const res = s.runSync({ packet: rec.data }, { snapshot: false });
      actions[res.action] = (actions[res.action] ?? 0) + 1;
      insns += res.insnsExecuted ?? 0;
    }
    expect(summary.actions).toEqual(actions);
    expect(summary.refused).toEqual({ total: refused, reasons: refused ? { 'under-14-bytes': refused } : {} });
    expect(summary.insns.total).toBe(insns);
    expect(Object.keys(actions).length).toBeGreaterThan(2);
  });

  it('stops after --max-packets, and prints a readable summary', () => {
    const r = runCli(['run', router('router_ipv4.o'), '--maps', router('maps.json'), '--pcap', router('traffic.pcap'), '--max-packets', '10']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^program router_ipv4_prog: 10 packets/);
    expect(r.stdout).toMatch(/instructions per packet: mean [\d.]+, max \d+/);
  });

  it('spreads packets over the given ingress interfaces and queues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-trace-'));
    const frame = new Uint8Array(60).fill(0);
    frame.set([0x08, 0x06], 12); // ARP: the patch panel forwards any frame
    await writePcapFile(join(dir, 't.pcap'), Array.from({ length: 8 }, () => ({ tsSec: 0, tsNsec: 0, data: frame, origLen: 60 })));
    const rm = (f: string) => join(PROGRAMS_DIR, 'redirect_map', f);
    const base = ['run', rm('redirect_map.o'), '--maps', rm('maps.json'), '--pcap', join(dir, 't.pcap'), '--json'];
    const lo = JSON.parse(runCli(base).stdout);
    const spread = JSON.parse(runCli([...base, '--ingress-ifindex', '1-8']).stdout);
    expect(lo.packets).toBe(8);
    expect(spread.packets).toBe(8);
    // maps.json patches 1→2, 2↔3, 4↔5: from lo every frame is redirected, from 1-8 only five of eight
    expect(lo.actions).toEqual({ XDP_REDIRECT: 8 });
    expect(spread.actions.XDP_REDIRECT).toBe(5);
  });

  it('refuses a bad list, and --packet with --pcap, as usage or input errors', () => {
    const bad = runCli(['run', router('router_ipv4.o'), '--pcap', router('traffic.pcap'), '--rx-queues', '7-3']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('xdp2hw: --rx-queues: 7-3 is outside 0-4294967295 or reversed');
    const both = runCli(['run', router('router_ipv4.o'), '--pcap', router('traffic.pcap'), '--packet', '00']);
    expect(both.status).toBe(2);
    const neither = runCli(['run', router('router_ipv4.o')]);
    expect(neither.status).toBe(2);
  });
});

describe('xdp2hw coverage', () => {
  it('reports the basic blocks a trace executes, and fails under --min', () => {
    const r = runCli(['coverage', router('router_ipv4.o'), '--maps', router('maps.json'), '--pcap', router('traffic.pcap'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.blocks).toBeGreaterThan(10);
    expect(c.covered).toBe(c.blocks - c.missed.length);
    const one = runCli(['coverage', router('router_ipv4.o'), '--maps', router('maps.json'), '--pcap', router('traffic.pcap'), '--max-packets', '1', '--min', '90']);
    expect(one.status).toBe(1);
    expect(one.stderr).toMatch(/coverage [\d.]+ % is below --min 90 %/);
  });
});
