// Fuzz harness: map fixtures (docs/FIXTURES.md). The programs' maps.json, mutated as JSON (values
// replaced by odd types and sizes, fields dropped, entries added for the object's maps with right
// and wrong key/value/prefix sizes, entries repeated past max_entries, fib routes), then parsed,
// applied to the object's maps by the interpreter and one packet run, as `xdp2hw run --maps` does.

import fc from 'fast-check';
import { UserError } from '../../cli/errors.js';
import { loadBytes } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/index.js';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { RUN_BUDGET } from './harness.js';
import type { FuzzInput, Harness } from './harness.js';
import { pick } from './mutate.js';
import { judge } from './oracle.js';
import { fixtureSeeds } from './seeds.js';

export const FIXTURE_NAME = 'fuzz.json';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const ODD: Json[] = [
  null, true, 0, -1, 1.5, 129, 1e308, -0, 4294967296, '', '0x', 'zz', '0', '00', '0x00', ' 0 0 ', 'ABCDEF', '0'.repeat(4097),
  [], {}, [[]], { entries: null }, { entries: {} }, { entries: [null] }, '10.0.0.1', '::', '10.0.0.0/33', 'fe80::1/129', '1.2.3',
];

/** [path (dot-separated), replacement] and the other edits, applied to a deep copy. */
type FixtureMutation =
  | readonly ['set', number, Json]
  | readonly ['drop', number]
  | readonly ['entry', number, number, number, number]
  | readonly ['repeat', number, number]
  | readonly ['route', Json, Json, Json];

const oddValue: fc.Arbitrary<Json> = fc.oneof(fc.constantFrom(...ODD), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);

const mutation: fc.Arbitrary<FixtureMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('set' as const), fc.nat(), oddValue) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('drop' as const), fc.nat()) },
  { weight: 4, arbitrary: fc.tuple(fc.constant('entry' as const), fc.nat(), fc.nat({ max: 5 }), fc.nat({ max: 5 }), fc.nat({ max: 3 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('repeat' as const), fc.nat(), fc.integer({ min: 1, max: 3000 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('route' as const), oddValue, oddValue, oddValue) },
);

/** Every path in the JSON tree: [] is the root. */
function paths(j: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(j)) j.forEach((x, i) => paths(x, [...at, i], out));
  else if (j && typeof j === 'object') for (const [k, v] of Object.entries(j)) paths(v, [...at, k], out);
  return out;
}

function container(root: Json, path: (string | number)[]): Record<string | number, Json> | undefined {
  let c: Json = root;
  for (const k of path.slice(0, -1)) c = c && typeof c === 'object' ? (c as Record<string | number, Json>)[k] : null;
  return c && typeof c === 'object' ? (c as Record<string | number, Json>) : undefined;
}

/** A hex string of a size near `n` bytes: exact, one less, one more, none, double, odd digits. */
function hexOf(n: number, strategy: number): string {
  const len = [n, n - 1, n + 1, 0, 2 * n, n][strategy] ?? n;
  const h = '5a'.repeat(Math.max(0, Math.min(len, 4096)));
  return strategy === 5 ? `${h}0` : h;
}

function addEntry(root: { maps?: Json }, obj: LoadedObject, m: readonly ['entry', number, number, number, number]): void {
  const def = obj.maps.length ? obj.maps[m[1] % obj.maps.length] : undefined;
  const name = def?.name ?? `nomap${m[1] % 3}`;
  const maps = (root.maps && typeof root.maps === 'object' && !Array.isArray(root.maps) ? root.maps : (root.maps = {})) as Record<string, Json>;
  const slot = (maps[name] && typeof maps[name] === 'object' ? maps[name] : (maps[name] = { entries: [] })) as { entries?: Json };
  if (!Array.isArray(slot.entries)) slot.entries = [];
  const [key, value] = [def?.keySize ?? 4, def?.valueSize ?? 4];
  const entry: Record<string, Json> = [
    { key: hexOf(key, m[2]), value: hexOf(value, m[3]) },
    { prefix: hexOf(Math.max(0, key - 4), m[2]), prefixLen: [0, 8, 32, 128, 129, -1][m[3]], value: hexOf(value, 0) },
    { key: hexOf(key, m[2]), program: obj.programs[m[3] % Math.max(1, obj.programs.length)]?.name ?? 'none' },
    { key: hexOf(key, m[2]) },
  ][m[4]];
  slot.entries.push(entry);
}

const clone = (j: Json): Json => (j === undefined ? null : (JSON.parse(JSON.stringify(j)) as Json));

function apply(seed: Json, obj: LoadedObject, muts: readonly FixtureMutation[]): Json {
  let root = clone(seed);
  for (const m of muts) {
    const all = paths(root);
    if (m[0] === 'set' || m[0] === 'drop') {
      const path = all[m[1] % all.length];
      if (path.length === 0) {
        if (m[0] === 'set') root = clone(m[2]);
        continue;
      }
      const c = container(root, path);
      const k = path[path.length - 1];
      if (!c) continue;
      if (m[0] === 'set') c[k] = clone(m[2]);
      else if (Array.isArray(c)) c.splice(Number(k), 1);
      else delete c[k];
    } else if (root && typeof root === 'object' && !Array.isArray(root)) {
      if (m[0] === 'entry') addEntry(root, obj, m);
      else if (m[0] === 'route') (Array.isArray(root.fib) ? root.fib : (root.fib = [])).push(clone({ dst: m[1], ifindex: m[2], smac: m[3], dmac: '020000000002' }));
      else {
        const lists = all.filter((p) => p[p.length - 1] === 'entries');
        const list = lists.length ? container(root, [...lists[m[1] % lists.length], 0]) : undefined;
        // deep copies: shared children would make the tree, and every later walk of it, grow without bound
        const first = list && Array.isArray(list) && list.length ? clone(list[0]) : undefined;
        if (Array.isArray(list) && first && typeof first === 'object' && !Array.isArray(first))
          for (let i = 0; i < m[2]; i++) list.push({ ...(clone(first) as object), key: (i + 0x1000).toString(16).padStart(8, '0') });
      }
    }
  }
  return root;
}

export interface FixtureInput {
  readonly object: LoadedObject;
  readonly fixture: unknown;
}

/** What `xdp2hw run --maps` does with a fixture: parse it, fill the maps, run one packet. */
function exercise(input: FixtureInput): void {
  const fixture = parseFixture(input.fixture, FIXTURE_NAME);
  const program = input.object.programs[0]?.name;
  if (program === undefined) return;
  try {
    new InterpreterSession(input.object, program, fixture, { budget: RUN_BUDGET }).runSync({ packet: new Uint8Array(64) });
  } catch (e) {
    throw e instanceof RunInputError ? new UserError(e.message) : e;
  }
}

export const fixtureHarness: Harness<FixtureInput> = {
  format: 'fixture',
  async inputs() {
    const seeds = fixtureSeeds().map((s) => ({ ...s, loaded: loadBytes(s.object, s.name.replace('/maps.json', '.o')) }));
    return fc.tuple(pick(seeds), fc.array(mutation, { minLength: 1, maxLength: 5 })).map(([s, muts]): FuzzInput<FixtureInput> => ({
      label: `${s.name} ${JSON.stringify(muts).slice(0, 300)}`,
      value: { object: s.loaded, fixture: apply(s.fixture as Json, s.loaded, muts) },
    }));
  },
  check: (input) => judge(() => exercise(input), FIXTURE_NAME),
};
