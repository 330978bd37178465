// The value grammar of traffic specs (docs/TRAFFIC.md "Values"): a number, a "lo-hi" range, an
// address or prefix, or a list to choose from, compiled once into samplers. Bad values are a
// TrafficSpecError naming the field.

import { maskHost, parseMac, parsePrefix } from '../net/addr.js';
import type { Prefix } from '../net/addr.js';
import type { Prng } from './prng.js';

export type Sampler<T> = (rng: Prng) => T;

/** A traffic spec that cannot be used: `where` is the JSON path of the field (`mix[2].ip.src`). */
export class TrafficSpecError extends Error {
  constructor(readonly file: string, readonly where: string, readonly why: string) {
    super(`${file}: ${where ? `${where}: ` : ''}${why}`);
    this.name = 'TrafficSpecError';
  }
}

/** Where a field is, for errors: the spec file and the JSON path. */
export interface Where {
  file: string;
  path: string;
}

export const at = (w: Where, key: string | number): Where => ({
  file: w.file,
  path: typeof key === 'number' ? `${w.path}[${key}]` : w.path ? `${w.path}.${key}` : key,
});

export function fail(w: Where, why: string): never {
  throw new TrafficSpecError(w.file, w.path || '(top)', why);
}

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** Combines the samplers of a list's elements into one that picks an element uniformly. */
function choice<T>(v: unknown, w: Where, one: (x: unknown, w: Where) => Sampler<T>): Sampler<T> {
  if (!Array.isArray(v)) return one(v, w);
  if (v.length === 0) fail(w, 'an empty list has nothing to choose from');
  const items = v.map((x, i) => one(x, at(w, i)));
  if (items.length === 1) return items[0];
  return (rng) => rng.pick(items)(rng);
}

function parseNumber(text: string): number {
  const t = text.trim();
  return /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^\d+$/.test(t) ? Number(t) : NaN;
}

/** An integer value within [min, max]: 7, "0x88cc", "1024-65535", or a list of those. */
export function intValue(v: unknown, w: Where, min: number, max: number): Sampler<number> {
  return choice(v, w, (x, wx) => {
    let lo: number;
    let hi: number;
    if (typeof x === 'number') [lo, hi] = [x, x];
    else if (typeof x === 'string' && x.includes('-')) [lo, hi] = x.split('-', 2).map(parseNumber) as [number, number];
    else if (typeof x === 'string') lo = hi = parseNumber(x);
    else return fail(wx, `expected a number, a "lo-hi" range or a list, not ${describe(x)}`);
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) fail(wx, `not an integer or range: ${describe(x)}`);
    if (lo > hi) fail(wx, `empty range ${describe(x)}`);
    if (lo < min || hi > max) fail(wx, `${describe(x)} is outside ${min}..${max}`);
    return lo === hi ? () => lo : (rng) => rng.int(lo, hi);
  });
}

/** A boolean, or a list of booleans to choose from. */
export function boolValue(v: unknown, w: Where): Sampler<boolean> {
  return choice(v, w, (x, wx) => {
    if (typeof x !== 'boolean') fail(wx, `expected true or false, not ${describe(x)}`);
    return () => x;
  });
}

/** Checks that `x` is one of `allowed` (no choice). */
export function oneOf<K extends string>(x: unknown, w: Where, allowed: readonly K[]): K {
  if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x)) {
    fail(w, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, not ${describe(x)}`);
  }
  return x as K;
}

/** One of `allowed`, or a list of them to choose from. */
export function keywordValue<K extends string>(v: unknown, w: Where, allowed: readonly K[]): Sampler<K> {
  return choice(v, w, (x, wx) => {
    const k = oneOf(x, wx, allowed);
    return () => k;
  });
}

/** A string matching `re`, or a list of them. */
export function stringValue(v: unknown, w: Where, re: RegExp, what: string): Sampler<string> {
  return choice(v, w, (x, wx) => {
    if (typeof x !== 'string' || !re.test(x)) fail(wx, `expected ${what}, not ${describe(x)}`);
    return () => x;
  });
}

/** A MAC address, "random", or a list of them. */
export function macValue(v: unknown, w: Where): Sampler<Uint8Array> {
  return choice(v, w, (x, wx) => {
    if (x === 'random') return randomMac;
    const mac = typeof x === 'string' ? parseMac(x) : undefined;
    if (!mac) fail(wx, `expected a MAC address like "02:00:00:00:00:01" or "random", not ${describe(x)}`);
    return () => mac;
  });
}

/** Address samplers by family; a family is absent when the value lists none of it. */
export interface AddrSampler {
  v4: Sampler<Uint8Array> | undefined;
  v6: Sampler<Uint8Array> | undefined;
}

/** An IPv4 or IPv6 address or prefix, or a list of them (families may mix). */
export function addrValue(v: unknown, w: Where): AddrSampler {
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0) fail(w, 'an empty list has nothing to choose from');
  const fams: { 4: Sampler<Uint8Array>[]; 6: Sampler<Uint8Array>[] } = { 4: [], 6: [] };
  items.forEach((x, i) => {
    const wx = Array.isArray(v) ? at(w, i) : w;
    const p = typeof x === 'string' ? parsePrefix(x) : undefined;
    if (!p) fail(wx, `expected an address or prefix like "10.0.0.0/8" or "2001:db8::/32", not ${describe(x)}`);
    fams[p.bytes.length === 4 ? 4 : 6].push((rng) => samplePrefix(p, rng));
  });
  const pick = (s: Sampler<Uint8Array>[]): Sampler<Uint8Array> | undefined =>
    s.length === 0 ? undefined : s.length === 1 ? s[0] : (rng) => rng.pick(s)(rng);
  return { v4: pick(fams[4]), v6: pick(fams[6]) };
}

/** A hex string (spaces allowed, optional 0x), or a list of them. */
export function hexValue(v: unknown, w: Where): Sampler<Uint8Array> {
  return choice(v, w, (x, wx) => {
    const h = typeof x === 'string' ? x.replace(/^0x/i, '').replace(/\s+/g, '') : '';
    if (typeof x !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(h)) fail(wx, `expected an even-length hex string, not ${describe(x)}`);
    const bytes = Uint8Array.from(h.match(/../g) ?? [], (p) => parseInt(p, 16));
    return () => bytes;
  });
}

/** A uniform address within the prefix. */
export function samplePrefix(p: Prefix, rng: Prng): Uint8Array {
  if (p.len === p.bytes.length * 8) return p.bytes;
  return maskHost(p.bytes, p.len, () => rng.u32() & 0xff);
}

/** A random locally administered unicast MAC. */
export function randomMac(rng: Prng): Uint8Array {
  const b = rng.fill(new Uint8Array(6));
  b[0] = (b[0] & 0xfc) | 0x02;
  return b;
}
