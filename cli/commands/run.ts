// `xdp2hw run <file> --packet <hex|file> [--program P] [--maps fixture.json] [--json]`: one packet
// through the reference interpreter; prints the action, the output packet, changed map entries
// and the instruction count. Exit 0 when the run completed (a trap is a result: action
// XDP_ABORTED and the trap printed), 1 for bad input (file, fixture, packet), 2 for usage.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import type { RunResult } from '../../simulator/engine.js';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import { bytesToHex, parseFixture } from '../../simulator/maps/fixture.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { diffSnapshots } from '../../simulator/maps/set.js';
import type { ChangedEntry } from '../../simulator/maps/set.js';
import { UserError } from '../errors.js';

interface RunArgs {
  file: string;
  program?: string;
  packet: string;
  maps?: string;
  json: boolean;
  'ctx-ifindex'?: number;
  'rx-queue'?: number;
  budget?: number;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run one packet through the reference interpreter (exit 0 also when the program traps)',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF object, llvm-objdump listing or raw bytecode' })
      .option('packet', { type: 'string', demandOption: true, describe: 'the packet: hex bytes, or a file of raw bytes' })
      .option('program', { type: 'string', describe: 'program to run (default: the first)' })
      .option('maps', { type: 'string', describe: 'map fixture JSON (docs/FIXTURES.md)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .option('ctx-ifindex', { type: 'number', describe: 'xdp_md.ingress_ifindex (default 1, as the kernel test run)' })
      .option('rx-queue', { type: 'number', describe: 'xdp_md.rx_queue_index (default 0)' })
      .option('budget', { type: 'number', describe: 'instruction budget (default 1000000)' }) as unknown as Argv<RunArgs>,
  handler: (argv) => {
    const obj = loadFile(argv.file);
    const packet = readPacket(argv.packet);
    const fixture = argv.maps === undefined ? undefined : readFixture(argv.maps);
    const program = argv.program ?? obj.programs[0]?.name;
    if (program === undefined) throw new UserError(`${argv.file}: the file has no programs`);
    for (const [name, v] of [['ctx-ifindex', argv['ctx-ifindex']], ['rx-queue', argv['rx-queue']], ['budget', argv.budget]] as const)
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) throw new UserError(`--${name} must be an integer from 0 to 4294967295`);
    let result: RunResult, before;
    try {
      const session = new InterpreterSession(obj, program, fixture, { budget: argv.budget });
      before = session.host.maps.snapshot();
      result = session.runSync({ packet, ctx: { ingressIfindex: argv['ctx-ifindex'], rxQueueIndex: argv['rx-queue'] } });
    } catch (e) {
      if (e instanceof RunInputError) throw new UserError(e.message);
      throw e;
    }
    const changed = diffSnapshots(before, result.maps);
    process.stdout.write(argv.json ? `${JSON.stringify(toJson(program, result, changed), null, 2)}\n` : formatRun(program, result, changed));
  },
};

/** The packet argument: an existing file's bytes, else hex text ("0x", spaces and colons allowed). */
export function readPacket(arg: string): Uint8Array {
  if (existsSync(arg) && statSync(arg).isFile()) return readFileSync(arg);
  const hex = arg.replace(/^0x/i, '').replace(/[\s:]+/g, '');
  if (/\.(bin|raw|pkt)$/i.test(arg)) throw new UserError(`--packet ${arg}: no such file`);
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new UserError(`--packet: neither a file nor hex bytes: "${arg.length > 40 ? arg.slice(0, 40) + '...' : arg}"`);
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function readFixture(path: string): MapFixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`--maps ${path}: cannot read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--maps ${path}: not JSON: ${(e as Error).message}`);
  }
  return parseFixture(json, path);
}

function toJson(program: string, r: RunResult, changed: Record<string, ChangedEntry[]>) {
  return {
    program, action: r.action, code: r.code, packet: bytesToHex(r.packet), maps: r.maps, changed,
    insnsExecuted: r.insnsExecuted, ...(r.trap ? { trap: r.trap } : {}), ...(r.redirect ? { redirect: r.redirect } : {}),
  };
}

/** A classic hex dump: offset, 16 bytes, ASCII. */
export function hexDump(b: Uint8Array): string[] {
  const lines: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = [...b.subarray(o, o + 16)];
    const hex = row.map((x) => x.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`  ${o.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines;
}

export function formatRun(program: string, r: RunResult, changed: Record<string, ChangedEntry[]>): string {
  const out = [`program ${program}`, `action: ${r.action} (${r.code})`];
  if (r.trap) out.push(`trap: ${r.trap.kind} at instruction ${r.trap.pc} of ${r.trap.program}: ${r.trap.message}`);
  if (r.redirect) out.push(`redirect: ${r.redirect.map !== undefined ? `map ${r.redirect.map} key ${r.redirect.key}` : `ifindex ${r.redirect.ifindex}`}`);
  out.push(`packet (${r.packet.length} bytes):`, ...hexDump(r.packet));
  const names = Object.keys(changed);
  out.push(names.length ? 'changed map entries:' : 'changed map entries: none');
  for (const name of names)
    for (const c of changed[name]) out.push(`  ${name}[${c.key}]: ${c.before ?? '(none)'} -> ${c.after ?? '(deleted)'}`);
  out.push(`instructions executed: ${r.insnsExecuted}`);
  return out.join('\n') + '\n';
}
