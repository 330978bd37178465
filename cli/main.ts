// The xdp2hw command line: yargs wiring only. Each command parses its arguments, calls a library
// function and prints; errors become one line (cli/errors.ts).

import yargs from 'yargs';
import { Parser } from 'yargs/helpers';
import { COMMANDS } from './commands/index.js';
import { UsageError, oneLine, report } from './errors.js';
import { checkNumbers } from './validate-options.js';
import { packageVersion } from './version.js';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('xdp2hw')
    .usage('$0 <command> [options]\n\nLoad XDP programs (eBPF from clang), run them on a reference interpreter checked against the Linux\nkernel, compile them for the VLIW soft core of an FPGA NIC (proven optimisations, lane scheduling, ROM),\nand simulate the core cycle by cycle. Coming: its Verilog.')
    .command(COMMANDS)
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .exitProcess(false)
    // a repeated option takes its last value (an array would reach handlers typed for one value)
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .middleware(checkNumbers, true)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    rejectUnderscore(argv);
    rejectUnknownCommand(argv);
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`xdp2hw: ${oneLine(e.message)}\n(see xdp2hw --help)\n`);
    code = e instanceof UsageError ? 2 : report(e);
  }
  // a handler that completed but failed (compile: a validation mismatch, a proof not proved) set process.exitCode
  return code || Number(process.exitCode ?? 0);
}


/** The first argument, when it is not an option, names a command (yargs would call it an unknown argument). */
function rejectUnknownCommand(argv: string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return;
  const names = COMMANDS.map((c) => String(c.command).split(' ')[0]);
  if (!names.includes(first)) throw new UsageError(`unknown command '${first}'`);
}

/** yargs keeps positionals in the option "_": an argument that sets it (`-_`, `-a_b`, `--_ 1`) crashes its validation. */
function rejectUnderscore(argv: string[]): void {
  let ok: boolean;
  try {
    ok = Array.isArray(Parser(argv, { configuration: { 'duplicate-arguments-array': false } })._);
  } catch {
    ok = false; // the parser itself fails when a positional follows such an argument
  }
  if (!ok) throw new UsageError('no option is named "_" (an argument like -_ or -a_b sets it)');
}
