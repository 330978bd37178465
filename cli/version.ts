// The version `xdp2hw --version` prints: package.json's, found by walking up from this module
// (cli/ when run from source, dist/cli/ when built).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'xdp2hw' && pkg.version !== undefined) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
