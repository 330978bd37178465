// Fuzz harness: traffic specs (docs/TRAFFIC.md). The programs' traffic.json and the generic mix,
// mutated as JSON: fields set to values at and past their limits (ranges, prefixes, MACs, sizes,
// counts, lists), dropped, or borrowed from other specs; then compiled and the first packets
// generated, as `xdp2hw traffic` does.

import fc from 'fast-check';
import { compileSpec, generateTraffic } from '../../simulator/traffic/index.js';
import type { TrafficSpec } from '../../simulator/traffic/index.js';
import type { FuzzInput, Harness } from './harness.js';
import { pick } from './mutate.js';
import { judge } from './oracle.js';
import { trafficSpecSeeds } from './seeds.js';

export const SPEC_NAME = 'fuzz-spec.json';
/** Packets generated per input: enough to reach every entry's fixed slot in the seeds. */
export const SPEC_PACKETS = 48;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const ODD: Json[] = [
  null, true, false, 0, -1, 1, 0.5, 1e9, 1e10, 4294967295, 4294967296, 1048576, 1048577, 262145, 1e308, -1e308, '', '0', '-', '1-0',
  '0-0', '5-5', '1-99999999999', '0x', '0xzz', '0x88cc', '60-1518', '14-14', '1-65535', '0-4096', '65535-65536', '10.0.0.0/33', '10.0.0.0/0',
  '::/129', '::/0', '2001:db8::/64', '1.2.3', '256.0.0.1', 'fe80::1::2', 'random', '02:00:00:00:00:01', '02:00:00:00:00', 'zz:zz',
  'S', 'SAFRPUEC', 'X', 'tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'vxlan', 'ipip', 'udp', 'hop', 'frag', 'routing', 'dest', 'first',
  'middle', 'last', 'truncated', 'bad-ihl', 'truncated-ext', 'request', 'reply', 'ff', 'f', 'ffffffffffff', [], [[]], [0], [4, 6],
  [100, 200, 300], [{ vid: 5000 }], {}, { vid: 1, pcp: 8 }, { type: 'vxlan' }, { proto: 'tcp', options: true }, '💥',
];

type SpecMutation =
  | readonly ['set', number, Json]
  | readonly ['drop', number]
  | readonly ['borrow', number, number, number]
  | readonly ['copy-entry', number, number];

const oddValue: fc.Arbitrary<Json> = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ODD) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> });

const mutation: fc.Arbitrary<SpecMutation> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constant('set' as const), fc.nat(), oddValue) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('drop' as const), fc.nat()) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('borrow' as const), fc.nat(), fc.nat(), fc.nat()) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('copy-entry' as const), fc.nat(), fc.nat()) },
);

const clone = (j: Json): Json => JSON.parse(JSON.stringify(j ?? null)) as Json;

function paths(j: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(j)) j.forEach((x, i) => paths(x, [...at, i], out));
  else if (j && typeof j === 'object') for (const [k, v] of Object.entries(j)) paths(v, [...at, k], out);
  return out;
}

function get(root: Json, path: Path): Json {
  let c: Json = root;
  for (const k of path) c = c && typeof c === 'object' ? ((c as Record<string | number, Json>)[k] ?? null) : null;
  return c;
}

function set(root: Json, path: Path, v: Json | undefined): Json {
  if (path.length === 0) return v === undefined ? {} : v;
  const parent = get(root, path.slice(0, -1));
  const k = path[path.length - 1];
  if (!parent || typeof parent !== 'object') return root;
  if (v !== undefined) (parent as Record<string | number, Json>)[k] = v;
  else if (Array.isArray(parent)) parent.splice(Number(k), 1);
  else delete (parent as Record<string, Json>)[k as string];
  return root;
}

function apply(seed: Json, others: readonly Json[], muts: readonly SpecMutation[]): Json {
  let root = clone(seed);
  for (const m of muts) {
    const all = paths(root);
    if (m[0] === 'set') root = set(root, all[m[1] % all.length], clone(m[2]));
    else if (m[0] === 'drop') root = set(root, all[m[1] % all.length], undefined);
    else if (m[0] === 'borrow') {
      // a field of another spec, at the same key path when this spec has one, else anywhere
      const other = others[m[1] % others.length];
      const from = paths(other);
      const src = from[m[2] % from.length];
      const here = all.find((p) => p.join('.') === src.join('.')) ?? all[m[3] % all.length];
      root = set(root, here, clone(get(other, src)));
    } else {
      const mix = get(root, ['mix']);
      const from = get(others[m[1] % others.length], ['mix']);
      if (Array.isArray(mix) && Array.isArray(from) && from.length) mix.push(clone(from[m[2] % from.length]));
    }
  }
  return root;
}

/** What `xdp2hw traffic --spec` does: check and compile the spec, generate packets. */
function exercise(spec: unknown): void {
  const c = compileSpec(spec as TrafficSpec, SPEC_NAME);
  let n = 0;
  for (const p of generateTraffic(c, { packets: Math.min(c.packets, SPEC_PACKETS) })) n += p.data.length;
  void n;
}

export const trafficSpecHarness: Harness<unknown> = {
  format: 'traffic-spec',
  async inputs() {
    const seeds = trafficSpecSeeds();
    const others = seeds.map((s) => s.value as unknown as Json);
    return fc.tuple(pick(seeds), fc.array(mutation, { minLength: 1, maxLength: 5 })).map(([s, muts]): FuzzInput<unknown> => ({
      label: `${s.name} ${JSON.stringify(muts).slice(0, 400)}`,
      value: apply(s.value as unknown as Json, others, muts),
    }));
  },
  check: (spec) => judge(() => exercise(spec), SPEC_NAME),
};
