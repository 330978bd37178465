// `xdp2hw compile <file> [--program P] --lanes 1 [--passes a,b] [--no-pass c] [--min-frame 60] [--json]
// [--out PREFIX] [--validate [--pcap F] [--maps F] [--packets N]] [--prove [--prove-timeout S]]`: runs the
// compiler pipeline (compiler/pipeline.ts) and prints what each pass removed or fused, every change with
// its proof. Exit 0; 1 for bad input, a validation mismatch or a proof that is not `proved`; 2 for usage.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { compileObject, optimizedListing, PipelineError, scheduleCompiled } from '../../compiler/pipeline.js';
import type { Compiled } from '../../compiler/pipeline.js';
import { PASS_NAMES, PassNameError } from '../../compiler/passes/index.js';
import { writeFileAtomicSync } from '../../simulator/io/atomic.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { parseIntList } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { JSON_OUTPUT, MAP_FIXTURE, OBJECT_FILE, traceOptions } from '../options.js';
import { validateTranslation } from '../validate.js';
import type { Validation } from '../validate.js';
import { formatProof, proveTranslation, replayCommands } from '../prove.js';
import { readFixture } from '../inputs.js';
import { romHex, RomError, romListing, ROM_FORMATS } from '../../compiler/emit/rom.js';
import type { RomFormat } from '../../compiler/emit/rom.js';
import { ScheduleError } from '../../compiler/schedule/index.js';
import type { ScheduleResult, Strategy } from '../../compiler/schedule/index.js';
import { CORE, readCore, scheduleOptions, STRATEGY, TIME_LIMIT } from '../schedule-options.js';
import { unfit } from './check.js';

interface CompileArgs {
  file: string;
  program?: string;
  lanes: number;
  passes?: string;
  'no-pass'?: string;
  'min-frame': number;
  json: boolean;
  out?: string;
  validate: boolean;
  pcap?: string;
  maps?: string;
  packets: number;
  'ingress-ifindex'?: string;
  'rx-queues'?: string;
  strategy?: Strategy;
  core: string;
  'time-limit': number;
  format: RomFormat;
  prove: boolean;
  'prove-timeout': number;
}

