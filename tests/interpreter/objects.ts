// Test utility: LoadedObjects built from bpf_conformance assembly, with map references written
// `lddw %r1, map:NAME` (the map itself) or `lddw %r1, value:NAME+OFF` (an address in a global
// data map's value), resolved as the loader does (pseudo MAP_IDX / MAP_IDX_VALUE + mapRefs).
import { assemble, decodeProgram, encodeProgram, Pseudo } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { LoadedObject, MapDef, MapRef, MapTypeName, Program } from '../../compiler/loader/types.js';
import { MAP_TYPE_NAMES } from '../../compiler/loader/types.js';

const FD_MARK = 0x5a5a5a00;
const VALUE_MARK = 0x5b5b5b00;

export function mapDef(name: string, type: MapTypeName, keySize: number, valueSize: number, maxEntries: number, extra: Partial<MapDef> = {}): MapDef {
  return { name, type, typeId: MAP_TYPE_NAMES.indexOf(type), keySize, valueSize, maxEntries, flags: 0, ...extra };
}

export function program(name: string, asm: string, maps: readonly MapDef[] = []): Program {
  const index = (n: string) => {
    const i = maps.findIndex((m) => m.name === n);
    if (i < 0) throw new Error(`no map ${n}`);
    return i;
  };
  const src = asm
    .replace(/map:([\w.]+)/g, (_, n: string) => `0x${(FD_MARK + index(n)).toString(16)}00000000`)
    .replace(/value:([\w.]+)\+(\d+)/g, (_, n: string, off: string) => `0x${(VALUE_MARK + index(n)).toString(16)}${Number(off).toString(16).padStart(8, '0')}`);
  const insns: Insn[] = assemble(src);
  const mapRefs = new Map<number, MapRef>();
  insns.forEach((insn, i) => {
    if (insn.kind !== 'lddw') return;
    const mark = insn.hi & 0xffffff00;
    if (mark !== FD_MARK && mark !== VALUE_MARK) return;
    const map = insn.hi & 0xff;
    const value = mark === VALUE_MARK;
    mapRefs.set(i, { map, kind: value ? 'value' : 'fd', offset: value ? insn.lo : 0 });
    insns[i] = { ...insn, pseudo: value ? Pseudo.MAP_IDX_VALUE : Pseudo.MAP_IDX, lo: map, hi: value ? insn.lo : 0 };
  });
  return { name, section: 'xdp', code: decodeProgram(encodeProgram(insns)), functions: [{ name, start: 0 }], mapRefs };
}

export function object(programs: Program[], maps: MapDef[] = []): LoadedObject {
  return { file: 'test.o', format: 'raw', programs, maps };
}

/** An Ethernet + IPv4 + UDP frame of `size` bytes (bytes after the headers count up). */
export function udpPacket(size = 64): Uint8Array {
  const p = new Uint8Array(Math.max(size, 34));
  p.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]);
  p.set([0x45, 0, 0, size - 14, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  for (let i = 34; i < size; i++) p[i] = i & 0xff;
  return p.subarray(0, size);
}
