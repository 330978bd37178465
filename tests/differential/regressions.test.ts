// Regression tests for the bugs the differential tests found: interpreter ones pinned on the
// interpreter alone (the kernel's behaviour quoted in the test's name was measured with bpftool),
// kernel-oracle ones on the kernel.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import { KernelEngine } from '../../simulator/kernel/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { object, program, udpPacket } from '../interpreter/objects.js';

/** r0 = rx_queue_index * 100 + ingress_ifindex */
const CTX_FIELDS = 'ldxw %r2, [%r1+12]\nldxw %r3, [%r1+16]\nmov %r0, %r3\nmul %r0, 100\nadd %r0, %r2\nexit';

describe('xdp_md from a test-run ctx (found by redirect_map: ctx ingress_ifindex 0)', () => {
  const s = new InterpreterSession(object([program('p', CTX_FIELDS)]), 'p', undefined);
  const run = (ingressIfindex?: number, rxQueueIndex?: number) => s.runSync({ packet: udpPacket(), ctx: { ingressIfindex, rxQueueIndex } }).code;

  it('ingress_ifindex 0 means none given: the program sees the loopback device (1), as with no ctx', () => {
    expect(run(0, 0)).toBe(1);
    expect(run(undefined, 0)).toBe(1);
    expect(run(5, 3)).toBe(305);
  });

  it('a queue without an ingress device, or a queue past lo\'s only one, is refused (the kernel: EINVAL)', () => {
    expect(() => run(0, 3)).toThrow(RunInputError);
    expect(() => run(undefined, 2)).toThrow(RunInputError);
    expect(() => run(1, 1)).toThrow(RunInputError);
    expect(run(1, 0)).toBe(1);
  });
});

describe.skipIf(needs(kernelMissing()))('kernel oracle: packets over 32 KiB (bpftool\'s default output buffer)', () => {
  it('a 40000-byte and a 73152-byte frame (17 fragments, the most) come back whole, not ENOSPC', async () => {
    const s = await new KernelEngine().open(loadFile(join(PROGRAMS_DIR, 'xdp_pass/xdp_pass.o')), 'xdp_pass_prog');
    try {
      for (const n of [40000, 73152]) {
        const packet = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
        const r = await s.run({ packet });
        expect(r.action).toBe('XDP_PASS');
        expect(Buffer.from(r.packet).equals(Buffer.from(packet))).toBe(true);
      }
    } finally {
      await s.close();
    }
  });
});
