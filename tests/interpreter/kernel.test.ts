// The interpreter against the kernel oracle (KernelEngine: BPF_PROG_TEST_RUN through bpftool):
// every program of programs/ with its fixture and the first packets of its traffic (action, output
// packet, maps after the run), and `xdp2hw run --json` against the kernel on the same object and
// packet.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { KernelEngine } from '../../simulator/kernel/index.js';
import { bytesToHex, parseFixture } from '../../simulator/maps/fixture.js';
import { generateTraffic, loadTrafficSpec } from '../../simulator/traffic/index.js';
import { runCli } from '../cli/run.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';

const PACKETS = 150;
const programs = existsSync(PROGRAMS_DIR)
  ? readdirSync(PROGRAMS_DIR).filter((p) => ['maps.json', 'traffic.json', `${p}.o`].every((f) => existsSync(join(PROGRAMS_DIR, p, f)))).sort()
  : [];

describe.skipIf(needs(kernelMissing()))('interpreter = kernel', () => {
  it('finds the programs of programs/', () => expect(programs.length).toBeGreaterThan(10));

  for (const name of programs) {
    it(`${name}: ${PACKETS} packets of its traffic`, async () => {
      const dir = join(PROGRAMS_DIR, name);
      const obj = loadFile(join(dir, `${name}.o`));
      const fixture = parseFixture(JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')));
      const prog = obj.programs[0].name;
      const interp = new InterpreterSession(obj, prog, fixture);
      const kernel = await new KernelEngine().open(obj, prog, fixture);
      try {
        let n = 0;
        for (const p of generateTraffic(loadTrafficSpec(join(dir, 'traffic.json')), { packets: PACKETS })) {
          if (p.data.length < 14) continue; // the kernel refuses these (see cli.test.ts)
          const a = interp.runSync({ packet: p.data }, { snapshot: false });
          const b = await kernel.run({ packet: p.data });
          expect(a.trap, `packet ${p.index}`).toBeUndefined();
          expect({ packet: p.index, code: a.code, out: bytesToHex(a.packet) }).toEqual({ packet: p.index, code: b.code, out: bytesToHex(b.packet) });
          n++;
        }
        expect(n).toBeGreaterThan(PACKETS / 2);
        expect(interp.host.maps.snapshot()).toEqual(await kernel.readMaps());
      } finally {
        await kernel.close();
      }
    });
  }

  for (const [name, packetHex] of [
    ['xdp1', '02000000000202000000000108004500002e00000000401100000a0000010a000002003500350012000068656c6c6f20776f726c'],
    ['router_ipv4', '020000000002020000000001080045000054000040004006db8dc0a800010a0102030035005000000000000000005002200000000000' + '00'.repeat(30)],
  ] as const) {
    it(`xdp2hw run --json = kernel (${name})`, async () => {
      const dir = join(PROGRAMS_DIR, name);
      const file = join(dir, `${name}.o`);
      const obj = loadFile(file);
      const fixture = parseFixture(JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')));
      const kernel = await new KernelEngine().open(obj, obj.programs[0].name, fixture);
      const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-run-'));
      try {
        const packet = Uint8Array.from(packetHex.match(/../g)!, (b) => parseInt(b, 16));
        writeFileSync(join(tmp, 'p.bin'), packet);
        const cli = runCli(['run', file, '--packet', join(tmp, 'p.bin'), '--maps', join(dir, 'maps.json'), '--json', '--dump-maps']);
        expect(cli.status, cli.stderr).toBe(0);
        const out = JSON.parse(cli.stdout);
        const k = await kernel.run({ packet });
        expect({ code: out.code, packet: out.packet, maps: out.maps }).toEqual({ code: k.code, packet: bytesToHex(k.packet), maps: k.maps });
        expect(out.action).toBe(['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'][k.code]);
      } finally {
        await kernel.close();
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