export const compileCommand: CommandModule<object, CompileArgs> = {
  command: 'compile <file>',
  describe: 'Optimize a program for the core: every removal proven, every change reported (--validate runs it against the original)',
  builder: (y: Argv) =>
    y
      .parserConfiguration({ 'boolean-negation': false })
      .positional('file', OBJECT_FILE)
      .option('program', { type: 'string', describe: 'program to compile (default: the first)' })
      .option('lanes', { type: 'number', default: 1, describe: 'lanes per row; above 1 (or with --strategy) the program is scheduled into rows' })
      .option('strategy', { ...STRATEGY, default: undefined, describe: `${STRATEGY.describe} (default list when scheduling)` })
      .option('core', CORE)
      .option('time-limit', TIME_LIMIT)
      .option('format', { choices: ROM_FORMATS, default: 'xdp2hw' as RomFormat, describe: 'ROM format: xdp2hw, or hxdp (only syllables hXDP\'s core decodes)' })
      .option('passes', { type: 'string', describe: `passes to run, comma-separated (default all: ${PASS_NAMES.join(',')})` })
      .option('no-pass', { type: 'string', describe: 'passes not to run, comma-separated' })
      .option('min-frame', { type: 'number', default: 60, describe: 'shortest frame the NIC delivers (bytes); 14 = every length the kernel accepts' })
      .option('json', JSON_OUTPUT)
      .option('out', { type: 'string', describe: 'write PREFIX.bin (bytecode) and PREFIX.lst (llvm-objdump -S style listing); when scheduled, PREFIX.hex (ROM) and PREFIX.rows.lst (rows × lanes), or FILE.hex: the ROM there and its listing beside it' })
      .option('validate', { type: 'boolean', default: false, describe: 'run original and optimized on the interpreter and compare every packet' })
      .option('pcap', { type: 'string', describe: 'with --validate: the traffic (default: traffic.pcap beside the object)' })
      .option('maps', { ...MAP_FIXTURE, describe: 'with --validate: map fixture (default: maps.json beside the object)' })
      .option('packets', { type: 'number', default: 1000, describe: 'with --validate: at least this many packets' })
      .options(traceOptions('with --validate: '))
      .option('prove', { type: 'boolean', default: false, describe: 'prove with Z3 that the compiled program (the rows, when scheduled) equals the original for every packet and map state' })
      .option('prove-timeout', { type: 'number', default: 60, describe: 'with --prove: time limit per obligation, seconds' }) as unknown as Argv<CompileArgs>,
  handler: async (argv) => {
    if (!Number.isInteger(argv.lanes) || argv.lanes < 1 || argv.lanes > 8) throw new UsageError(`--lanes ${argv.lanes}: lanes must be 1-8`);
    const scheduled = argv.lanes > 1 || argv.strategy !== undefined || argv.out?.endsWith('.hex') === true;
    if (!Number.isInteger(argv['min-frame']) || argv['min-frame'] < 14 || argv['min-frame'] > 9216) throw new UsageError('--min-frame must be an integer from 14 to 9216');
    if (!Number.isInteger(argv.packets) || argv.packets < 1) throw new UsageError('--packets must be a positive integer');
    if (!(argv['prove-timeout'] > 0)) throw new UsageError('--prove-timeout must be a positive number of seconds');
    const obj = loadFile(argv.file);
    let compiled: Compiled;
    let misfit: string | undefined;
    try {
      compiled = compileObject(obj, { program: argv.program, passes: selectPasses(argv.passes, argv['no-pass']), minFrame: argv['min-frame'], core: readCore(argv.core) });
      misfit = unfit(obj, { program: compiled.original.name, core: readCore(argv.core), lanes: scheduled ? argv.lanes : undefined, strategy: argv.strategy, timeLimitMs: argv['time-limit'], minFrame: argv['min-frame'] });
      // A program that does not fit is refused; with --prove the translation is still proved (a
      // question about the compiler, not the hardware), but nothing is written and the exit is 1.
      if (misfit !== undefined && !argv.prove) throw new UserError(misfit);
    } catch (e) {
      if (e instanceof PassNameError) throw new UsageError(e.message);
      if (e instanceof PipelineError) throw new UserError(e.message);
      throw e;
    }
    const rows = scheduled ? schedule(argv, compiled) : undefined;
    if (misfit !== undefined) process.stderr.write(`xdp2hw: ${misfit}; nothing written, proving the translation only\n`);
    else if (argv.out !== undefined) writeOutputs(argv.out, compiled, argv.file, rows, argv.format);
    const validation = argv.validate ? await validate(argv, obj, compiled) : undefined;
    const sched = rows && {
      rows: rows.stats.rows, ipc: Number(rows.stats.ipc.toFixed(3)), strategy: argv.strategy ?? 'list', lanes: argv.lanes, core: rows.core,
      ...(rows.stats.linked ? { linked: rows.stats.linked } : {}),
    };
    // linked rows (tail calls) stand for every linked program's instructions
    const originals = rows?.program.programs?.reduce((n, q) => n + q.originalInsns, 0) ?? compiled.insns.original;
    const proof = argv.prove ? await proveTranslation({ file: argv.file, obj, compiled, rows: rows?.program, timeoutSeconds: argv['prove-timeout'] }) : undefined;
    const replay = proof ? replayCommands(argv.file, compiled.original.name, proof, sched) : [];
    process.stdout.write(argv.json ? `${JSON.stringify({ ...toJson(argv.file, compiled, validation), ...sched, ...(misfit !== undefined ? { fits: false, unfit: misfit } : {}), ...(proof ? { proof: { ...proof, ...(replay.length ? { replay } : {}) } } : {}) }, null, 2)}\n` : formatText(argv.file, compiled, validation) + (sched ? `rows: ${sched.rows} on ${sched.lanes} lanes of core ${sched.core} (${sched.strategy}), ipc ${sched.ipc}, ${(sched.rows / originals).toFixed(3)} rows per original instruction${sched.linked ? ` (programs linked for tail calls: ${sched.linked.map((q) => `${q.name} ${q.rows}`).join(', ')})` : ''}\n` : '') + (proof ? formatProof(proof, replay).join('\n') + '\n' : ''));
    if (misfit !== undefined || (validation && validation.mismatches > 0) || (proof && proof.status !== 'proved')) process.exitCode = 1;
  },
};

/** The pass list from --passes and --no-pass (names checked by runPasses). */
function selectPasses(only: string | undefined, without: string | undefined): string[] {
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const chosen = only === undefined ? [...PASS_NAMES] : list(only);
  const drop = without === undefined ? [] : list(without);
  for (const d of drop) if (!PASS_NAMES.includes(d)) throw new UsageError(`--no-pass: unknown pass "${d}" (passes: ${PASS_NAMES.join(', ')})`);
  return chosen.filter((p) => !drop.includes(p));
}

/** The optimized program scheduled into rows (--lanes, --strategy, --core); a refusal is one line. */
function schedule(argv: CompileArgs, c: Compiled): ScheduleResult & { core: string } {
  const opts = scheduleOptions({ lanes: argv.lanes, strategy: argv.strategy ?? 'list', core: argv.core, 'time-limit': argv['time-limit'] });
  try {
    // with tail calls, the programs they may reach compiled the same way and linked after it: the ROM holds them all
    return { ...scheduleCompiled(c, c.object, opts), core: opts.core.name };
  } catch (e) {
    throw e instanceof ScheduleError ? new UserError(`${argv.file}: ${c.original.name}: ${e.message}`) : e;
  }
}

