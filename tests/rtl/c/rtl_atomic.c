// RTL atomics test: every atomic read-modify-write (add, or, and, xor with and without fetch,
// xchg, cmpxchg; 64 and 32 bits) on an array map's value, the stack and the packet, with operands
// from the packet; fetched values are written back into the packet.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct cells { __u64 q[4]; __u32 w[4]; };
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cells);
} cells SEC(".maps");

SEC("xdp") int rtl_atomic(struct xdp_md *ctx) {
	__u64 *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 key = 0;
	volatile __u64 st[2];
	if (d + 12 > end) return XDP_ABORTED;
	key = d[0] & 1;
	struct cells *c = bpf_map_lookup_elem(&cells, &key);
	if (!c) return XDP_ABORTED;
	__u64 a = d[1], b = d[2];
	__u32 a32 = a, b32 = b;
	__sync_fetch_and_add(&c->q[0], a);
	d[3] = __sync_fetch_and_add(&c->q[1], b);
	d[4] = __sync_fetch_and_or(&c->q[2], a);
	d[5] = __sync_fetch_and_and(&c->q[3], b | 0xff);
	d[6] = __sync_fetch_and_xor(&c->q[0], b);
	d[7] = __sync_lock_test_and_set(&c->q[1], a ^ b);
	d[8] = __sync_val_compare_and_swap(&c->q[2], a, b);
	((__u32 *)d)[18] = __sync_fetch_and_add(&c->w[0], a32);
	((__u32 *)d)[19] = __sync_fetch_and_xor(&c->w[1], b32);
	((__u32 *)d)[20] = __sync_val_compare_and_swap(&c->w[2], a32, b32);
	__sync_fetch_and_or(&c->w[3], b32);
	st[0] = b;
	st[1] = a;
	d[10] = __sync_fetch_and_add(&st[0], a) + __sync_fetch_and_xor(&st[1], 3);
	__sync_fetch_and_add(&d[11], a);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
