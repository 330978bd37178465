// The verifier log excerpt that becomes the one-line error, on libbpf output captured from
// bpftool 7.1 (no kernel needed).
import { describe, expect, it } from 'vitest';
import { VerifierError, verifierExcerpt } from '../../simulator/kernel/index.js';

const STDERR = `libbpf: prog 'bad': BPF program load failed: Permission denied
libbpf: prog 'bad': -- BEGIN PROG LOAD LOG --
0: R1=ctx() R10=fp0
; void *d = (void*)(long)ctx->data; @ bad.c:6
0: (61) r1 = *(u32 *)(r1 +0)          ; R1=pkt(r=0)
; return *(unsigned char*)d; @ bad.c:7
1: (71) r0 = *(u8 *)(r1 +0)
invalid access to packet, off=0 size=1, R1(id=0,off=0,r=0)
R1 offset is outside of the packet
processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
-- END PROG LOAD LOG --
libbpf: prog 'bad': failed to load: -13
libbpf: failed to load object 'bad.o'
Error: failed to load object file
`;

describe('verifier log excerpt', () => {
  it('keeps the lines after the last instruction, names the program and the instruction', () => {
    expect(verifierExcerpt(STDERR)).toEqual({
      program: 'bad',
      insn: 1,
      lines: ['invalid access to packet, off=0 size=1, R1(id=0,off=0,r=0)', 'R1 offset is outside of the packet'],
    });
  });

  it('reads a log cut short (no END marker, the summary glued to the next libbpf line)', () => {
    const cut = STDERR.split('-- END PROG LOAD LOG --')[0].replace(/mark_read 0\n$/, 'mark_read 0libbpf: prog');
    expect(verifierExcerpt(cut)?.lines).toHaveLength(2);
  });

  it('is undefined when libbpf printed no log (a failure before the verifier)', () => {
    expect(verifierExcerpt("libbpf: map 'x': legacy map definitions are deprecated\nError: failed to open object file\n")).toBeUndefined();
  });

  it('becomes one line', () => {
    const v = verifierExcerpt(STDERR)!;
    const e = new VerifierError('bad.o', v.program, v.insn, v.lines, STDERR);
    expect(e.message).toBe(
      "bad.o: the verifier rejected program 'bad' at instruction 1: invalid access to packet, off=0 size=1, R1(id=0,off=0,r=0); R1 offset is outside of the packet",
    );
  });
});