function writeOutputs(out: string, c: Compiled, file: string, rows: ScheduleResult | undefined, format: RomFormat): void {
  const rom = rows && romText(rows, format, file);
  if (rom && out.endsWith('.hex')) {
    writeFileAtomicSync(out, Buffer.from(rom));
    writeFileAtomicSync(out.replace(/\.hex$/, '.lst'), Buffer.from(romListing(rows!.program)));
    return;
  }
  writeFileAtomicSync(`${out}.bin`, c.optimized.bytes);
  writeFileAtomicSync(`${out}.lst`, Buffer.from(optimizedListing(c, file).join('\n') + '\n'));
  if (rom) {
    writeFileAtomicSync(`${out}.hex`, Buffer.from(rom));
    writeFileAtomicSync(`${out}.rows.lst`, Buffer.from(romListing(rows!.program)));
  }
}

function romText(rows: ScheduleResult, format: RomFormat, file: string): string {
  try {
    return romHex(rows.program, format);
  } catch (e) {
    throw e instanceof RomError ? new UserError(`${file}: ROM (--format ${format}): ${e.message}`) : e;
  }
}

async function validate(argv: CompileArgs, original: LoadedObject, c: Compiled): Promise<Validation> {
  const dir = dirname(argv.file);
  const pcapPath = argv.pcap ?? join(dir, 'traffic.pcap');
  const mapsPath = argv.maps ?? (existsSync(join(dir, 'maps.json')) ? join(dir, 'maps.json') : undefined);
  const pcap = existsSync(pcapPath) || argv.pcap !== undefined ? readPcapFile(pcapPath).map((r) => r.data) : [];
  const ctx = runContext(dir);
  const ifs = argv['ingress-ifindex'] ?? ctx.ingressIfindex;
  const queues = argv['rx-queues'] ?? ctx.rxQueues;
  return validateTranslation(original, c.object, {
    program: c.original.name, pcap, fixture: mapsPath === undefined ? undefined : readFixture(mapsPath), packets: argv.packets,
    minFrame: c.options.minFrame, passes: c.options.passes,
    ingressIfindexes: ifs === undefined ? undefined : parseIntList(ifs, '--ingress-ifindex', 1),
    rxQueues: queues === undefined ? undefined : parseIntList(queues, '--rx-queues', 0),
  });
}

/** programs/<name>/run.json: the context a pcap cannot carry (ingress interface, RX queues). */
function runContext(dir: string): { ingressIfindex?: string; rxQueues?: string } {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) return {};
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return { ingressIfindex: typeof j.ingressIfindex === 'string' ? j.ingressIfindex : undefined, rxQueues: typeof j.rxQueues === 'string' ? j.rxQueues : undefined };
  } catch (e) {
    throw new UserError(`${path}: not JSON: ${(e as Error).message}`);
  }
}

function toJson(file: string, c: Compiled, v: Validation | undefined) {
  return {
    file, program: c.original.name, minFrame: c.options.minFrame, core: c.options.core,
    insns: c.insns, ratio: Number((c.insns.optimized / c.insns.original).toFixed(4)),
    passes: c.report.passes, changes: c.report.changes.map(({ pc, pass, what, proof }) => ({ pc, pass, what, proof })),
    ...(v ? { validation: { packets: v.packets, mismatches: v.mismatches, ...(v.firstMismatch ? { firstMismatch: v.firstMismatch } : {}), lengths: v.lengths, sources: v.sources } } : {}),
  };
}

function formatText(file: string, c: Compiled, v: Validation | undefined): string {
  const out = [`${file}: program ${c.original.name} (min frame ${c.options.minFrame} B, core ${c.options.core})`,
    `instructions: ${c.insns.original} -> ${c.insns.optimized} (${(c.insns.optimized / c.insns.original).toFixed(3)})`];
  for (const p of c.report.passes) {
    out.push(`pass ${p.name}: ${p.removed} removed, ${p.fused} fused`);
    for (const ch of c.report.changes.filter((x) => x.pass === p.name)) out.push(`  ${ch.pc}: ${ch.what} (${ch.proof})`);
  }
  if (v) {
    out.push(`validation: ${v.packets} packets (${Object.entries(v.sources).map(([k, n]) => `${n} ${k}`).join(', ')}; ${v.lengths.min}-${v.lengths.max} bytes), ${v.mismatches} mismatches`);
    const m = v.firstMismatch;
    if (m) out.push(`first mismatch: packet ${m.packet} (${m.source}): ${m.field}: original ${m.original}, optimized ${m.optimized}; passes ${m.passes.join(',')}`, `  packet: ${m.hex}`);
  }
  return out.join('\n') + '\n';
}
