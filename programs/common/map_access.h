/* map_access_<KEY_SIZE>: hXDP's map-access microbenchmark, one object per key size. A block list
 * keyed by the KEY_SIZE bytes that start at the IPv4 source address (1, 2, 4: a prefix of the
 * source address; 8: source and destination addresses; 16: addresses, ports and 4 more bytes of
 * the transport header). One hash-map lookup per IPv4 packet: a hit counts the packet on its
 * entry (atomic add: the map is shared) and drops it, a miss passes it. Non-IPv4 frames pass;
 * frames too short for the key are dropped. Only the key size differs between the objects. */
#ifndef XDP2HW_MAP_ACCESS_H
#define XDP2HW_MAP_ACCESS_H

#include "xdp.h"

#ifndef KEY_SIZE
#error "define KEY_SIZE (1, 2, 4, 8 or 16)"
#endif

#define KEY_OFFSET (sizeof(struct eth_hdr) + 12) /* the IPv4 source address */

#if KEY_SIZE == 1
typedef __u8 key_t;
#elif KEY_SIZE == 2
typedef __u16 key_t;
#elif KEY_SIZE == 4
typedef __u32 key_t;
#elif KEY_SIZE == 8
typedef __u64 key_t;
#elif KEY_SIZE == 16
typedef struct {
	__u32 w[4];
} key_t;
#else
#error "KEY_SIZE must be 1, 2, 4, 8 or 16"
#endif

_Static_assert(sizeof(key_t) == KEY_SIZE, "key size");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, key_t);
	__type(value, __u64); /* packets dropped by this entry */
} blocked SEC(".maps");

static __always_inline int map_access(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct eth_hdr *eth = data;
	key_t key;
	__u64 *hits;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->proto != bpf_htons(ETHERTYPE_IPV4))
		return XDP_PASS;
	if (data + KEY_OFFSET + KEY_SIZE > data_end)
		return XDP_DROP;
	/* 16-bit accesses: the field starts 2-aligned in the frame */
	__builtin_memcpy(&key, (__u16 *)(data + KEY_OFFSET), KEY_SIZE);
	hits = bpf_map_lookup_elem(&blocked, &key);
	if (!hits)
		return XDP_PASS;
	__sync_fetch_and_add(hits, 1);
	return XDP_DROP;
}

#endif
