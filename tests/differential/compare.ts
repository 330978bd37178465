// Comparing one run on two engines: a run either returns a result or is refused (bad input), and
// two outcomes agree when both are refused, or on action, return code, output packet bytes and
// every map. Differences name the field and show both sides (for maps, the differing entries only).

import type { MapsSnapshot, RunResult } from '../../simulator/engine.js';
import { bytesToHex } from '../../simulator/maps/fixture.js';

export type Outcome = { kind: 'ran'; result: RunResult } | { kind: 'refused'; why: string };

export interface Difference {
  field: 'refused' | 'action' | 'code' | 'packet' | 'maps';
  kernel: string;
  interpreter: string;
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
export function mapDifferences(kernel: MapsSnapshot, interp: MapsSnapshot): { kernel: string[]; interpreter: string[] } {
  const out = { kernel: [] as string[], interpreter: [] as string[] };
  const names = [...new Set([...Object.keys(kernel), ...Object.keys(interp)])].sort();
  for (const name of names) {
    const k = kernel[name];
    const i = interp[name];
    if (!k || !i) {
      out.kernel.push(k ? `${name}: ${k.length} entries` : `${name}: no such map`);
      out.interpreter.push(i ? `${name}: ${i.length} entries` : `${name}: no such map`);
      continue;
    }
    const km = new Map(k.map((e) => [e.key, e.value]));
    const im = new Map(i.map((e) => [e.key, e.value]));
    for (const key of [...new Set([...km.keys(), ...im.keys()])].sort()) {
      const kv = km.get(key);
      const iv = im.get(key);
      if (kv === iv) continue;
      out.kernel.push(`${name}[${key}] = ${kv ?? 'absent'}`);
      out.interpreter.push(`${name}[${key}] = ${iv ?? 'absent'}`);
    }
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every field in which the interpreter's outcome differs from the kernel's (empty: they agree). */
export function compareOutcomes(kernel: Outcome, interp: Outcome): Difference[] {
  if (kernel.kind === 'refused' && interp.kind === 'refused') return [];
  if (kernel.kind !== interp.kind) return [{ field: 'refused', kernel: outcomeText(kernel), interpreter: outcomeText(interp) }];
  const k = (kernel as { result: RunResult }).result;
  const i = (interp as { result: RunResult }).result;
  const out: Difference[] = [];
  if (k.action !== i.action) out.push({ field: 'action', kernel: outcomeText(kernel), interpreter: outcomeText(interp) });
  if (k.code !== i.code) out.push({ field: 'code', kernel: String(k.code), interpreter: String(i.code) });
  if (!sameBytes(k.packet, i.packet)) {
    const [kt, it] = packetTexts(k.packet, i.packet);
    out.push({ field: 'packet', kernel: kt, interpreter: it });
  }
  const maps = compareMaps(k.maps, i.maps);
  if (maps) out.push(maps);
  return out;
}

/** The maps difference of two snapshots (the first MAX_ENTRIES entries), or undefined. */
export function compareMaps(kernel: MapsSnapshot, interp: MapsSnapshot): Difference | undefined {
  const md = mapDifferences(kernel, interp);
  if (md.kernel.length === 0) return undefined;
  const more = md.kernel.length > MAX_ENTRIES ? ` (+${md.kernel.length - MAX_ENTRIES} more)` : '';
  return { field: 'maps', kernel: md.kernel.slice(0, MAX_ENTRIES).join('; ') + more, interpreter: md.interpreter.slice(0, MAX_ENTRIES).join('; ') + more };
}
