// The machine's memory model, every engine's: tagged pointers (region id in the high word, offset
// in the low word) into regions (ctx, packet, stack frames, map values, map handles, conformance
// mem), and bounds-checked little-endian loads and stores. No knowledge of XDP or maps beyond
// region kinds.

/** What a region holds; decides which accesses are legal. */
export const RegionKind = {
  CTX: 0,
  PACKET: 1,
  STACK: 2,
  MAP_VALUE: 3,
  MAP: 4,
  MEM: 5,
  FUNC: 6,
} as const;
export type RegionKindId = (typeof RegionKind)[keyof typeof RegionKind];

/**
 * A pointer: msb [ tag:8 = 0xff | region id:24 ][ OFF_BASE + offset:32 ] lsb.
 * The offset base keeps small negative offsets (r10 - 600) inside the same region id, so they
 * report as an out-of-bounds offset rather than a stray pointer.
 */
export const PTR_TAG = 0xff000000 | 0;
export const OFF_BASE = 0x40000000;
/** The high word of a function address (lddw of a function): the low word is an instruction index. */
export const FUNC_TAG = 0xfe000000 | 0;

export function funcPointer(index: number): [number, number] {
  return [FUNC_TAG, index];
}
const MAX_REGIONS = 0x1000000;

export interface Region {
  /** index in Memory.regions (map value regions get a new one in each run that uses them) */
  id: number;
  /** for messages: "packet", "stack (frame 0)", "map flows value", ... */
  name: string;
  kind: RegionKindId;
  buf: Uint8Array;
  /** accessible bytes: buf[start, end) */
  start: number;
  end: number;
  writable: boolean;
  /** MAP, MAP_VALUE: the map index */
  ref: number;
  /** the run (Memory.generation) the region is registered for; -1: for good */
  gen: number;
}

export type FaultKind = 'out-of-bounds' | 'bad-pointer';

/** Result of resolve() when the address is in the ctx region: the caller emulates the field. */
export const AT_CTX = -2;
export const FAULT = -1;

export class Memory {
  readonly regions: Region[] = [];
  /** set by resolve(): the region and the fault of the last access */
  region!: Region;
  faultKind: FaultKind = 'bad-pointer';
  faultMessage = '';
  /** set by resolve() for AT_CTX: the offset in the ctx */
  ctxOffset = 0;
  /** by map index: set to 1 when a write lands in one of the map's values (snapshot caching) */
  dirtyMaps: Uint8Array = new Uint8Array(0);
  /** counts runs: regions registered for an older one are no longer in `regions` */
  generation = 0;
  private fixed = 0;

  /** A new region, registered now; until freeze() it stays for good, after it for this run. */
  add(name: string, kind: RegionKindId, buf: Uint8Array, writable: boolean, ref = 0): Region {
    const r: Region = { id: -1, name, kind, buf, start: 0, end: buf.length, writable, ref, gen: -1 };
    this.register(r);
    return r;
  }

  /** Gives a region an id in this run (a map value region reused from an earlier run). */
  register(r: Region): void {
    if (this.regions.length >= MAX_REGIONS) throw new Error('interpreter: too many memory regions in one run');
    r.id = this.regions.length;
    r.gen = this.fixed ? this.generation : -1;
    this.regions.push(r);
  }

  /** Regions added so far stay across runs; those added later are dropped by reset(). */
  freeze(): void {
    this.fixed = this.regions.length;
  }

  /** A new run: drops the regions of the last one. */
  reset(): void {
    if (this.regions.length !== this.fixed) this.regions.length = this.fixed;
    this.generation++;
  }

  /** The pointer [hi, lo] to byte `offset` of a region. */
  static pointer(r: Region, offset: number): [number, number] {
    return [PTR_TAG | r.id, (OFF_BASE + offset) | 0];
  }

  /** Whether a region can be used in this run without registering it again. */
  live(r: Region): boolean {
    return r.gen === -1 || r.gen === this.generation;
  }

  /** The region a pointer's high word names, or undefined. */
  regionOf(hi: number): Region | undefined {
    const id = hi ^ PTR_TAG;
    return id >= 0 && id < this.regions.length ? this.regions[id] : undefined;
  }

  /**
   * Checks an access of `size` bytes at (hi:lo) + off. Returns the index into region.buf, AT_CTX
   * for a ctx access (offset in ctxOffset), or FAULT with faultKind/faultMessage set.
   */
  resolve(hi: number, lo: number, off: number, size: number, write: boolean): number {
    const s = (lo >>> 0) + off;
    const h = s >= 0x100000000 ? hi + 1 : s < 0 ? hi - 1 : hi;
    const id = h ^ PTR_TAG;
    if (id < 0 || id >= this.regions.length) return this.badPointer(hi, lo, off, size, write);
    const r = this.regions[id];
    this.region = r;
    const i = (s >>> 0) - OFF_BASE;
    if (i >= r.start && i + size <= r.end) {
      if (write) {
        if (!r.writable) return this.fault('bad-pointer', `${size}-byte write to read-only ${r.name} at offset ${i}`);
        if (r.kind === RegionKind.MAP_VALUE) this.dirtyMaps[r.ref] = 1;
      }
      return i;
    }
    if (r.kind === RegionKind.CTX) {
      if (write) return this.fault('bad-pointer', `${size}-byte write to the xdp_md ctx at offset ${i}: the ctx is read-only`);
      this.ctxOffset = i;
      return AT_CTX;
    }
    if (r.kind === RegionKind.MAP || r.kind === RegionKind.FUNC)
      return this.fault('bad-pointer', `${size}-byte ${write ? 'write to' : 'read of'} ${r.name}, which is not memory`);
    return this.fault('out-of-bounds', `${size}-byte ${write ? 'write' : 'read'} at offset ${i} of ${r.name} (valid: ${r.start}..${r.end - 1})`);
  }

  /** A region and offset for a helper's pointer argument of `size` bytes; undefined = fault set. */
  span(hi: number, lo: number, size: number, write: boolean): { buf: Uint8Array; at: number; region: Region } | undefined {
    if (size === 0) {
      const r = this.regionOf(hi);
      return r ? { buf: r.buf, at: lo - OFF_BASE, region: r } : { buf: new Uint8Array(0), at: 0, region: this.regions[0] };
    }
    const i = this.resolve(hi, lo, 0, size, write);
    if (i === AT_CTX) {
      this.fault('bad-pointer', `a helper cannot ${write ? 'write' : 'read'} ${size} bytes of the ctx`);
      return undefined;
    }
    return i < 0 ? undefined : { buf: this.region.buf, at: i, region: this.region };
  }

  fault(kind: FaultKind, message: string): number {
    this.faultKind = kind;
    this.faultMessage = message;
    return FAULT;
  }

  private badPointer(hi: number, lo: number, off: number, size: number, write: boolean): number {
    const v = `0x${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
    const o = off === 0 ? '' : off > 0 ? `+${off}` : `${off}`;
    return this.fault('bad-pointer', `${size}-byte ${write ? 'write to' : 'read of'} ${v}${o}, which points into no memory region`);
  }
}

/** Little-endian reads and writes of 1, 2, 4 bytes into int32 words. */
export function readLE(b: Uint8Array, i: number, size: number): number {
  switch (size) {
    case 1: return b[i];
    case 2: return b[i] | (b[i + 1] << 8);
    default: return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  }
}

export function writeLE(b: Uint8Array, i: number, size: number, v: number): void {
  b[i] = v;
  if (size === 1) return;
  b[i + 1] = v >>> 8;
  if (size === 2) return;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
}
