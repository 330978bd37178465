// The corpus's files: each program has its source, committed object, map fixture and traffic
// spec, the README describes it, the fixture fits the object's maps, the spec compiles, and the
// object is one loop-free function (the hXDP-style core has no loops and no BPF-to-BPF calls).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alg } from '@dagrejs/graphlib';
import { describe, expect, it } from 'vitest';
import { buildCfg } from '../../compiler/analysis/cfg.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject, MapDef } from '../../compiler/loader/index.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { compileSpec } from '../../simulator/traffic/index.js';
import type { TrafficSpec } from '../../simulator/traffic/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { corpusPrograms, REQUIRED_PROGRAMS, strayDirectories } from './corpus.js';

const programs = corpusPrograms();
const readmeHeadings = readFileSync(join(PROGRAMS_DIR, 'README.md'), 'utf8').split('\n').filter((l) => l.startsWith('### '));

describe('programs/: the corpus', () => {
  it('has at least 16 objects, every required program, and no directory without its <name>.c', () => {
    expect(programs.length).toBeGreaterThanOrEqual(16);
    expect(programs.map((p) => p.name)).toEqual(expect.arrayContaining([...REQUIRED_PROGRAMS]));
    expect(strayDirectories()).toEqual([]);
  });

  it('maps.json files are what programs/fixtures.mjs writes', () => {
    const r = spawnSync(process.execPath, [join(PROGRAMS_DIR, 'fixtures.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/** Why the fixture's entries do not fit `maps`, one line each. */
function fixtureMisfits(obj: LoadedObject, fixtureText: string, source: string): string[] {
  const fixture = parseFixture(JSON.parse(fixtureText), source);
  const byName = new Map<string, MapDef>(obj.maps.map((m) => [m.name, m]));
  const out: string[] = [];
  for (const [name, m] of Object.entries(fixture.maps)) {
    const def = byName.get(name);
    if (!def) {
      out.push(`map ${name} is not in the object (it has ${[...byName.keys()].join(', ')})`);
      continue;
    }
    m.entries.forEach((e, i) => {
      const where = `map ${name} entry ${i}`;
      const keyLen = e.key !== undefined ? e.key.length / 2 : 4 + (e.prefix?.length ?? 0) / 2;
      if (keyLen !== def.keySize) out.push(`${where}: key of ${keyLen} bytes, the map's is ${def.keySize}`);
      if (e.prefix !== undefined && def.type !== 'lpm_trie') out.push(`${where}: a prefix entry in a ${def.type} map`);
      if (e.prefixLen !== undefined && e.prefixLen > (def.keySize - 4) * 8) out.push(`${where}: /${e.prefixLen} is longer than the key`);
      if (e.value !== undefined && e.value.length / 2 !== def.valueSize) out.push(`${where}: value of ${e.value.length / 2} bytes, the map's is ${def.valueSize}`);
    });
    if (m.entries.length > def.maxEntries) out.push(`map ${name}: ${m.entries.length} entries, at most ${def.maxEntries}`);
  }
  return out;
}

describe.each(programs)('programs/$name', (p) => {
  it('has <name>.c, <name>.o, maps.json and traffic.json, and a README paragraph', () => {
    for (const f of [p.source, p.object, p.maps, p.traffic]) expect(existsSync(f), f).toBe(true);
    expect(readmeHeadings.some((h) => h.includes(`\`${p.name}\``)), `a "### ... \`${p.name}\`" heading in programs/README.md`).toBe(true);
  });

  it('is one XDP program of one loop-free function', () => {
    const obj = loadFile(p.object);
    expect(obj.programs.map((q) => q.section)).toEqual(['xdp']);
    const prog = obj.programs[0];
    expect(prog.functions.map((f) => f.name)).toEqual([prog.name]);
    expect(alg.isAcyclic(buildCfg(prog).graph)).toBe(true);
  });

  it('has a maps.json that fits the object\'s maps', () => {
    const obj = loadFile(p.object);
    expect(fixtureMisfits(obj, readFileSync(p.maps, 'utf8'), p.maps)).toEqual([]);
  });

  it('has a traffic.json the generator compiles (docs/TRAFFIC.md)', () => {
    const spec = JSON.parse(readFileSync(p.traffic, 'utf8')) as TrafficSpec;
    const compiled = compileSpec(spec, p.traffic);
    expect(compiled.packets).toBeGreaterThan(0);
  });
});
