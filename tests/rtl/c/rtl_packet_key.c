// RTL test: map calls whose key (and value) point into the packet (tests/rtl/helpers-env.test.ts):
// the helper unit reads them in the call's own cycle through a packet port of its own (HELP_PKT).
// p[12] the call: 0 array lookup, 1 hash lookup (the value's low byte into p[20]; a miss
// XDP_DROP), 2 hash update, 3 hash delete, 4 array update (the result's low byte into p[21]);
// the key is p[16..19], an update's value p[20..23].
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} hm SEC(".maps");

SEC("xdp") int rtl_packet_key(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 24) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	__u8 op = p[12];
	long r;
	if (op == 2)
		r = bpf_map_update_elem(&hm, p + 16, p + 20, BPF_ANY);
	else if (op == 3)
		r = bpf_map_delete_elem(&hm, p + 16);
	else if (op == 4)
		r = bpf_map_update_elem(&arr, p + 16, p + 20, BPF_ANY);
	else {
		__u32 *v = op ? bpf_map_lookup_elem(&hm, p + 16) : bpf_map_lookup_elem(&arr, p + 16);
		if (!v)
			return XDP_DROP;
		p[20] = *v;
		return XDP_TX;
	}
	p[21] = r;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
