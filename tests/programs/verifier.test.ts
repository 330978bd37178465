// Every object loads in the Linux verifier (bpftool prog load), pinned under a name of this
// process and unpinned afterwards. A failure prints the verifier's verdict.

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelMissing, needs } from '../helpers/tools.js';
import { corpusPrograms } from './corpus.js';

/** The lines of a failed load that say why: the verifier's last words and libbpf's error. */
function verdict(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const end = lines.findIndex((l) => l.includes('END PROG LOAD LOG'));
  const log = end > 0 ? lines.slice(Math.max(0, end - 12), end) : [];
  const errors = lines.filter((l) => /^(libbpf|Error):/.test(l));
  return [...log, ...errors].join('\n') || output.trim();
}

describe.skipIf(needs(kernelMissing()))('programs/: every object passes the kernel verifier', () => {
  it.each(corpusPrograms())('$name', (p) => {
    const pin = `/sys/fs/bpf/xdp2hw-test-${process.pid}-${p.name}`;
    try {
      const r = spawnSync('bpftool', ['prog', 'load', p.object, pin], { encoding: 'utf8' });
      if (r.status !== 0) console.error(`${p.name}: the verifier rejects ${p.object}:\n${verdict(r.stdout + r.stderr)}`);
      expect(r.status, `${p.name}: ${verdict(r.stdout + r.stderr)}`).toBe(0);
    } finally {
      rmSync(pin, { force: true });
    }
  });
});
