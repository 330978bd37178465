// Where each map's values live in the RTL's map memory (xdp2hw_top.v: one byte memory, every
// array and per-CPU array map at its base, values 8-byte aligned), and the $readmemh files of a
// map-memory image (eight byte-wide banks, byte i in bank i mod 8). Other map types are refused.

import type { LoadedObject } from '../../loader/types.js';
import { RtlRefusal } from './rom.js';

export interface MapPlace {
  readonly name: string;
  readonly type: string;
  readonly base: number;
  readonly stride: number;
  readonly valueSize: number;
  readonly maxEntries: number;
}

export interface MapLayout {
  readonly maps: readonly MapPlace[];
  /** bytes of map memory (a multiple of 8, at least 8) */
  readonly bytes: number;
}

/** Map memory above this is refused (on-chip memory is not for large tables). */
export const MAX_MAP_BYTES = 1 << 20;
const ON_CHIP = new Set(['array', 'percpu_array']);

export function mapLayout(obj: LoadedObject): MapLayout {
  let at = 0;
  const maps = obj.maps.map((d): MapPlace => {
    if (!ON_CHIP.has(d.type))
      throw new RtlRefusal(`${obj.file}: map ${d.name} is a ${d.type} map; the RTL core has array and per-CPU array maps only (hash, LRU and LPM maps are issue 15)`);
    const stride = Math.ceil(d.valueSize / 8) * 8;
    const place = { name: d.name, type: d.type, base: at, stride, valueSize: d.valueSize, maxEntries: d.maxEntries };
    at += stride * d.maxEntries;
    return place;
  });
  if (at > MAX_MAP_BYTES) throw new RtlRefusal(`${obj.file}: the maps need ${at} bytes of on-chip memory, more than the RTL's ${MAX_MAP_BYTES}`);
  return { maps, bytes: Math.max(8, Math.ceil(at / 8) * 8) };
}

/** The eight bank files (maps_b0.hex .. maps_b7.hex) of a map-memory image. */
export function mapBankFiles(image: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (let b = 0; b < 8; b++) {
    const lines: string[] = [];
    for (let i = b; i < image.length; i += 8) lines.push(image[i].toString(16).padStart(2, '0'));
    out[`maps_b${b}.hex`] = `${lines.join('\n')}\n`;
  }
  return out;
}
