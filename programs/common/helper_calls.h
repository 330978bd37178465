/* helper_calls_<CALLS>: hXDP's helper-call microbenchmark, one object per number of calls. Each
 * packet makes CALLS calls of bpf_get_smp_processor_id, the cheapest helper (no arguments, one
 * result), and xors every result into a running value that decides the action, so no call or
 * result can be dropped by the compiler: per call, `call 8` and one xor. The running value starts
 * at a constant whose high half is not zero; CPU numbers fit in 32 bits, so it never becomes zero
 * and every packet is dropped, whichever CPU runs the program. */
#ifndef XDP2HW_HELPER_CALLS_H
#define XDP2HW_HELPER_CALLS_H

#include "xdp.h"

#ifndef CALLS
#error "define CALLS (the number of helper calls)"
#endif

/* The helper as a 64-bit result (the kernel returns the CPU number zero-extended in r0): with
 * libbpf's 32-bit prototype the compiler would know the xors cannot reach zero and drop them. */
static __u64 (*get_cpu)(void) = (void *)BPF_FUNC_get_smp_processor_id;

static __always_inline int helper_calls(struct xdp_md *ctx)
{
	__u64 v = 0xcbf29ce484222325ULL;

#pragma unroll
	for (int i = 0; i < CALLS; i++)
		v ^= get_cpu();
	return v ? XDP_DROP : XDP_PASS;
}

#endif
