// `xdp2hw disasm <file> [--program NAME] [-r] [--linked]`: instructions as llvm-objdump -d lists
// them (-r: with relocations, as -dr), or programs as linked. Formatting is compiler/loader/print.ts.

import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import { disasmLines } from '../../compiler/loader/print.js';
import { OBJECT_FILE } from '../options.js';

interface DisasmArgs {
  file: string;
  program?: string;
  reloc: boolean;
  linked: boolean;
}

export const disasmCommand: CommandModule<object, DisasmArgs> = {
  command: 'disasm <file>',
  describe: 'Disassemble an object, listing or bytecode file in llvm-objdump syntax',
  builder: (y: Argv) =>
    y
      .positional('file', OBJECT_FILE)
      .option('program', { type: 'string', describe: 'only this program (its function and the subprograms it calls)' })
      .option('reloc', { alias: 'r', type: 'boolean', default: false, describe: 'print relocations, as llvm-objdump -dr' })
      .option('linked', { type: 'boolean', default: false, describe: 'print programs as linked: subprograms appended, map loads named' }) as unknown as Argv<DisasmArgs>,
  handler: (argv) => {
    const lines = disasmLines(loadFile(argv.file), { program: argv.program, relocs: argv.reloc, linked: argv.linked });
    process.stdout.write(lines.join('\n') + '\n');
  },
};
