// Every fuzz harness with a fixed seed and a bounded count, so CI catches regressions quickly;
// `npm run fuzz` runs the same harnesses at length. A failure names the replay command.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setSandboxBase } from './cli-options.js';
import { HARNESSES } from './formats.js';
import { inputAt } from './harness.js';
import { SLOW_MS } from './oracle.js';

const SEED = 20261123;
/** Inputs per format: a few hundred, fewer for the slower in-process CLI. */
const COUNT: Readonly<Record<string, number>> = { 'cli-options': 200, fixture: 300, pcap: 300, listing: 300 };

const sandbox = mkdtempSync(join(tmpdir(), 'xdp2hw-fuzz-test-'));
setSandboxBase(sandbox);
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describe.each(HARNESSES.map((h) => [h.format, h] as const))('fuzz %s', (format, h) => {
  const n = COUNT[format] ?? 400;
  it(`${n} mutated inputs: each works or fails with one clear line, within ${SLOW_MS} ms`, async () => {
    const arb = await h.inputs();
    const tally = { ok: 0, clean: 0 };
    for (let i = 0; i < n; i++) {
      const input = inputAt(arb, SEED, i);
      const t0 = performance.now();
      const v = await h.check(input.value);
      const ms = performance.now() - t0;
      const where = `replay: npm run fuzz -- --replay ${format}:${SEED}:${i}  (${input.label.slice(0, 200)})`;
      if (v.kind === 'failure') expect.fail(`${v.why}\n${where}`);
      expect(ms, `took ${ms.toFixed(0)} ms; ${where}`).toBeLessThan(SLOW_MS);
      tally[v.kind]++;
    }
    console.log(`fuzz ${format}: ${n} inputs, ${tally.ok} ok, ${tally.clean} clean errors`);
    // the mutations must neither all be refused nor all pass, or the harness tests nothing
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.clean).toBeGreaterThan(0);
  }, 120_000);
});
