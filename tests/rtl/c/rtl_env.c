// RTL test: bpf_ktime_get_ns, bpf_get_prandom_u32 and bpf_get_smp_processor_id, called a number
// of times the packet's first byte picks (0-3 each), their values written into the packet and
// summed into an array map, so co-simulation compares the clock and the generator across packets.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} sums SEC(".maps");

SEC("xdp") int rtl_env(struct xdp_md *ctx) {
	__u64 *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 k0 = 0, k1 = 1;
	__u64 *s0, *s1, t = 0, r = 0;
	if (d + 6 > end) return XDP_DROP;
	__u8 n = *(__u8 *)d;
	if (n & 1) t = bpf_ktime_get_ns();
	if (n & 2) t ^= bpf_ktime_get_ns() << 1;
	if (n & 4) r = bpf_get_prandom_u32();
	if (n & 8) r = (r << 32) | bpf_get_prandom_u32();
	d[1] = t;
	d[2] = r;
	d[3] = bpf_get_smp_processor_id();
	d[4] = bpf_ktime_get_ns();
	s0 = bpf_map_lookup_elem(&sums, &k0);
	s1 = bpf_map_lookup_elem(&sums, &k1);
	if (!s0 || !s1) return XDP_ABORTED;
	*s0 += t + d[4];
	*s1 ^= r;
	return (n & 16) ? XDP_TX : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
