// Reads the longest topological path Yosys's `ltp` prints: its length in cells and the cells it
// goes through. The path is as long as the selection `ltp` ran on makes it (script.ts cuts it at
// flip-flops, block RAMs and DSPs); this module only parses.

import { SynthError } from './yosys.js';

export interface LongestPath {
  /** the module `ltp` looked at */
  module: string;
  /** cells on the path */
  length: number;
  /** the cell names it goes through, in order (the "via" of each step) */
  cells: string[];
}

/** Every "Longest topological path in M (length=N):" block in `text`, in order. */
export function parseLtp(text: string): LongestPath[] {
  const paths: LongestPath[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^Longest topological path in (\S+) \(length=(-?\d+)\):/.exec(lines[i]);
    if (!m) continue;
    const cells: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const step = /^\s+\d+: \S+(?: \[\d+\])?(?: \(via (.*)\))?\s*$/.exec(lines[j]);
      if (!step) break;
      if (step[1] !== undefined) cells.push(step[1]);
    }
    paths.push({ module: m[1].replace(/^\\/, ''), length: Math.max(0, Number(m[2])), cells });
  }
  return paths;
}

/** The one path of `text`; a clear error when `ltp` printed none. */
export function onePath(text: string, what: string): LongestPath {
  const paths = parseLtp(text);
  if (paths.length === 0) throw new SynthError(`yosys: ltp printed no longest path for ${what}`);
  return paths[0];
}
