// Traffic specs (docs/TRAFFIC.md): loading the JSON, checking the top level and the entries of
// `mix`, merging `defaults`, and compiling each entry into templates, a Zipf law over its flows,
// and its kind (template, reply, malformed, raw). Generation is generate.ts's job.

import { readFileSync } from 'node:fs';
import { adaptTemplate, expandTruncated, MALFORMED_KINDS } from './malformed.js';
import type { MalformedKind } from './malformed.js';
import { object } from './fields.js';
import { compileTemplate, TEMPLATE_KEYS } from './template.js';
import type { Template } from './template.js';
import { at, fail, hexValue, keywordValue, TrafficSpecError } from './values.js';
import type { Sampler, Where } from './values.js';
import { Zipf } from './zipf.js';
import { readProblem } from '../io/files.js';
import { parseJson } from '../io/json.js';

/** A mix entry as written in JSON; see docs/TRAFFIC.md for every field. */
export interface MixEntry {
  name?: string;
  weight?: number;
  count?: number;
  flows?: number;
  zipf?: number;
  size?: unknown;
  eth?: Record<string, unknown>;
  ip?: Record<string, unknown>;
  l4?: Record<string, unknown>;
  arp?: Record<string, unknown>;
  encap?: Record<string, unknown>;
  reply?: string;
  malformed?: MalformedKind | MalformedKind[];
  raw?: string | string[];
  comment?: string;
}

export interface TrafficSpec {
  seed?: number;
  packets?: number;
  start?: number;
  pps?: number;
  snaplen?: number;
  defaults?: MixEntry;
  mix: MixEntry[];
  comment?: string;
  description?: string;
}

export interface CompiledEntry {
  label: string;
  kind: 'template' | 'reply' | 'malformed' | 'raw';
  weight: number;
  /** an exact number of packets, or undefined for weighted entries */
  count: number | undefined;
  flows: number;
  zipf: Zipf;
  /** one template; for malformed entries one per kind, with the kind */
  variants: { tpl: Template; kind: MalformedKind | undefined }[];
  raw: Sampler<Uint8Array> | undefined;
  /** index of the entry a reply answers */
  replyOf: number | undefined;
}

export interface CompiledSpec {
  file: string;
  seed: number;
  packets: number;
  start: number;
  pps: number;
  snaplen: number;
  entries: CompiledEntry[];
}

const TOP_KEYS = ['seed', 'packets', 'start', 'pps', 'snaplen', 'defaults', 'mix', 'description'] as const;
const ENTRY_KEYS = ['name', 'weight', 'count', 'flows', 'zipf', 'reply', 'malformed', 'raw', ...TEMPLATE_KEYS] as const;
const U32 = 0xffffffff;
export const MAX_PACKETS = 1e9;
export const MAX_FLOWS = 1 << 20;

type Obj = Record<string, unknown>;

function isPlain(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged onto `base`: objects recursively; lists and scalars replace. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(base[k]) ? deepMerge(base[k] as Obj, v) : v;
  }
  return out;
}

function num(v: unknown, w: Where, dflt: number, min: number, max: number, integer = true): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) fail(w, `expected ${integer ? 'an integer' : 'a number'}, not ${JSON.stringify(v)}`);
  if (v < min || v > max) fail(w, `${v} is outside ${min}..${max}`);
  return v;
}

/** Reads and checks a spec file; throws TrafficSpecError. */
export function loadTrafficSpec(path: string): TrafficSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TrafficSpecError(path, '', readProblem(e));
  }
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (e) {
    throw new TrafficSpecError(path, '', `not JSON: ${(e as Error).message}`);
  }
  compileSpec(json as TrafficSpec, path);
  return json as TrafficSpec;
}

/** Checks and compiles a spec; `file` names it in errors. Throws TrafficSpecError. */
export function compileSpec(spec: TrafficSpec, file = '<spec>'): CompiledSpec {
  const w: Where = { file, path: '' };
  const top = object(spec, w, TOP_KEYS);
  if (!Array.isArray(top.mix) || top.mix.length === 0) fail(at(w, 'mix'), 'expected a non-empty list of entries');
  const defaults = object(top.defaults, at(w, 'defaults'), [...TEMPLATE_KEYS, 'flows', 'zipf']);
  const raw = (top.mix as unknown[]).map((e, i) => object(e, at(at(w, 'mix'), i), ENTRY_KEYS));
  const names = new Map<string, number>();
  raw.forEach((e, i) => {
    if (e.name === undefined) return;
    const wn = at(at(at(w, 'mix'), i), 'name');
    if (typeof e.name !== 'string' || e.name === '') fail(wn, 'expected a non-empty string');
    if (names.has(e.name)) fail(wn, `"${e.name}" is also the name of mix[${names.get(e.name)}]`);
    names.set(e.name, i);
  });
  const entries = raw.map((e, i) => compileEntry(e, i, raw, names, defaults, at(at(w, 'mix'), i)));
  const out: CompiledSpec = {
    file,
    seed: num(top.seed, at(w, 'seed'), 1, 0, U32),
    packets: num(top.packets, at(w, 'packets'), 1000, 0, MAX_PACKETS),
    start: num(top.start, at(w, 'start'), 1700000000, 0, U32),
    pps: num(top.pps, at(w, 'pps'), 1e6, 1e-3, 1e9, false),
    snaplen: num(top.snaplen, at(w, 'snaplen'), 65535, 1, 262144),
    entries,
  };
  const fixed = entries.reduce((s, e) => s + (e.count ?? 0), 0);
  if (fixed > out.packets) fail(at(w, 'packets'), `${out.packets} packets cannot hold the ${fixed} that entries' counts ask for`);
  if (fixed < out.packets && !entries.some((e) => e.weight > 0)) fail(at(w, 'packets'), `${out.packets} packets, but counts give ${fixed} and no entry has a weight`);
  return out;
}

