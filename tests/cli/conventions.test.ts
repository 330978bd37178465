// What a user expects of a CLI (issue 9): --version, -h everywhere, unknown commands, option
// values checked alike, options that do not fit the mode, the same line for every missing file,
// JSON errors by line and column, fixtures that reject what they do not know, the verifier's
// structural checks. Each case runs the built CLI and checks the exit code and the one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble, encodeProgram } from '../../isa/index.js';
import { PROGRAMS_DIR, ROOT } from '../helpers/paths.js';
import { runCli } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-conventions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const XDP1 = join(PROGRAMS_DIR, 'xdp1', 'xdp1.o');
const PCAP = join(PROGRAMS_DIR, 'xdp1', 'traffic.pcap');
const PACKET = '00'.repeat(60);
const COMMANDS = ['info', 'disasm', 'traffic', 'pcap-info', 'run', 'coverage', 'conformance-plugin'];

/** Runs the CLI; checks the exit code, that stdout is empty and the first stderr line; returns it. */
function fails(args: string[], exit: number): string {
  const r = runCli(args);
  expect(r.status, r.stderr).toBe(exit);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const lines = r.stderr.trimEnd().split('\n');
  // exit 1: one line; exit 2: the line and the help hint
  expect(lines).toEqual(exit === 2 ? [lines[0], '(see xdp2hw --help)'] : [lines[0]]);
  return lines[0];
}

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('conventions', () => {
  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it.each(['-h', '--help'])('%s works at the top and on every command', (flag) => {
    const top = runCli([flag]);
    expect(top.status).toBe(0);
    for (const c of COMMANDS) expect(top.stdout).toContain(`xdp2hw ${c}`);
    for (const c of COMMANDS) {
      const r = runCli([c, flag]);
      expect(r.status, `${c} ${flag}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^xdp2hw ${c}\\b`));
    }
  });

  it('an unknown command', () => {
    expect(fails(['frobnicate'], 2)).toBe("xdp2hw: unknown command 'frobnicate'");
  });

  it.each([
    [['run', XDP1, '--pcap', PCAP, '--budget', '1.5'], 'xdp2hw: --budget 1.5: expected a whole number from 1 to 4294967295'],
    [['run', XDP1, '--pcap', PCAP, '--max-packets', '-1'], 'xdp2hw: --max-packets -1: expected a whole number of 0 or more'],
    [['run', XDP1, '--pcap', PCAP, '--max-packets', 'abc'], 'xdp2hw: --max-packets: expected a number'],
    [['coverage', XDP1, '--pcap', PCAP, '--min', '150'], 'xdp2hw: --min 150: expected a number from 0 to 100'],
    [['pcap-info', PCAP, '--max-packets', '2.5'], 'xdp2hw: --max-packets 2.5: expected a whole number of 0 or more'],
    [['run', XDP1, '--packet', PACKET, '--ctx-ifindex', '4294967296'], 'xdp2hw: --ctx-ifindex 4294967296: expected a whole number from 0 to 4294967295'],
  ])('option values are checked alike: %j', (args, line) => {
    expect(fails(args, 2)).toBe(line);
  });

  it.each([
    [['run', XDP1, '--packet', PACKET, '--max-packets', '3'], 'xdp2hw: --max-packets does not apply with --packet'],
    [['run', XDP1, '--packet', PACKET, '--ingress-ifindex', '1-3'], 'xdp2hw: --ingress-ifindex does not apply with --packet'],
    [['run', XDP1, '--pcap', PCAP, '--ctx-ifindex', '2'], 'xdp2hw: --ctx-ifindex does not apply with --pcap'],
    [['run', XDP1, '--pcap', PCAP, '--rx-queue', '1'], 'xdp2hw: --rx-queue does not apply with --pcap'],
  ])('an option outside its mode is a usage error: %j', (args, line) => {
    expect(fails(args, 2)).toBe(line);
  });

  it('a missing object, pcap, fixture, packet file or spec: the same line', () => {
    const nope = (ext: string) => join(tmp, `nope.${ext}`);
    expect(fails(['info', nope('o')], 1)).toBe(`xdp2hw: ${nope('o')}: no such file`);
    expect(fails(['run', XDP1, '--pcap', nope('pcap')], 1)).toBe(`xdp2hw: ${nope('pcap')}: no such file`);
    expect(fails(['coverage', XDP1, '--pcap', nope('pcap')], 1)).toBe(`xdp2hw: ${nope('pcap')}: no such file`);
    expect(fails(['pcap-info', nope('pcap')], 1)).toBe(`xdp2hw: ${nope('pcap')}: no such file`);
    expect(fails(['run', XDP1, '--packet', PACKET, '--maps', nope('json')], 1)).toBe(`xdp2hw: ${nope('json')}: no such file`);
    expect(fails(['run', XDP1, '--packet', nope('bin')], 1)).toBe(`xdp2hw: ${nope('bin')}: no such file`);
    expect(fails(['traffic', '--spec', nope('json'), '--out', nope('pcap')], 1)).toBe(`xdp2hw: ${nope('json')}: no such file`);
  });

  it('a JSON syntax error names line and column', () => {
    const bad = file('bad.json', '{\n  "maps": {\n    "rxcnt": { "entries": [ }\n}');
    expect(fails(['run', XDP1, '--packet', PACKET, '--maps', bad], 1)).toBe(`xdp2hw: ${bad}: not JSON: line 3, column 29: unexpected "}", expected a value`);
    const spec = file('spec.json', '{"mix": [');
    expect(fails(['traffic', '--spec', spec, '--print-spec'], 1)).toBe(`xdp2hw: ${spec}: not JSON: line 1, column 10: unexpected end of input, expected a value`);
  });

  it('fixtures reject a field or map they do not know', () => {
    const mapz = file('mapz.json', '{"mapz":{}}');
    expect(fails(['run', XDP1, '--packet', PACKET, '--maps', mapz], 1)).toBe(`xdp2hw: ${mapz}: unknown field "mapz": a fixture has "maps", "fib"`);
    const fibs = file('fibs.json', '{"maps":{},"fibs":[]}');
    expect(fails(['run', XDP1, '--packet', PACKET, '--maps', fibs], 1)).toBe(`xdp2hw: ${fibs}: unknown field "fibs": a fixture has "maps", "fib"`);
    const entry = file('entry.json', '{"maps":{"rxcnt":{"entries":[{"key":"00000000","vaule":"00"}]}}}');
    expect(fails(['run', XDP1, '--packet', PACKET, '--maps', entry], 1))
      .toBe(`xdp2hw: ${entry}: map rxcnt entry 0: unknown field "vaule": an entry has "key", "value", "prefix", "prefixLen", "program"`);
    const map = file('map.json', '{"maps":{"rxcnts":{"entries":[]}}}');
    expect(fails(['run', XDP1, '--packet', PACKET, '--maps', map], 1)).toBe(`xdp2hw: ${map}: map rxcnts: the object has no map of that name (its maps: rxcnt)`);
  });

  it('--json on every command that prints results', () => {
    const out = join(tmp, 'gen.pcap');
    const t = runCli(['traffic', '--count', '20', '--out', out, '--json']);
    expect(t.status, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ file: out, packets: 20 });
    const p = runCli(['pcap-info', out, '--json']);
    expect(JSON.parse(p.stdout)).toMatchObject({ packets: 20 });
  });

  it('info marks the helpers the interpreter does not implement', () => {
    const p = join(tmp, 'pid.bin');
    writeFileSync(p, encodeProgram(assemble('call 14\ncall 5\nexit')));
    const r = runCli(['info', p]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ bpf_ktime_get_ns, bpf_get_current_pid_tgid \(not simulated\)\n/);
    expect(JSON.parse(runCli(['info', p, '--json']).stdout).programs[0].unimplementedHelpers).toEqual(['bpf_get_current_pid_tgid']);
  });

  it('the example in traffic --help runs', () => {
    const help = runCli(['traffic', '--help']).stdout;
    const example = /xdp2hw (traffic --spec \S+ --out \S+)/.exec(help);
    expect(example).not.toBeNull();
    const r = runCli(example![1].split(' '));
    expect(r.status, r.stderr).toBe(0);
  });
});
