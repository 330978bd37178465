// The xdp2hw command line: yargs wiring only. Each command parses its arguments, calls a library
// function and prints; errors become one line (cli/errors.ts).

import yargs from 'yargs';
import { Parser } from 'yargs/helpers';
import { COMMANDS } from './commands/index.js';
import { UsageError, oneLine, report } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('xdp2hw')
    .usage('$0 <command> [options]\n\nCompile XDP programs for an FPGA NIC soft core, simulate them, emit Verilog.')
    .command(COMMANDS)
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    // a repeated option takes its last value (an array would reach handlers typed for one value)
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .middleware(rejectNaN, true)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    rejectUnderscore(argv);
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`xdp2hw: ${oneLine(e.message)}\n(see xdp2hw --help)\n`);
    code = e instanceof UsageError ? 2 : report(e);
  }
  // a handler that completed but failed (compile: a validation mismatch, a proof not proved) set process.exitCode
  return code || Number(process.exitCode ?? 0);
}


/** A number option given a value that is not a number (yargs makes it NaN) is a usage error. */
function rejectNaN(argv: Record<string, unknown>): void {
  const bad = Object.keys(argv).find((k) => typeof argv[k] === 'number' && Number.isNaN(argv[k]));
  if (bad !== undefined) throw new UsageError(`${bad.length > 1 ? '--' : '-'}${bad}: expected a number`);
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
