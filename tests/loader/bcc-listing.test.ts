// Listings as BCC writes them (issue 10 item 6): map loads by fd (`ld_pseudo r1, 1, <fd>`,
// BPF_PSEUDO_MAP_FD with the fd as the immediate) and no relocation load as unnamed maps, one per
// fd, as other unrelocated map loads do; the program then runs against them.
import { describe, expect, it } from 'vitest';
import { loadBytes } from '../../compiler/loader/index.js';
import { LoadError } from '../../compiler/loader/types.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';

/** r1 = map (fd -1); r2 = r10 - 4 with key 0; lookup; r1 = the same map again; another fd; return 2. */
const LISTING = `
bcc.o:\tfile format elf64-bpf

Disassembly of section xdp:

0000000000000000 <xdp_prog>:
       0:\t62 0a fc ff 00 00 00 00\t*(u32 *)(r10 - 4) = 0
       1:\t18 11 00 00 ff ff ff ff 00 00 00 00 00 00 00 00\tld_pseudo\tr1, 1, 4294967295
       3:\tbf a2 00 00 00 00 00 00\tr2 = r10
       4:\t07 02 00 00 fc ff ff ff\tr2 += -4
       5:\t85 00 00 00 01 00 00 00\tcall 1
       6:\t18 11 00 00 ff ff ff ff 00 00 00 00 00 00 00 00\tld_pseudo\tr1, 1, 4294967295
       8:\t18 11 00 00 05 00 00 00 00 00 00 00 00 00 00 00\tld_pseudo\tr1, 1, 5
      10:\tb7 00 00 00 02 00 00 00\tr0 = 2
      11:\t95 00 00 00 00 00 00 00\texit
`;

describe('BCC listings: ld_pseudo map loads by fd', () => {
  it('load as unnamed maps, one per fd', () => {
    const obj = loadBytes(new TextEncoder().encode(LISTING), 'bcc.txt');
    expect(obj.maps.map((m) => [m.name, m.type])).toEqual([['xdp:1', 'unspec'], ['xdp:8', 'unspec']]);
    const refs = [...obj.programs[0].mapRefs.entries()].map(([i, r]) => [obj.programs[0].code.pcs[i], r.map]);
    expect(refs).toEqual([[1, 0], [6, 0], [8, 1]]);
  });

  it('run (a map of unknown type refuses the lookup as the interpreter does for unmodelled maps)', () => {
    const obj = loadBytes(new TextEncoder().encode(LISTING), 'bcc.txt');
    const r = new InterpreterSession(obj, 'xdp_prog', undefined).runSync({ packet: new Uint8Array(60) });
    expect(r.trap?.kind).toBe('bad-call');
    expect(r.trap?.message).toMatch(/map xdp:1: unspec maps are not modelled/);
  });

  it('without its bytes, an ld_pseudo line is refused with one clear line', () => {
    expect(() => loadBytes(new TextEncoder().encode('Disassembly of section xdp:\n       0:\tld_pseudo\tr1, 1, 3\n'), 'b.txt')).toThrow(LoadError);
  });
});
