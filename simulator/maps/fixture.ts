// Map fixtures: the JSON format (docs/FIXTURES.md) that fills maps before a run and reports them
// after. Parsing and validation only; applying a fixture to maps is the engine's job.

export interface FixtureEntry {
  /** hex bytes in memory order; absent for LPM entries given as prefix/prefixLen */
  key?: string;
  /** hex bytes; absent for prog-array entries given by program name */
  value?: string;
  /** LPM trie: the address bytes (hex, network order) */
  prefix?: string;
  /** LPM trie: the prefix length in bits */
  prefixLen?: number;
  /** prog array: the name of a program in the same object */
  program?: string;
}

export interface FibRoute {
  /** an IPv4 or IPv6 address, optionally `/len` */
  dst: string;
  ifindex: number;
  /** 6 bytes, hex */
  smac: string;
  /** 6 bytes, hex */
  dmac: string;
  /** BPF_FIB_LKUP_RET_* (default 0, success) */
  result?: number;
}

export interface MapFixture {
  maps: Record<string, { entries: FixtureEntry[] }>;
  fib?: FibRoute[];
  /** where it was read from (parseFixture's `source`): errors found when applying it name it */
  source?: string;
}

/** A fixture that could not be read: `where` names the map and entry. */
export class FixtureError extends Error {
  constructor(readonly where: string, readonly why: string) {
    super(`${where}: ${why}`);
    this.name = 'FixtureError';
  }
}

const HEX = /^[0-9a-f]*$/;

/** Normalises hex text ("0x", spaces, upper case allowed) to lowercase pairs; throws FixtureError. */
function normaliseHex(text: string, where: string): string {
  const h = text.replace(/^0x/i, '').replace(/\s+/g, '').toLowerCase();
  if (!HEX.test(h) || h.length % 2 !== 0) throw new FixtureError(where, `not an even-length hex string: "${text}"`);
  return h;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes (the fixture format), table-driven: snapshots call it for every entry. */
export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_PAIRS[bytes[i]];
  return s;
}

/** Snapshot order: entries sorted by their key's hex (compare two keys). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An LPM entry's key as hex: struct bpf_lpm_trie_key, the u32 prefix length (little-endian), then the prefix. */
export function lpmKeyHex(prefixLen: number, prefix: string): string {
  return bytesToHex(Uint8Array.of(prefixLen & 0xff, (prefixLen >> 8) & 0xff, 0, 0)) + prefix;
}

/** Parses and checks the shape of a fixture (not the sizes, which need the maps). */
export function parseFixture(json: unknown, source = 'fixture'): MapFixture {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FixtureError(source, 'a fixture is a JSON object with a "maps" field');
  const o = json as Record<string, unknown>;
  rejectUnknown(o, ['maps', 'fib'], source, 'a fixture');
  const mapsIn = o.maps ?? {};
  if (typeof mapsIn !== 'object' || mapsIn === null || Array.isArray(mapsIn)) throw new FixtureError(source, '"maps" must be an object keyed by map name');
  const maps: MapFixture['maps'] = {};
  for (const [name, m] of Object.entries(mapsIn as Record<string, unknown>)) {
    const where = `${source}: map ${name}`;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new FixtureError(where, 'a map is an object with "entries"');
    rejectUnknown(m as Record<string, unknown>, ['entries'], where, 'a map');
    const list = (m as { entries?: unknown }).entries;
    if (!Array.isArray(list)) throw new FixtureError(where, '"entries" must be a list');
    maps[name] = { entries: list.map((e, i) => parseEntry(e, `${where} entry ${i}`)) };
  }
  const out: MapFixture = { maps, source };
  if (o.fib !== undefined) {
    if (!Array.isArray(o.fib)) throw new FixtureError(source, '"fib" must be a list of routes');
    out.fib = o.fib.map((r, i) => parseRoute(r, `${source}: fib route ${i}`));
  }
  return out;
}

/** A field the format does not know is an error (a typo such as "mapz" or "fibs" would otherwise be ignored). */
function rejectUnknown(o: Record<string, unknown>, known: readonly string[], where: string, what: string): void {
  const bad = Object.keys(o).find((k) => !known.includes(k));
  if (bad !== undefined) throw new FixtureError(where, `unknown field "${bad}": ${what} has ${known.map((k) => `"${k}"`).join(', ')}`);
}

function parseEntry(e: unknown, where: string): FixtureEntry {
  if (typeof e !== 'object' || e === null) throw new FixtureError(where, 'an entry is an object');
  const r = e as Record<string, unknown>;
  rejectUnknown(r, ['key', 'value', 'prefix', 'prefixLen', 'program'], where, 'an entry');
  const out: FixtureEntry = {};
  for (const f of ['key', 'value', 'prefix'] as const) {
    if (r[f] === undefined) continue;
    if (typeof r[f] !== 'string') throw new FixtureError(where, `"${f}" must be a hex string`);
    out[f] = normaliseHex(r[f] as string, where);
  }
  if (r.prefixLen !== undefined) {
    if (typeof r.prefixLen !== 'number' || !Number.isInteger(r.prefixLen) || r.prefixLen < 0 || r.prefixLen > 128)
      throw new FixtureError(where, '"prefixLen" must be an integer from 0 to 128');
    out.prefixLen = r.prefixLen;
  }
  if (r.program !== undefined) {
    if (typeof r.program !== 'string') throw new FixtureError(where, '"program" must be a program name');
    out.program = r.program;
  }
  if (out.key === undefined && (out.prefix === undefined || out.prefixLen === undefined))
    throw new FixtureError(where, 'needs "key", or "prefix" and "prefixLen"');
  if (out.value === undefined && out.program === undefined) throw new FixtureError(where, 'needs "value" (or "program" for a prog array)');
  return out;
}

function parseRoute(r: unknown, where: string): FibRoute {
  const o = r as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || typeof o.dst !== 'string' || typeof o.ifindex !== 'number')
    throw new FixtureError(where, 'a route needs "dst" (address[/len]) and "ifindex"');
  rejectUnknown(o, ['dst', 'ifindex', 'smac', 'dmac', 'result'], where, 'a route');
  const smac = normaliseHex(String(o.smac ?? '000000000000'), where);
  const dmac = normaliseHex(String(o.dmac ?? '000000000000'), where);
  if (smac.length !== 12 || dmac.length !== 12) throw new FixtureError(where, 'smac and dmac are 6 bytes');
  const route: FibRoute = { dst: o.dst, ifindex: o.ifindex, smac, dmac };
  if (o.result !== undefined) route.result = Number(o.result);
  return route;
}
