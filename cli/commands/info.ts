// `xdp2hw info <file> [--json]`: programs (instruction counts, helpers, maps, ISA features) and
// maps of an object, as a table or as JSON. The summary itself is compiler/loader/summary.ts; this
// adds which helpers the reference interpreter does not implement (a run traps at their call).

import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import { summarize } from '../../compiler/loader/summary.js';
import type { ObjectSummary, ProgramSummary } from '../../compiler/loader/summary.js';
import { xdpHelper } from '../../simulator/helpers/index.js';
import { JSON_OUTPUT, OBJECT_FILE } from '../options.js';

interface InfoArgs {
  file: string;
  json: boolean;
}

export const infoCommand: CommandModule<object, InfoArgs> = {
  command: 'info <file>',
  describe: 'Programs, instruction counts, maps, helpers and ISA features of an object, listing or bytecode file',
  builder: (y: Argv) =>
    y
      .positional('file', OBJECT_FILE)
      .option('json', JSON_OUTPUT) as unknown as Argv<InfoArgs>,
  handler: (argv) => {
    const summary = withSimulated(summarize(loadFile(argv.file)));
    process.stdout.write(argv.json ? `${JSON.stringify(summary, null, 2)}\n` : formatInfo(summary));
  },
};

type InfoProgram = ProgramSummary & { unimplementedHelpers: string[] };
type InfoSummary = Omit<ObjectSummary, 'programs'> & { programs: InfoProgram[] };

/** Each program's helpers that the interpreter does not implement, by C name. */
function withSimulated(s: ObjectSummary): InfoSummary {
  return {
    ...s,
    programs: s.programs.map((p) => ({ ...p, unimplementedHelpers: p.helpers.filter((_, i) => xdpHelper(p.helperIds[i]) === undefined) })),
  };
}

/** Columns padded to their widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => rows.reduce((w, r) => Math.max(w, r[c].length), 0));
  return rows.map((r) => '  ' + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** `xdp`, `xdp/devmap`, `xdp frags`, or another type's kernel name. */
const typeCell = (p: InfoProgram) => `${p.kernelType}${p.attach && p.attach !== 'xdp' ? `/${p.attach}` : ''}${p.frags ? ' frags' : ''}`;

export function formatInfo(s: InfoSummary): string {
  let out = [`${s.file}: ${s.format}${s.license !== undefined ? `, license ${s.license}` : ''}`, ''];
  out.push(`programs (${s.programs.length}):`);
  if (s.programs.length > 0) {
    const helpers = (p: InfoProgram) => p.helpers.map((h) => (p.unimplementedHelpers.includes(h) ? `${h} (not simulated)` : h)).join(', ');
    out = out.concat(table([['name', 'section', 'type', 'insns', 'linked insns', 'helpers'],
      ...s.programs.map((p) => [p.name, p.section || '-', typeCell(p), String(p.insns), String(p.linkedInsns), helpers(p) || '-'])]));
  }
  for (const p of s.programs) {
    out.push('', `  ${p.name}:`);
    if (p.subprograms.length > 0) out.push(`    subprograms: ${p.subprograms.join(', ')}`);
    out.push(`    maps: ${p.maps.join(', ') || '-'}`);
    if (p.kfuncs.length > 0) out.push(`    kfuncs: ${p.kfuncs.join(', ')}`);
    out.push(`    features: ${p.features.join(', ') || '-'}`);
  }
  out.push('', `maps (${s.maps.length}):`);
  if (s.maps.length > 0) {
    out = out.concat(table([['name', 'type', 'key', 'value', 'max entries', 'flags', 'inner map'],
      ...s.maps.map((m) => [m.name, m.type, String(m.keySize), String(m.valueSize), String(m.maxEntries), hex(m.flags),
        m.innerMap ? `${m.innerMap.type} ${m.innerMap.keySize}/${m.innerMap.valueSize}/${m.innerMap.maxEntries}` : '-'])]));
  }
  return out.join('\n') + '\n';
}
