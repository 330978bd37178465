// Fuzz harness: the CLI's options. Random argv from the real command set (read from `--help`):
// positionals and options with real files, mutated files, missing paths, directories, /dev/null,
// garbage and boundary numbers, repeated and unknown options. main(argv) runs in-process with its
// output captured; outputs go to a sandbox directory only. Oracle: capture.ts's judgeRun.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import fc from 'fast-check';
import { judgeRun, runMain } from './capture.js';
import type { FuzzInput, Harness } from './harness.js';
import { applyBytes, byteMutations } from './mutate.js';
import type { Verdict } from './oracle.js';
import { SLOW_MS } from './oracle.js';
import { dataFileSeeds, fixtureSeeds, listingSeeds, objectPaths, pcapSeeds, programDirs, rawSeeds, trafficSpecSeeds } from './seeds.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';

/** Commands that read stdin (conformance-plugin; pcap-info -) are fuzzed as child processes instead (cli-stdin.test.ts). */
export const STDIN_COMMANDS = ['conformance-plugin'] as const;
/** Arguments that make a command read stdin: left out of its in-process argv ("" is how yargs hands over "-"). */
const STDIN_ARGS: Readonly<Record<string, readonly string[]>> = { 'pcap-info': ['', '-'] };

interface OptionSpec {
  readonly name: string;
  readonly type: 'boolean' | 'number' | 'string';
  readonly required: boolean;
}

interface CommandSpec {
  readonly name: string;
  /** positionals, required first */
  readonly positionals: readonly { name: string; required: boolean }[];
  readonly options: readonly OptionSpec[];
}

/** Options that start a tool meant to run for minutes (Yosys synthesis): never given, the bound is 2 s. */
export const SLOW_OPTIONS: readonly string[] = ['verilog.synth', 'verilog.cosim'];

/** Options that name a file the command writes: only sandbox paths are given to them. */
export const isOutputOption = (name: string): boolean => /^(o|out|output|out-dir|dir)$/.test(name);

/** Commands, positionals and options as `xdp2hw <cmd> --help` lists them. */
export async function discoverCommands(): Promise<CommandSpec[]> {
  const top = await runMain(['--help']);
  const names = [...top.stdout.matchAll(/^ {2}xdp2hw ([\w-]+)/gm)].map((m) => m[1]);
  const out: CommandSpec[] = [];
  for (const name of names) {
    const help = (await runMain([name, '--help'])).stdout;
    const usage = new RegExp(`^xdp2hw ${name}(.*)$`, 'm').exec(help)?.[1] ?? '';
    const positionals = [...usage.matchAll(/([<[])([\w-]+)[>\]]/g)].map((m) => ({ name: m[2], required: m[1] === '<' }));
    const options = [...help.matchAll(/^ +(?:-\w, )?--([\w-]+).*?(\[(?:boolean|number|string)\])(.*)$/gm)]
      .map((m) => ({ name: m[1], type: m[2].slice(1, -1) as OptionSpec['type'], required: m[3].includes('[required]') }))
      .filter((o) => o.name !== 'help' && !SLOW_OPTIONS.includes(`${name}.${o.name}`));
    out.push({ name, positionals, options });
  }
  return out;
}

export interface CliInput {
  readonly argv: string[];
  /** mutated files to write before the run: [path, bytes] */
  readonly files: [string, Uint8Array][];
}

interface Pools {
  readonly inputs: string[];
  readonly outputs: string[];
  readonly mutable: { ext: string; bytes: Uint8Array }[];
  readonly sandbox: string;
  /** values that fit an argument ("run.packet", "file"), so that most runs get past parsing */
  readonly hints: Record<string, Arg[]>;
}

const NUMBERS = ['0', '1', '-1', '7', '60', '64', '1.5', '-0', 'NaN', 'Infinity', '1e999', '0x10', '1e3', 'abc', '', ' ', '2147483648'];
/** No bare '-': it means stdin, which in-process runs cannot give (cli-stdin.test.ts covers it). */
const STRINGS = ['', '--', '-_', '-a_b', '--=', '-=x', '-1x', 'x', 'xdp', 'prog', '00'.repeat(60), 'zz', '0x0102', 'ff'.repeat(14), '60-1518', '64', 'a b', '💥', '%s', '../', '\n'];
const FLAGS = ['--help', '-h', '--version', '--unknown-option', '-z', '--json=maybe', '--no-json', '--'];

let pools: Promise<Pools> | undefined;
let sandboxBase: string | undefined;

/** Where the sandbox directories go (the fuzz runner passes one it removes at the end). */
export function setSandboxBase(dir: string): void {
  sandboxBase = dir;
}

