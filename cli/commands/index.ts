// The CLI's commands, one module each; the order is the order of `xdp2hw --help`.
import type { CommandModule } from 'yargs';
import { infoCommand } from './info.js';
import { disasmCommand } from './disasm.js';
import { trafficCommand } from './traffic.js';
import { pcapInfoCommand } from './pcap-info.js';
import { runCommand } from './run.js';
import { coverageCommand } from './coverage.js';
import { conformancePluginCommand } from './conformance-plugin.js';
import { compileCommand } from './compile.js';
import { compareCommand } from './compare.js';
import { simulateCommand } from './simulate.js';
import { checkCommand } from './check.js';
import { reportCommand } from './report.js';
import { sweepCommand } from './sweep.js';
import { verilogCommand } from './verilog.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: CommandModule<any, any>[] = [infoCommand, disasmCommand, trafficCommand, pcapInfoCommand, runCommand, simulateCommand, checkCommand, coverageCommand, compileCommand, compareCommand, reportCommand, sweepCommand, verilogCommand, conformancePluginCommand];
