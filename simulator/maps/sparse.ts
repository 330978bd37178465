// Value storage for array maps: dense (one buffer, allocated up front) for arrays of modest size,
// sparse (a value allocated the first time a program or fixture touches its index) for arrays
// sized like the kernel's large ones (Katran's 33,554,944-entry ch_rings). Bytes actually
// allocated count against a cap shared by the maps of one session. No map semantics here.

/** Arrays up to this many entries (and DENSE_MAX_BYTES of values) are stored and listed whole
 * (a kernel dump of them takes a moment; a dump of 4,096 entries already takes 40 ms). */
export const DENSE_MAX_ENTRIES = 1 << 10;
export const DENSE_MAX_BYTES = 1 << 20;
/** What the values allocated by the sparse arrays of one session may take, with their overhead. */
export const SPARSE_CAP_BYTES = 256 << 20;
/** A JS Map entry and a typed array header, charged with each sparse value. */
const ENTRY_OVERHEAD = 96;

/** The fields that decide an array's storage (a MapDef, or a map as the kernel describes it). */
export interface ArrayShape {
  readonly type: string;
  readonly maxEntries: number;
  readonly valueSize: number;
}

/**
 * Whether an array (or per-CPU array) is sparse: stored lazily, and listed in snapshots and
 * dumps with its non-zero entries only. The one rule the interpreter and the kernel oracle share.
 */
export function isSparseArray(m: ArrayShape): boolean {
  if (m.type !== 'array' && m.type !== 'percpu_array') return false;
  return m.maxEntries > DENSE_MAX_ENTRIES || m.maxEntries * m.valueSize > DENSE_MAX_BYTES;
}

/** Bytes allocated by the sparse arrays of one session, against a cap. */
export class MapMemory {
  used = 0;
  constructor(readonly cap = SPARSE_CAP_BYTES) {}

  /** Charges `bytes`; false (nothing charged) when the cap would be passed. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.cap) return false;
    this.used += bytes;
    return true;
  }
}

export interface ValueStore {
  /** The live value at index i (allocated now if needed), or undefined when the cap is reached. */
  touch(i: number): Uint8Array | undefined;
  /** The value at index i if it was ever allocated (dense: always). */
  peek(i: number): Uint8Array | undefined;
  /** Indexes that may hold non-zero bytes, with their values, in no particular order. */
  allocated(): Iterable<[number, Uint8Array]>;
}

export class DenseStore implements ValueStore {
  private readonly values: Uint8Array[] = [];

  constructor(maxEntries: number, valueSize: number) {
    const store = new Uint8Array(maxEntries * valueSize);
    for (let i = 0; i < maxEntries; i++) this.values.push(store.subarray(i * valueSize, (i + 1) * valueSize));
  }

  touch(i: number): Uint8Array | undefined {
    return this.values[i];
  }

  peek(i: number): Uint8Array | undefined {
    return this.values[i];
  }

  *allocated(): Iterable<[number, Uint8Array]> {
    for (let i = 0; i < this.values.length; i++) yield [i, this.values[i]];
  }
}

export class SparseStore implements ValueStore {
  private readonly values = new Map<number, Uint8Array>();

  constructor(private readonly valueSize: number, private readonly memory: MapMemory) {}

  touch(i: number): Uint8Array | undefined {
    let v = this.values.get(i);
    if (v) return v;
    if (!this.memory.take(this.valueSize + ENTRY_OVERHEAD)) return undefined;
    v = new Uint8Array(this.valueSize);
    this.values.set(i, v);
    return v;
  }

  peek(i: number): Uint8Array | undefined {
    return this.values.get(i);
  }

  allocated(): Iterable<[number, Uint8Array]> {
    return this.values.entries();
  }

  /** Values allocated so far (for tests and figures). */
  get size(): number {
    return this.values.size;
  }
}

export function isZero(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}
