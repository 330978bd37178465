/* What every program of the xdp2hw corpus includes: the kernel's BPF definitions, libbpf's map
 * and section macros, and the corpus's header layouts, parsers and checksum helpers. */
#ifndef XDP2HW_XDP_H
#define XDP2HW_XDP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "hdr.h"
#include "parse.h"
#include "csum.h"

/* Keeps the compiler from moving memory accesses across this point (no instruction emitted).
 * Used where clang would otherwise merge stores of two branches into phis of register copies. */
#define barrier() asm volatile("" ::: "memory")

/* A packets/bytes pair: the usual per-CPU counter value. */
struct pkt_bytes {
	__u64 packets;
	__u64 bytes;
};

static __always_inline __u64 frame_len(struct xdp_md *ctx)
{
	return (__u64)(ctx->data_end - ctx->data);
}

#endif