async function makePools(): Promise<Pools> {
  const base = sandboxBase ?? tmpdir();
  const sandbox = mkdtempSync(join(base, 'xdp2hw-cli-fuzz-'));
  if (!sandboxBase) process.on('exit', () => rmSync(sandbox, { recursive: true, force: true }));
  const put = (name: string, data: string | Uint8Array): string => {
    const p = join(sandbox, name);
    writeFileSync(p, data);
    return p;
  };
  const pcaps = await pcapSeeds();
  mkdirSync(join(sandbox, 'dir'));
  const listing = put('listing.lst', listingSeeds()[0].value);
  const raw = put('raw.bin', rawSeeds()[0].value);
  const trace = put('trace.pcap', pcaps[0].value);
  const inputs = [
    ...objectPaths().slice(0, 6), listing, raw, trace, put('empty', ''), put('garbage', Uint8Array.from({ length: 300 }, (_, i) => (i * 77) & 0xff)),
    put('conf.data', dataFileSeeds()[0]?.value ?? ''), '/dev/null', join(sandbox, 'dir'), join(sandbox, 'missing.o'), PROGRAMS_DIR,
    ...programDirs().slice(0, 4).flatMap((n) => [join(PROGRAMS_DIR, n, 'traffic.json'), join(PROGRAMS_DIR, n, 'maps.json')]),
    put('bad.json', '{"maps": {"x": 1}'), put('spec.json', JSON.stringify(trafficSpecSeeds()[0].value)),
  ];
  const outputs = [0, 1, 2].map((i) => join(sandbox, `out${i}.pcap`)).concat([join(sandbox, 'dir'), join(sandbox, 'nodir', 'x.pcap'), '']);
  const mutable = [
    ...objectPaths().slice(0, 4).map((o) => ({ ext: 'o', bytes: new Uint8Array(readFileSync(o)) })),
    { ext: 'pcap', bytes: pcaps[pcaps.length - 2].value },
    { ext: 'json', bytes: new TextEncoder().encode(JSON.stringify(fixtureSeeds()[0]?.fixture ?? {})) },
    { ext: 'json', bytes: new TextEncoder().encode(JSON.stringify(trafficSpecSeeds()[0].value)) },
  ];
  const mut = (ext: string) => mutable.flatMap((m, i) => (m.ext === ext ? [['mutated', i] as [string, number]] : []));
  const objects = [...objectPaths().slice(0, 8), listing, raw, ...mut('o')];
  const hints: Pools['hints'] = {
    file: objects,
    'pcap-info.file': [trace, ...mut('pcap'), ...mut('pcap')],
    'run.packet': ['00'.repeat(60), 'ff'.repeat(14) + '0800' + '45'.repeat(50), '0x' + '11'.repeat(64), '00', '00'.repeat(14), trace],
    'run.maps': [...fixtureSeeds().slice(0, 6).map((f) => join(PROGRAMS_DIR, f.name)), ...mut('json')],
    'run.budget': ['1', '100', '1000'], 'run.program': ['xdp_prog', 'nope'],
    'traffic.spec': [...trafficSpecSeeds().filter((t) => t.name.endsWith('.json')).slice(0, 4).map((t) => join(PROGRAMS_DIR, t.name)), ...mut('json')],
    'traffic.packets': ['0', '1', '20', '100'], 'traffic.seed': ['1', '4294967295'], 'traffic.size': ['64', '60-1518', '14', '1-2'],
    'pcap-info.max-packets': ['0', '1', '5'],
    pcap: [trace, ...mut('pcap'), ...mut('pcap')], 'max-packets': ['0', '1', '5', '-1'], 'ingress-ifindex': ['1-8', '3', '0', '8-1', '1-99999', 'x'],
    'rx-queues': ['0-7', '0', '7-0', '0-100000'], min: ['0', '50', '100', '101', '-1'],
  };
  return { inputs, outputs, mutable, sandbox, hints };
}

type Arg = string | [string, number];

