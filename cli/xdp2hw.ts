#!/usr/bin/env node
// Entry point of the `xdp2hw` binary: runs the CLI (cli/main.ts) on the process arguments.
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

// a reader that goes away (`xdp2hw disasm x.o | head`) ends the output, not the process with a trace
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

process.exitCode = await main(hideBin(process.argv));
