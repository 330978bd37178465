// Map helpers: lookup (a pointer into the value, or NULL), update (flags and errors as the kernel),
// delete, tail_call through a prog array, and redirect_map through devmap/devmap_hash/cpumap/xskmap.
// Uses the verifier's rules on which map types a program may touch, as traps.

import { ArrayMap, ProgArray } from '../maps/array.js';
import { SPARSE_CAP_BYTES } from '../maps/sparse.js';
import { OpaqueMap } from '../maps/factory.js';
import type { Machine } from '../machine/index.js';
import type { BpfMap } from '../maps/types.js';
import { flagsArg, mapArg, memArg, ret, u32Arg } from './args.js';
import type { XdpHelper } from './env.js';

const XDP_ABORTED = 0;
const XDP_REDIRECT = 4;
/** the low bits of redirect_map flags: the action when the key is missing */
const ACTION_MASK = 3;
const BPF_F_BROADCAST = 1 << 3;
const BPF_F_EXCLUDE_INGRESS = 1 << 4;

/** Whether a program may call `what` on this map; traps if not. */
function allowed(m: Machine, map: BpfMap, what: 'lookup' | 'update', helper: string, pc: number): boolean {
  if (map instanceof OpaqueMap) {
    m.fail('bad-call', `${helper} on map ${map.def.name}: ${map.def.type} maps are not modelled by this interpreter`, pc);
    return false;
  }
  if (map.access[what]) return true;
  m.fail('bad-call', `${helper} on map ${map.def.name}: the kernel's verifier does not allow it on a ${map.def.type}${map.def.type === 'array' ? ' that is read-only for programs' : ''}`, pc);
  return false;
}

export const mapLookup: XdpHelper = (m, h, pc) => {
  const a = mapArg(m, h, 1, 'bpf_map_lookup_elem', pc);
  if (!a || !allowed(m, a.map, 'lookup', 'bpf_map_lookup_elem', pc)) return;
  const key = memArg(m, 2, a.map.def.keySize, false, 'bpf_map_lookup_elem', pc);
  if (!key) return;
  const v = a.map.lookup(key);
  if (!v && a.map instanceof ArrayMap && a.map.capReached) return capTrap(m, a.map, 'bpf_map_lookup_elem', pc);
  if (!v) return ret(m, 0);
  m.setPtr(0, h.valueRegion(a.index, v), 0);
};

export const mapUpdate: XdpHelper = (m, h, pc) => {
  const a = mapArg(m, h, 1, 'bpf_map_update_elem', pc);
  if (!a || !allowed(m, a.map, 'update', 'bpf_map_update_elem', pc)) return;
  const key = memArg(m, 2, a.map.def.keySize, false, 'bpf_map_update_elem', pc);
  const value = key && memArg(m, 3, a.map.def.valueSize, false, 'bpf_map_update_elem', pc);
  if (!key || !value) return;
  h.maps.dirty[a.index] = 1;
  const r = a.map.update(key, value, flagsArg(m, 4));
  if (a.map instanceof ArrayMap && a.map.capReached) return capTrap(m, a.map, 'bpf_map_update_elem', pc);
  ret(m, r);
};

/** A large array's new value would pass the interpreter's memory cap (the kernel has the memory). */
function capTrap(m: Machine, map: ArrayMap, helper: string, pc: number): void {
  m.fail('out-of-memory', `${helper} on map ${map.def.name}: the values of large arrays have reached the interpreter's cap of ${SPARSE_CAP_BYTES} bytes`, pc);
}

export const mapDelete: XdpHelper = (m, h, pc) => {
  const a = mapArg(m, h, 1, 'bpf_map_delete_elem', pc);
  if (!a || !allowed(m, a.map, 'update', 'bpf_map_delete_elem', pc)) return;
  const key = memArg(m, 2, a.map.def.keySize, false, 'bpf_map_delete_elem', pc);
  if (!key) return;
  h.maps.dirty[a.index] = 1;
  ret(m, a.map.delete(key));
};

/** bpf_tail_call: on success the run continues in the target program; on failure after the call. */
export const tailCall: XdpHelper = (m, h, pc) => {
  const a = mapArg(m, h, 2, 'bpf_tail_call', pc);
  if (!a) return;
  if (!(a.map instanceof ProgArray)) {
    m.fail('bad-call', `bpf_tail_call through map ${a.map.def.name}, a ${a.map.def.type}, not a prog_array`, pc);
    return;
  }
  const target = a.map.program(u32Arg(m, 3));
  if (target === undefined || m.tailCalls >= m.tailCallLimit) return;
  const to = h.programs[target];
  if (!to) {
    m.fail('bad-call', `bpf_tail_call into program ${target} of the object, which this engine has not loaded`, pc);
    return;
  }
  m.tailCalls++;
  m.switchTo(to);
};

const REDIRECT_MAP_TYPES = new Set(['devmap', 'devmap_hash', 'cpumap', 'xskmap']);

export const redirectMap: XdpHelper = (m, h, pc) => {
  const a = mapArg(m, h, 1, 'bpf_redirect_map', pc);
  if (!a) return;
  const { map } = a;
  if (!REDIRECT_MAP_TYPES.has(map.def.type)) {
    m.fail('bad-call', `bpf_redirect_map on map ${map.def.name}, a ${map.def.type}: the verifier allows devmap, devmap_hash, cpumap and xskmap`, pc);
    return;
  }
  const key = u32Arg(m, 2);
  const flags = flagsArg(m, 3);
  const devmap = map.def.type === 'devmap' || map.def.type === 'devmap_hash';
  const flagMask = devmap ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0;
  if (flags < 0 || (flags & ~(ACTION_MASK | flagMask)) !== 0) return ret(m, XDP_ABORTED);
  const found = map.lookup(keyBytes(key));
  if (!found && !(flags & BPF_F_BROADCAST)) {
    h.redirect = undefined;
    return ret(m, flags & ACTION_MASK);
  }
  h.redirect = { map: map.def.name, key };
  ret(m, XDP_REDIRECT);
};

function keyBytes(k: number): Uint8Array {
  return Uint8Array.of(k & 0xff, (k >>> 8) & 0xff, (k >>> 16) & 0xff, (k >>> 24) & 0xff);
}
