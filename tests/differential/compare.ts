// Comparing one run on two engines (a reference, the first of the list, and another): a run either
// returns a result or is refused (bad input), and two outcomes agree when both are refused, or on
// action, return code, output packet bytes and every map. Differences name the field and show
// both sides (for maps, the differing entries only).

import type { MapsSnapshot, RunResult } from '../../simulator/engine.js';
import { bytesToHex } from '../../simulator/maps/fixture.js';

export type Outcome = { kind: 'ran'; result: RunResult } | { kind: 'refused'; why: string };

export interface Difference {
  field: 'refused' | 'action' | 'code' | 'packet' | 'maps';
  /** the reference engine's side */
  reference: string;
  /** the other engine's side */
  other: string;
}

/** At most this many differing map entries are listed per comparison. */
const MAX_ENTRIES = 12;
/** Packets longer than this are shown around their first difference. */
const SHOWN_BYTES = 64;

function outcomeText(o: Outcome): string {
  if (o.kind === 'refused') return `refused (${o.why})`;
  const trap = o.result.trap ? `, trap ${o.result.trap.kind} at ${o.result.trap.pc}: ${o.result.trap.message}` : '';
  return `ran: ${o.result.action}${trap}`;
}

/** Both packets as hex: whole when short, else from a little before the first differing byte. */
function packetTexts(a: Uint8Array, b: Uint8Array): [string, string] {
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  const from = Math.max(0, first - 8);
  const show = (p: Uint8Array) => {
    if (p.length <= SHOWN_BYTES) return `${p.length} bytes ${bytesToHex(p)}`;
    return `${p.length} bytes, from byte ${from}: ${bytesToHex(p.subarray(from, from + SHOWN_BYTES))}`;
  };
  return [show(a), show(b)];
}

/** The entries that differ between two snapshots, as `map[key]: value` on each side. */
export function mapDifferences(ref: MapsSnapshot, other: MapsSnapshot): { reference: string[]; other: string[] } {
  const out = { reference: [] as string[], other: [] as string[] };
  const names = [...new Set([...Object.keys(ref), ...Object.keys(other)])].sort();
  for (const name of names) {
    const k = ref[name];
    const i = other[name];
    if (!k || !i) {
      out.reference.push(k ? `${name}: ${k.length} entries` : `${name}: no such map`);
      out.other.push(i ? `${name}: ${i.length} entries` : `${name}: no such map`);
      continue;
    }
    const km = new Map(k.map((e) => [e.key, e.value]));
    const im = new Map(i.map((e) => [e.key, e.value]));
    for (const key of [...new Set([...km.keys(), ...im.keys()])].sort()) {
      const kv = km.get(key);
      const iv = im.get(key);
      if (kv === iv) continue;
      out.reference.push(`${name}[${key}] = ${kv ?? 'absent'}`);
      out.other.push(`${name}[${key}] = ${iv ?? 'absent'}`);
    }
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every field in which another engine's outcome differs from the reference's (empty: they agree). */
export function compareOutcomes(ref: Outcome, other: Outcome): Difference[] {
  if (ref.kind === 'refused' && other.kind === 'refused') return [];
  if (ref.kind !== other.kind) return [{ field: 'refused', reference: outcomeText(ref), other: outcomeText(other) }];
  const k = (ref as { result: RunResult }).result;
  const i = (other as { result: RunResult }).result;
  const out: Difference[] = [];
  if (k.action !== i.action) out.push({ field: 'action', reference: outcomeText(ref), other: outcomeText(other) });
  if (k.code !== i.code) out.push({ field: 'code', reference: String(k.code), other: String(i.code) });
  if (!sameBytes(k.packet, i.packet)) {
    const [kt, it] = packetTexts(k.packet, i.packet);
    out.push({ field: 'packet', reference: kt, other: it });
  }
  const maps = compareMaps(k.maps, i.maps);
  if (maps) out.push(maps);
  return out;
}

/** The maps difference of two snapshots (the first MAX_ENTRIES entries), or undefined. */
export function compareMaps(ref: MapsSnapshot, other: MapsSnapshot): Difference | undefined {
  const md = mapDifferences(ref, other);
  if (md.reference.length === 0) return undefined;
  const more = md.reference.length > MAX_ENTRIES ? ` (+${md.reference.length - MAX_ENTRIES} more)` : '';
  return { field: 'maps', reference: md.reference.slice(0, MAX_ENTRIES).join('; ') + more, other: md.other.slice(0, MAX_ENTRIES).join('; ') + more };
}
