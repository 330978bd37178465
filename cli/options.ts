// Option definitions several commands share (the input file, the program, the fixture, how a
// trace is run), so each is declared and described once.

export const OBJECT_FILE = { type: 'string', demandOption: true, describe: 'ELF object, llvm-objdump listing or raw bytecode' } as const;
export const PROGRAM_TO_RUN = { type: 'string', describe: 'program to run (default: the first)' } as const;
export const MAP_FIXTURE = { type: 'string', describe: 'map fixture JSON (docs/FIXTURES.md)' } as const;
export const JSON_OUTPUT = { type: 'boolean', default: false, describe: 'print JSON' } as const;

/** --max-packets, --ingress-ifindex, --rx-queues: how a pcap is run; `prefix` qualifies the help text. */
export function traceOptions(prefix = '') {
  return {
    'max-packets': { type: 'number', describe: `${prefix}stop after N packets` },
    'ingress-ifindex': { type: 'string', describe: `${prefix}ifindexes packets arrive on in turn, e.g. 1-8` },
    'rx-queues': { type: 'string', describe: `${prefix}RX queues packets arrive on in turn, e.g. 0-7` },
  } as const;
}
