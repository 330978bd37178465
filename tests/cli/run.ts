// Test helper: runs the built CLI (dist/cli/xdp2hw.js, built by tests/setup/build.ts) as a user would.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from '../helpers/paths.js';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: string[], cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [resolve(ROOT, 'dist/cli/xdp2hw.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