/** A value for an option or positional: a fitting value, a file, a mutated file, a number, a string; outputs get sandbox paths. */
function valueArb(p: Pools, output: boolean, type: OptionSpec['type'], hint: Arg[] = []): fc.Arbitrary<Arg> {
  if (output) return fc.constantFrom(...p.outputs);
  const [files, numbers] = type === 'number' ? [1, 12] : [6, 2];
  return fc.oneof(
    ...(hint.length ? [{ weight: 8, arbitrary: fc.constantFrom(...hint) }] : []),
    { weight: files, arbitrary: fc.constantFrom(...p.inputs) },
    { weight: files, arbitrary: fc.tuple(fc.constant('mutated'), fc.nat({ max: p.mutable.length - 1 })) },
    { weight: numbers, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 2, arbitrary: fc.constantFrom(...STRINGS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
}

/** Options to give: required ones nearly always, hinted ones often, others now and then; each with a value or none. */
function optionsArb(p: Pools, c: CommandSpec, hint: (n: string) => Arg[] | undefined): fc.Arbitrary<[string, Arg | undefined, boolean][]> {
  const one = (o: OptionSpec) => {
    const value = valueArb(p, isOutputOption(o.name), o.type, hint(o.name));
    const v = o.type === 'boolean' ? fc.option(fc.constantFrom('true', 'false', '1', 'maybe'), { freq: 4, nil: undefined }) : fc.option(value, { freq: 8, nil: undefined });
    return fc.tuple(fc.constant(o.name), v, fc.boolean());
  };
  const likely = c.options.filter((o) => o.required || hint(o.name) || isOutputOption(o.name));
  const always = fc.tuple(...likely.map((o) => fc.option(one(o), { freq: o.required ? 12 : 2, nil: undefined })));
  const extra = c.options.length ? fc.array(fc.constantFrom(...c.options).chain(one), { maxLength: 3 }) : fc.constant([]);
  return fc.tuple(always, extra).map(([a, e]) => [...a.filter((x) => x !== undefined), ...e]);
}

function argvArb(p: Pools, cmds: readonly CommandSpec[]): fc.Arbitrary<Arg[]> {
  const perCommand = cmds.map((c) => {
    const hint = (n: string) => p.hints[`${c.name}.${n}`] ?? p.hints[n];
    const pos = fc.tuple(...c.positionals.map((ps) =>
      fc.option(valueArb(p, isOutputOption(ps.name), 'string', hint(ps.name)), { freq: ps.required ? 12 : 2, nil: undefined })));
    const opt = optionsArb(p, c, hint);
    const flags = fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.constantFrom(...FLAGS), { maxLength: 1 }) });
    return fc.tuple(pos, opt, flags, fc.boolean()).map(([ps, os, fl, outFirst]) => {
      const args: Arg[] = [c.name];
      const opts: Arg[] = [];
      for (const [name, value, eq] of os) {
        if (value === undefined) opts.push(`--${name}`);
        else if (eq && typeof value === 'string') opts.push(`--${name}=${value}`);
        else opts.push(`--${name}`, value);
      }
      const positional = ps.filter((x): x is Arg => x !== undefined);
      args.push(...(outFirst ? [...opts, ...positional] : [...positional, ...opts]), ...fl);
      const stdin = STDIN_ARGS[c.name] ?? [];
      return args.filter((a) => typeof a !== 'string' || !stdin.includes(a));
    });
  });
  return fc.oneof(...perCommand);
}

/** Relative paths among the arguments (and `--x=value` values) that do not exist yet. */
function absentRelativePaths(argv: readonly string[]): string[] {
  const values = argv.flatMap((a) => (a.startsWith('--') && a.includes('=') ? [a.slice(a.indexOf('=') + 1)] : [a]));
  return values.filter((v) => v !== '' && !isAbsolute(v) && !v.startsWith('-') && v.length < 200 && !existsSync(v));
}

async function check(input: CliInput): Promise<Verdict> {
  for (const [path, bytes] of input.files) writeFileSync(path, bytes);
  const absent = absentRelativePaths(input.argv);
  const t0 = performance.now();
  const run = await runMain(input.argv);
  const ms = performance.now() - t0;
  const stray = absent.filter((p) => existsSync(p));
  for (const p of stray) rmSync(p, { force: true });
  if (stray.length) return { kind: 'failure', why: `wrote outside the sandbox: ${stray.join(', ')}` };
  if (ms > SLOW_MS) return { kind: 'failure', why: `took ${ms.toFixed(0)} ms` };
  return judgeRun(run);
}

export const cliHarness: Harness<CliInput> = {
  format: 'cli-options',
  async inputs() {
    const p = await (pools ??= makePools());
    const cmds = (await discoverCommands()).filter((c) => !(STDIN_COMMANDS as readonly string[]).includes(c.name));
    return fc.tuple(argvArb(p, cmds), byteMutations(4), fc.nat({ max: 3 })).map(([args, muts, slot]): FuzzInput<CliInput> => {
      const files: [string, Uint8Array][] = [];
      const argv = args.map((a) => {
        if (typeof a === 'string') return a;
        const m = p.mutable[a[1]];
        const path = join(p.sandbox, `mut${slot}-${files.length}.${m.ext}`);
        files.push([path, applyBytes(m.bytes, muts)]);
        return path;
      });
      return { label: JSON.stringify(argv).slice(0, 400), value: { argv, files } };
    });
  },
  check,
};
