/* tail_chain: bpf_tail_call through a prog array, for the tail-call path of every engine and of the
 * RTL (tests/rtl/tail-case.ts). The dispatcher tail_chain counts the packet and tail-calls the
 * program in slot p[14] of `jumps`; the fixture fills slots 0-4 and leaves 5-7 empty, so a packet
 * naming an empty slot or one past max_entries falls through (XDP_PASS). Slot 0 (tc_tx) swaps the
 * MACs and sends the packet back; slot 1 (tc_relay) marks p[15] and tail-calls slot 2 (tc_end),
 * which marks p[16]; slot 3 (tc_loop) tail-calls itself until the kernel's limit of 33 tail calls a
 * packet stops it (p[17] counts its runs: 33, the dispatcher's call and 32 of its own; when p[18]
 * is odd each run first calls empty slot 5, which does not count); slot 4 (tc_pop) moves the
 * packet's start by 14 bytes (bpf_xdp_adjust_head) before tail-calling slot 2. `counts` counts
 * each program's runs.
 * Build: clang -O2 -g -target bpf -mcpu=v1 -I/usr/include/$(clang -print-multiarch) -c tail_chain.c */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void count(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &i);
	if (v)
		*v += 1;
}

SEC("xdp") int tail_chain(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 32) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	count(0);
	bpf_tail_call(ctx, &jumps, p[14]);
	count(1);
	return XDP_PASS;
}

SEC("xdp") int tc_tx(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 32) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	for (int i = 0; i < 6; i++) {
		__u8 t = p[i];
		p[i] = p[i + 6];
		p[i + 6] = t;
	}
	count(2);
	return XDP_TX;
}

SEC("xdp") int tc_relay(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 32) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	p[15] = 0xa5;
	count(3);
	bpf_tail_call(ctx, &jumps, 2);
	return XDP_DROP;
}

SEC("xdp") int tc_end(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 32) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	p[16] = 0x77;
	count(4);
	return XDP_TX;
}

SEC("xdp") int tc_loop(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 32) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	p[17]++;
	count(5);
	if (p[18] & 1)
		bpf_tail_call(ctx, &jumps, 5); /* an empty slot: not counted */
	bpf_tail_call(ctx, &jumps, 3);
	return XDP_DROP;
}

SEC("xdp") int tc_pop(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_head(ctx, 14))
		return XDP_ABORTED;
	count(6);
	bpf_tail_call(ctx, &jumps, 2);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
