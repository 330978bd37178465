// Issue 2 acceptance, through the CLI: `xdp2hw disasm` of clang objects lists what llvm-objdump -d
// lists; `xdp2hw info --json` counts instructions as llvm-objdump does, and its maps are what
// bpftool shows once the kernel has loaded the object (type, key/value size, max entries, flags).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { C_PROGRAMS, compiled, corpusObjects, llvmObjdump, objdumpCounts } from '../loader/compile.js';
import { runCli } from './run.js';

interface InfoJson {
  programs: { name: string; section: string; insns: number; helpers: string[]; maps: string[] }[];
  maps: { name: string; type: string; keySize: number; valueSize: number; maxEntries: number; flags: number }[];
}

const noClang = needs(toolMissing('clang'), toolMissing('llvm-objdump'));
const objects = () => [...C_PROGRAMS.map((n) => ({ name: n, path: compiled(n) })), ...corpusObjects().map((p) => ({ name: basename(p, '.o'), path: p }))];

function info(path: string): InfoJson {
  const r = runCli(['info', path, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as InfoJson;
}

describe.skipIf(noClang)('xdp2hw disasm = llvm-objdump -d; info insns = llvm-objdump count', () => {
  for (const o of noClang ? [] : objects()) {
    it(o.name, () => {
      const r = runCli(['disasm', o.path]);
      expect(r.status, r.stderr).toBe(0);
      const ours = r.stdout.split('\n').filter((l) => /^\s*\d+:\t/.test(l));
      const theirs = llvmObjdump(['-d'], o.path).split('\n').filter((l) => /^\s*\d+:\t/.test(l));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
      const counts = objdumpCounts(llvmObjdump(['-d'], o.path));
      const j = info(o.path);
      for (const p of j.programs) {
        expect(Object.keys(p)).toEqual(expect.arrayContaining(['name', 'section', 'insns', 'helpers']));
        expect([p.name, p.insns]).toEqual([p.name, counts.get(p.name)]);
      }
      for (const m of j.maps) expect(Object.keys(m)).toEqual(expect.arrayContaining(['name', 'type', 'keySize', 'valueSize', 'maxEntries', 'flags']));
    });
  }
});

interface BpftoolMap {
  name: string;
  type: string;
  bytes_key: number;
  bytes_value: number;
  max_entries: number;
  flags: number;
}

const bpftool = <T>(...args: string[]): T => JSON.parse(execFileSync('bpftool', [...args, '-j'], { encoding: 'utf8' })) as T;

/** What bpftool shows for each program of the object once loaded: its name and its maps. */
function loadedMaps(path: string, tag: string): Map<string, BpftoolMap[]> {
  const dir = `/sys/fs/bpf/xdp2hw-test-${process.pid}-${tag}`;
  const out = new Map<string, BpftoolMap[]>();
  try {
    const r = spawnSync('bpftool', ['prog', 'loadall', path, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bpftool prog loadall ${path} failed: ${r.stderr}`);
    for (const pin of readdirSync(dir)) {
      const prog = bpftool<{ name: string; map_ids?: number[] }>('prog', 'show', 'pinned', `${dir}/${pin}`);
      out.set(pin, (prog.map_ids ?? []).map((id) => bpftool<BpftoolMap>('map', 'show', 'id', String(id))));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The flags the object asked for: the kernel adds BPF_F_RDONLY_PROG (0x80) to every devmap itself. */
function objectFlags(km: BpftoolMap): number {
  return km.type === 'devmap' || km.type === 'devmap_hash' ? km.flags & ~0x80 : km.flags;
}

// libbpf 1.x refuses legacy SEC("maps") definitions: that object is checked by info alone (tests/loader)
const loadable = () => objects().filter((o) => o.name !== 'legacy');

describe.skipIf(noClang || needs(kernelMissing()))('xdp2hw info --json maps = bpftool after loading', () => {
  for (const o of noClang ? [] : loadable()) {
    it(o.name, () => {
      const j = info(o.path);
      const loaded = loadedMaps(o.path, o.name);
      expect([...loaded.keys()].sort()).toEqual(j.programs.map((p) => p.name).sort());
      for (const p of j.programs) {
        const kernel = loaded.get(p.name)!;
        expect(kernel.length, `${p.name}: maps ${p.maps.join(', ')}`).toBe(p.maps.length);
        for (const km of kernel) {
          // the kernel keeps 15 characters of a name; libbpf prefixes global data maps with the object's name
          const mine = j.maps.filter((m) => p.maps.includes(m.name))
            .find((m) => (m.name.startsWith('.') ? km.name.endsWith(m.name.slice(0, 15)) : km.name === m.name.slice(0, 15)));
          expect(mine, `${p.name}: kernel map ${km.name}`).toBeDefined();
          expect({ type: mine!.type, keySize: mine!.keySize, valueSize: mine!.valueSize, maxEntries: mine!.maxEntries, flags: mine!.flags })
            .toEqual({ type: km.type, keySize: km.bytes_key, valueSize: km.bytes_value, maxEntries: km.max_entries, flags: objectFlags(km) });
        }
      }
    });
  }
});
