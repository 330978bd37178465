// A counterexample from a Z3 model: the packet (hex), the ctx fields, and the map entries the
// programs looked at, in the fixture format of docs/FIXTURES.md, so `xdp2hw run --maps` replays it;
// and what each program answers under it (by the model, to compare with a replay): its action, or
// the tail call it leaves by (a prog array's slots are not in the fixture: such a difference replays
// only with a prog array naming programs that show it).

import { HEADROOM, isArrayMap } from './state.js';
import type { Env } from './state.js';
import type { Outcome } from './outcome.js';
import type { BV, Mem, Z3 } from './z3.js';
import type { Model } from 'z3-solver';

export interface Counterexample {
  /** the obligation that failed: 'action', 'packet bytes', 'map <name>', ... */
  readonly region: string;
  /** the packet, as lowercase hex */
  readonly packet: string;
  readonly ingressIfindex: number;
  readonly rxQueueIndex: number;
  /** a map fixture (docs/FIXTURES.md): the entries present at the start that the programs read */
  readonly maps: Record<string, { entries: { key: string; value: string }[] }>;
  /** the actions the model gives each program, and the tail call it leaves by when it does */
  readonly original: Answer;
  readonly compiled: Answer;
  /** with tail calls: the tail calls the run made before the program started (the model's) */
  readonly tailCallsAtStart?: number;
}

/** What one program does under the counterexample. */
export interface Answer {
  readonly action: number;
  /** it left by a tail call that switched: through which prog array, which index, after how many tail calls */
  readonly tailCall?: { readonly map: string; readonly index: number; readonly tailCalls: number };
}

const hex = (bytes: number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

function value(Z: Z3, model: Model<'main'>, e: BV): bigint {
  const v = model.eval(e, true);
  if (!Z.isBitVecVal(v)) throw new Error(`verify: the model gives no value for ${e.toString()}`);
  return v.value();
}

/** The little-endian bytes of a key (keys are concatenated most significant byte first). */
function keyBytes(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

function mapEntries(Z: Z3, env: Env, model: Model<'main'>): Counterexample['maps'] {
  const maps: Counterexample['maps'] = {};
  const seen = new Set<string>();
  for (const { map, key } of env.touched) {
    const def = env.maps[map];
    const k = value(Z, model, key);
    const id = `${map}:${k}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const kv = Z.BitVec.val(k, def.keySize * 8);
    const present = isArrayMap(def) ? k < BigInt(def.maxEntries) : value(Z, model, (env.present[map] as Mem).select(kv) as BV) === 1n;
    if (!present) continue;
    const bytes: number[] = [];
    for (let j = 0; j < def.valueSize; j++) bytes.push(Number(value(Z, model, env.values[map].select(Z.Concat(kv, Z.BitVec.val(BigInt(j), 16))) as BV)));
    (maps[def.name] ??= { entries: [] }).entries.push({ key: hex(keyBytes(k, def.keySize)), value: hex(bytes) });
  }
  return maps;
}

function answer(Z: Z3, env: Env, model: Model<'main'>, o: Outcome): Answer {
  const action = Number(value(Z, model, o.action));
  if (!o.tails || value(Z, model, o.tail) !== 1n) return { action };
  const t = value(Z, model, o.tailTarget);
  const word = (k: number): number => Number((t >> BigInt(32 * k)) & 0xffffffffn);
  return { action, tailCall: { map: env.maps[word(2)]?.name ?? `#${word(2)}`, index: word(1), tailCalls: word(0) } };
}

export function counterexample(Z: Z3, env: Env, model: Model<'main'>, region: string, a: Outcome, b: Outcome): Counterexample {
  const len = Number(value(Z, model, env.len));
  const packet: number[] = [];
  for (let j = 0; j < len; j++) packet.push(Number(value(Z, model, env.pkt.select(Z.BitVec.val(BigInt(HEADROOM + j), 64)) as BV)));
  return {
    region,
    packet: hex(packet),
    ingressIfindex: Number(value(Z, model, env.ingressIfindex)),
    rxQueueIndex: Number(value(Z, model, env.rxQueueIndex)),
    maps: mapEntries(Z, env, model),
    original: answer(Z, env, model, a),
    compiled: answer(Z, env, model, b),
    ...(a.tails || b.tails ? { tailCallsAtStart: Number(value(Z, model, env.tailCalls)) } : {}),
  };
}
