// The program corpus as the tests see it: every programs/<name>/ that holds <name>.c is a program
// (programs/common/ holds shared headers only).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRAMS_DIR } from '../helpers/paths.js';

export interface CorpusProgram {
  readonly name: string;
  readonly dir: string;
  readonly source: string;
  readonly object: string;
  readonly maps: string;
  readonly traffic: string;
}

/** Every program directory, sorted by name. */
export function corpusPrograms(): CorpusProgram[] {
  return readdirSync(PROGRAMS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(PROGRAMS_DIR, d.name, `${d.name}.c`)))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = join(PROGRAMS_DIR, name);
      return {
        name, dir,
        source: join(dir, `${name}.c`),
        object: join(dir, `${name}.o`),
        maps: join(dir, 'maps.json'),
        traffic: join(dir, 'traffic.json'),
      };
    });
}

/** Program directories that a program should have but that hold no <name>.c. */
export function strayDirectories(): string[] {
  return readdirSync(PROGRAMS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'common' && !existsSync(join(PROGRAMS_DIR, d.name, `${d.name}.c`)))
    .map((d) => d.name);
}

/** The programs the issue names (each must be present). */
export const REQUIRED_PROGRAMS = [
  'xdp_drop', 'xdp_pass', 'xdp_tx', 'xdp1', 'xdp2', 'adjust_tail', 'router_ipv4', 'rxq_info', 'tx_ip_tunnel',
  'redirect_map', 'simple_firewall', 'l4lb', 'csum',
  'map_access_1', 'map_access_2', 'map_access_4', 'map_access_8', 'map_access_16',
  'helper_calls_1', 'helper_calls_10', 'helper_calls_20', 'helper_calls_30', 'helper_calls_40',
] as const;

/** eBPF instructions as llvm-objdump -d lists them (an lddw counts once). */
export function countListedInsns(listing: string): number {
  return listing.split('\n').filter((l) => /^\s*\d+:\s/.test(l)).length;
}
