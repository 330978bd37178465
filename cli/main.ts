// The xdp2hw command line: yargs wiring only. Each command parses its arguments, calls a library
// function and prints; errors become one line (cli/errors.ts).

import yargs from 'yargs';
import { COMMANDS } from './commands/index.js';
import { UsageError, report } from './errors.js';

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
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`xdp2hw: ${e.message}\n(see xdp2hw --help)\n`);
    code = e instanceof UsageError ? 2 : report(e);
  }
  return code;
}

