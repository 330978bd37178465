// `xdp2hw conformance-plugin [MEM] [options]`: the bpf_conformance runner's plugin protocol
// (bpf_conformance's README, "plugin"): MEM as hex bytes in one argument, the program's bytes as hex on stdin; prints
// r0 in hex and exits 0, or prints the error and exits 1. Runner options are accepted and ignored.

import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { runConformance } from '../../simulator/interpreter/conformance.js';
import { hexToBytes } from '../../simulator/maps/fixture.js';
import { UserError } from '../errors.js';

interface PluginArgs {
  mem?: string;
}

/** Hex bytes as the runner writes them ("aa  bb  11  "), or contiguous. */
export function parseHexBytes(text: string, what: string): Uint8Array {
  const hex = text.replace(/0x/gi, '').replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new UserError(`${what}: not hex bytes`);
  return hexToBytes(hex);
}

export const conformancePluginCommand: CommandModule<object, PluginArgs> = {
  command: 'conformance-plugin [mem]',
  describe: 'bpf_conformance plugin: program bytes (hex) on stdin, MEM (hex) as argument; prints r0',
  builder: (y: Argv) =>
    y
      .positional('mem', { type: 'string', describe: 'the test memory: hex bytes in one argument' })
      .strict(false) as unknown as Argv<PluginArgs>,
  handler: (argv) => {
    const mem = argv.mem === undefined ? new Uint8Array(0) : parseHexBytes(String(argv.mem), 'MEM');
    const program = parseHexBytes(readFileSync(0, 'utf8'), 'program (stdin)');
    const out = runConformance(program, mem);
    if (!out.ok) {
      process.stdout.write(`${out.error}\n`);
      throw new UserError(out.error);
    }
    process.stdout.write(`0x${out.r0.toString(16)}\n`);
  },
};
