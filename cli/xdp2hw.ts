#!/usr/bin/env node
// Entry point of the `xdp2hw` binary: runs the CLI (cli/main.ts) on the process arguments.
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

process.exitCode = await main(hideBin(process.argv));
