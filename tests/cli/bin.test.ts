// The `xdp2hw` binary as npm links it: dist/cli/xdp2hw.js run directly (shebang, executable bit),
// which is what `npx xdp2hw` does in the README's set-up command.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const BIN = resolve(ROOT, 'dist/cli/xdp2hw.js');

describe('the xdp2hw binary', () => {
  it('is executable and runs without naming node', () => {
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    const r = spawnSync(BIN, ['info', resolve(ROOT, 'programs/xdp1/xdp1.o'), '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).programs[0].insns).toBeGreaterThan(0);
  });
});
