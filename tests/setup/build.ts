// Vitest global setup: builds the CLI once (tsc -p tsconfig.build.json → dist/) so that tests can
// spawn `node dist/cli/xdp2hw.js`. Type errors elsewhere in the tree are reported, not fatal, as
// long as the CLI was emitted.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../helpers/paths.js';

export function setup(): void {
  const tsc = resolve(ROOT, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(resolve(ROOT, 'dist/cli/xdp2hw.js')))
    throw new Error(`building the CLI failed (tsc exit ${r.status}):\n${r.stdout}${r.stderr}`);
  // tsc rewrites the entry point without its executable bit; `npx xdp2hw` runs it directly
  chmodSync(resolve(ROOT, 'dist/cli/xdp2hw.js'), 0o755);
  if (r.status !== 0)
    console.warn(`tsc -p tsconfig.build.json reported errors (the CLI was emitted):\n${r.stdout.split('\n').slice(0, 10).join('\n')}`);
}