/** The template fields of an entry (without the mix-only fields). */
function templateFields(e: Obj): Obj {
  const t: Obj = {};
  for (const k of TEMPLATE_KEYS) if (e[k] !== undefined) t[k] = e[k];
  return t;
}

function compileEntry(e: Obj, i: number, all: Obj[], names: Map<string, number>, defaults: Obj, w: Where): CompiledEntry {
  const label = typeof e.name === 'string' ? e.name : `mix[${i}]`;
  const kinds = (['reply', 'malformed', 'raw'] as const).filter((k) => e[k] !== undefined);
  if (kinds.length > 1) fail(w, `an entry is one of reply, malformed or raw, not ${kinds.join(' and ')}`);
  if (e.weight !== undefined && e.count !== undefined) fail(at(w, 'count'), 'give weight or count, not both');
  const count = e.count === undefined ? undefined : num(e.count, at(w, 'count'), 0, 0, MAX_PACKETS);
  const weight = count !== undefined ? 0 : num(e.weight, at(w, 'weight'), 1, 0, 1e9, false);
  const flows = flowCount(e, defaults, w);
  const zipf = new Zipf(flows, zipfExponent(e, defaults, w));
  const base: Omit<CompiledEntry, 'kind' | 'variants'> = { label, weight, count, flows, zipf, raw: undefined, replyOf: undefined };
  const t = deepMerge(defaults, templateFields(e));
  if (e.raw !== undefined) {
    const extra = TEMPLATE_KEYS.find((k) => e[k] !== undefined);
    if (extra) fail(at(w, extra), 'a raw entry takes its bytes from "raw" only');
    return { ...base, kind: 'raw', variants: [], raw: hexValue(e.raw, at(w, 'raw')) };
  }
  if (e.reply !== undefined) {
    const target = typeof e.reply === 'string' ? names.get(e.reply) : undefined;
    if (target === undefined) fail(at(w, 'reply'), `names no entry: ${JSON.stringify(e.reply)}`);
    const te = all[target];
    if (te.reply !== undefined || te.malformed !== undefined || te.raw !== undefined) fail(at(w, 'reply'), `"${e.reply}" is not a packet template entry`);
    const merged = deepMerge(deepMerge(defaults, templateFields(te)), templateFields(e));
    // the flows are the target's: its count and Zipf law
    const tflows = flowCount(te, defaults, w);
    const tzipf = new Zipf(tflows, zipfExponent(te, defaults, w));
    return { ...base, kind: 'reply', replyOf: target, flows: tflows, zipf: tzipf, variants: [{ tpl: compileTemplate(merged, w), kind: undefined }] };
  }
  const tpl = compileTemplate(t, w);
  if (e.malformed === undefined) return { ...base, kind: 'template', variants: [{ tpl, kind: undefined }] };
  const listed = keywordsOf(e.malformed, at(w, 'malformed'));
  const expanded = listed.flatMap((k) => (k === 'truncated' ? expandTruncated(tpl.kind, t) : [k]));
  const variants = [...new Set(expanded)].map((k) => ({ tpl: compileTemplate(adaptTemplate(k, tpl.kind, t, w), w), kind: k }));
  return { ...base, kind: 'malformed', variants };
}

function flowCount(e: Obj, defaults: Obj, w: Where): number {
  return e.flows !== undefined ? num(e.flows, at(w, 'flows'), 32, 1, MAX_FLOWS) : num(defaults.flows, { file: w.file, path: 'defaults.flows' }, 32, 1, MAX_FLOWS);
}

function zipfExponent(e: Obj, defaults: Obj, w: Where): number {
  return e.zipf !== undefined ? num(e.zipf, at(w, 'zipf'), 1, 0, 10, false) : num(defaults.zipf, { file: w.file, path: 'defaults.zipf' }, 1, 0, 10, false);
}

function keywordsOf(v: unknown, w: Where): MalformedKind[] {
  keywordValue<MalformedKind>(v, w, MALFORMED_KINDS);
  return (Array.isArray(v) ? v : [v]) as MalformedKind[];
}
