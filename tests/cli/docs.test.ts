// docs/CLI.md against the CLI itself: every command of `xdp2hw --help` has a section and every
// section is a command; each section's options are exactly those of `<command> --help`; each JSON
// table lists exactly the fields the command's --json output has over a set of runs that produce
// every field. A name changed in only one place (code or doc) fails here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble, encodeProgram } from '../../isa/index.js';
import { writePcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR, ROOT } from '../helpers/paths.js';
import { runCli } from './run.js';

interface DocSection {
  readonly name: string;
  readonly options: Set<string>;
  /** JSON tables by their heading's label (`run --packet`): the field paths */
  readonly json: Map<string, Set<string>>;
}

/** The `## ` sections of docs/CLI.md, with their option and JSON tables. */
function parseCliDoc(text: string): DocSection[] {
  const out: DocSection[] = [];
  for (const chunk of text.split(/^## /m).slice(1)) {
    const name = chunk.split('\n')[0].trim();
    const section: DocSection = { name, options: new Set(), json: new Map() };
    let label = '';
    let table: string[][] = [];
    const flush = () => {
      if (table.length < 2) return void (table = []);
      const [header, , ...rows] = table;
      const first = rows.map((r) => [...r[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
      if (header[0] === 'option') for (const names of first) names.forEach((n) => section.options.add(n));
      else if (header[0] === 'field') section.json.set(label, new Set(first.map((n) => n[0])));
      table = [];
    };
    for (const line of chunk.split('\n')) {
      const heading = /^### JSON: `(.+)`/.exec(line);
      if (heading) label = heading[1];
      if (line.startsWith('|')) table.push(line.split('|').slice(1, -1).map((c) => c.trim()));
      else flush();
    }
    flush();
    out.push(section);
  }
  return out;
}

/** Options (as typed: `-r`, `--reloc`) and positionals (`<file>`, `[mem]`) of `<command> --help`. */
function helpOptions(command: string): Set<string> {
  const help = runCli([command, '--help']).stdout;
  const names = new Set<string>();
  const usage = new RegExp(`^xdp2hw ${command}(.*)$`, 'm').exec(help)?.[1] ?? '';
  for (const m of usage.matchAll(/[<[][\w-]+(?:\.\.\.)?[>\]]/g)) names.add(m[0]);
  for (const m of help.matchAll(/^ {2,8}((?:-{1,2}[\w-]+(?:, )?)+)/gm))
    for (const flag of m[1].split(', ')) if (!['-h', '--help', '--version'].includes(flag)) names.add(flag);
  return names;
}

/** The field paths of a JSON value; an object whose path has a `.*` row in `doc` is keyed by data. */
function fieldPaths(value: unknown, doc: Set<string>, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => fieldPaths(v, doc, `${path}[]`, out));
  else if (typeof value === 'object' && value !== null) {
    const keyed = [...doc].some((d) => d.startsWith(`${path}.*`));
    for (const [k, v] of Object.entries(value)) fieldPaths(v, doc, keyed ? `${path}.*` : path ? `${path}.${k}` : k, out);
  } else out.add(path);
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-docs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const doc = parseCliDoc(readFileSync(join(ROOT, 'docs/CLI.md'), 'utf8'));
const obj = (name: string) => join(PROGRAMS_DIR, name, `${name}.o`);
const raw = (name: string, asm: string) => {
  const p = join(tmp, `${name}.bin`);
  writeFileSync(p, encodeProgram(assemble(asm)));
  return p;
};
const PACKET = '02000000000202000000000108004500002400000000401100000a0000010a000002003500350010000068656c6c6f'.padEnd(120, '0');
const ARP = '0000000000000000000000000806' + '00'.repeat(46);
let PCAP = '';
let PRINTK = '';
let OOB = '';

beforeAll(async () => {
  PCAP = join(tmp, 'mixed.pcap');
  const frames = [Buffer.from(PACKET, 'hex'), Buffer.alloc(10), Buffer.from(ARP, 'hex')];
  await writePcapFile(PCAP, frames.map((data) => ({ tsSec: 0, tsNsec: 0, data, origLen: data.length })));
  // "hi" from the stack through bpf_trace_printk
  PRINTK = raw('printk', 'stw [%r10-8], 0x6968\nmov %r1, %r10\nadd %r1, -8\nmov %r2, 3\ncall 6\nmov %r0, 2\nexit');
  OOB = raw('oob', 'ldxw %r2, [%r1+0]\nldxb %r0, [%r2+1000]\nexit');
});

/** For each JSON table: runs whose outputs together have every field. */
/** A run whose exit status is not 0 by design starts with its status, e.g. ['1', 'compile', ...]. */
function runsFor(label: string): string[][] {
  const rm = (f: string) => join(PROGRAMS_DIR, 'redirect_map', f);
  // xdp_sample with a fixture that samples every packet: perfEvents
  const sampleEvery = join(tmp, 'sample-every.json');
  writeFileSync(sampleEvery, JSON.stringify({ maps: { config: { entries: [{ key: '00000000', value: '0100000020000000' }] } } }));
  const sample = [obj('xdp_sample'), '--maps', sampleEvery];
  switch (label) {
    case 'info':
      return [['info', obj('l4lb'), '--json'], ['info', raw('sub', 'mov %r0, 2\ncall local sub\nexit\nsub: call 14\nexit'), '--json']];
    case 'traffic':
      return [['traffic', '--count', '5', '--out', join(tmp, 'gen.pcap'), '--json']];
    case 'pcap-info':
      return [['pcap-info', PCAP, '--json']];
    case 'run --packet':
      return [
        ['run', obj('xdp1'), '--packet', PACKET, '--json', '--dump-maps'],
        ['run', PRINTK, '--packet', PACKET, '--json'],
        ['run', OOB, '--packet', PACKET, '--json'],
        ['run', rm('redirect_map.o'), '--maps', rm('maps.json'), '--packet', ARP, '--json'],
        ['run', raw('redirect', 'mov %r1, 3\nmov %r2, 0\ncall 23\nexit'), '--packet', PACKET, '--json'],
        ['run', ...sample, '--packet', PACKET, '--json'],
      ];
    case 'run --pcap':
      return [['run', obj('xdp1'), '--pcap', PCAP, '--json', '--dump-maps'], ['run', PRINTK, '--pcap', PCAP, '--json'], ['run', OOB, '--pcap', PCAP, '--json'], ['run', ...sample, '--pcap', PCAP, '--json']];
    case 'compile':
      return [
        ['compile', obj('xdp_pass'), '--json', '--lanes', '4', '--strategy', 'motion', '--validate', '--packets', '20', '--prove', '--prove-timeout', '30'],
        ['1', 'compile', obj('xdp_sample'), '--core', 'hxdp', '--json', '--prove'], // does not fit hxdp (perf_event_output): fits, unfit
      ];
    case 'compare':
      return [['compare', obj('xdp1'), obj('xdp2'), '--lanes', '1,4', '--strategies', 'list,optimal', '--json']];
    case 'simulate':
      return [['simulate', obj('xdp1'), '--pcap', join(PROGRAMS_DIR, 'xdp1', 'traffic.pcap'), '--max-packets', '20', '--baseline', 'both', '--json']];
    case 'check':
      return [['check', obj('xdp1'), '--pcap', join(PROGRAMS_DIR, 'xdp1', 'traffic.pcap'), '--maps', join(PROGRAMS_DIR, 'xdp1', 'maps.json'), '--json']];
    case 'sweep':
      return [['sweep', obj('xdp_pass'), '--lanes', '2', '--packets', '20', '--out', join(tmp, 'sweep.jsonl'), '--json']];
    case 'sweep merge':
      writeFileSync(join(tmp, 'torn.jsonl'), '{"id":"a"}\n{"id":"b"');
      return [['sweep', 'merge', join(tmp, 'torn.jsonl'), '--out', join(tmp, 'merged.jsonl'), '--json']];
    case 'coverage':
      return [['coverage', obj('xdp1'), '--pcap', PCAP, '--json']];
    case 'verilog':
      return [['verilog', obj('xdp1'), '--out', join(tmp, 'verilog'), '--lanes', '2', '--cosim', 'icarus', '--pcap', PCAP, '--json']];
    case 'verilog --synth':
      return [['verilog', obj('xdp_drop'), '--out', join(tmp, 'verilog-synth'), '--lanes', '1', '--synth', '--synth-flow', 'generic', '--json']];
    default:
      throw new Error(`docs/CLI.md has a JSON table "${label}" that this test does not know how to produce`);
  }
}

function actualFields(label: string, fields: Set<string>): Set<string> {
  const seen = new Set<string>();
  for (const run of runsFor(label)) {
    const [status, args] = /^\d+$/.test(run[0]) ? [Number(run[0]), run.slice(1)] : [0, run];
    const r = runCli(args);
    expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(status);
    for (const f of fieldPaths(JSON.parse(r.stdout), fields)) seen.add(f);
  }
  return seen;
}

describe('docs/CLI.md', () => {
  it('has one section per command of xdp2hw --help, and no other', () => {
    const commands = [...runCli(['--help']).stdout.matchAll(/^ {2}xdp2hw ([\w-]+)/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(5);
    expect(doc.map((s) => s.name).filter((n) => n !== 'Conventions').sort()).toEqual([...commands].sort());
  });

  for (const section of doc.filter((s) => s.name !== 'Conventions')) {
    it(`${section.name}: the options are those of --help`, () => {
      expect([...section.options].sort()).toEqual([...helpOptions(section.name)].sort());
    });
    for (const [label, fields] of section.json)
      it(`${section.name}: JSON of \`${label}\` has exactly the documented fields`, () => {
        expect([...actualFields(label, fields)].sort()).toEqual([...fields].sort());
      }, 600_000); // verilog --cosim builds a simulator, verilog --synth runs Yosys: minutes on a loaded machine
  }

  it('the comparison catches a field renamed in one place only', () => {
    const fields = doc.find((s) => s.name === 'traffic')!.json.get('traffic')!;
    const renamed = new Set([...fields].map((f) => (f === 'fileBytes' ? 'bytes' : f)));
    expect([...actualFields('traffic', renamed)].sort()).not.toEqual([...renamed].sort());
    const help = helpOptions('traffic');
    expect(help.has('--print-spec')).toBe(true);
  });
});
