// A documented model of one x86 core running the program under the kernel's JIT in the driver,
// ns per packet: a per-action driver floor plus the program's executed eBPF instructions and
// helper calls at a JIT cost. Calibrated against the x86 figures of the hXDP paper (OSDI 2020)
// (hXDP's Xeon E5-1630 v3 @ 3.7 GHz); not a measurement (the kernel engine's `time()` is).

/** The model's constants, each with its source. */
export const X86_MODEL = {
  ghz: 3.7, // REFERENCE §1: Xeon E5-1630 v3 @ 3.7 GHz, one core, Linux 5.6 i40e
  /** driver + XDP path floor per packet by action, ns (REFERENCE §1 microbenchmarks @ 3.7 GHz) */
  floorNs: {
    XDP_DROP: 1000 / 38, // DROP 38 Mpps
    XDP_ABORTED: 1000 / 38, // as DROP (the frame is freed in the driver)
    XDP_PASS: 1000 / 38, // assumption: the paper gives no PASS figure; the stack's cost is not the program's
    XDP_TX: 1000 / 12, // TX 12 Mpps
    XDP_REDIRECT: 1000 / 11, // redirect 11 Mpps
  } as Readonly<Record<string, number>>,
  /**
   * x86 cycles per executed eBPF instruction: the JIT emits ≈ 1.5 x86 instructions per eBPF one
   * (assumption, typical of the x86-64 JIT's 1:1 mapping plus bounds and zero-extension moves) at
   * the IPC of REFERENCE Table 3's x86 column (2.16-2.81, mean ≈ 2.3): 1.5 / 2.3 ≈ 0.65.
   */
  cyclesPerInsn: 0.65,
  /**
   * x86 cycles per helper call beyond its instructions (assumption: call/return and the helper's
   * own body, e.g. a map lookup's hash; fitted so that xdp1, 61 instructions with one array lookup,
   * lands near its 27.9 Mpps ≈ 35.8 ns).
   */
  cyclesPerHelper: 25,
} as const;

/** Modelled ns per packet for one run: its action, eBPF instructions executed and helper calls made. */
export function modelNsPerPacket(action: string, insns: number, helperCalls: number): number {
  const m = X86_MODEL;
  const floor = m.floorNs[action] ?? m.floorNs.XDP_DROP;
  return floor + (insns * m.cyclesPerInsn + helperCalls * m.cyclesPerHelper) / m.ghz;
}
