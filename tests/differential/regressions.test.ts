// Regression tests for the interpreter bugs the differential tests found, each pinned on the
// interpreter alone (the kernel's behaviour quoted in the test's name was measured with bpftool).

import { describe, expect, it } from 'vitest';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
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
