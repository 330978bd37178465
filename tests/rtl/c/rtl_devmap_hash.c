// RTL test: bpf_redirect_map and bpf_map_lookup_elem on a devmap_hash (the scan unit) and a devmap
// (tests/rtl/helpers-env.test.ts). p[12] the operation: 0 redirect through the devmap_hash, 1 look
// it up (the value's ifindex into p[20..23], XDP_TX; a miss XDP_DROP), 2 look the devmap up the
// same way, 3 redirect through the devmap; p[14] the key, p[13] bit 0 adds BPF_F_BROADCAST, bit 1
// sets the key's high word (redirect_map takes its low word), p[15] the flags' low byte.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} slots SEC(".maps");

SEC("xdp") int rtl_devmap_hash(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 24) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	__u32 key = p[14];
	__u64 flags = p[15];
	__u64 wide = key;
	if (p[13] & 1)
		flags |= BPF_F_BROADCAST;
	if (p[13] & 2)
		wide |= 1ULL << 32;
	if (p[12] == 0)
		return bpf_redirect_map(&ports, wide, flags);
	if (p[12] == 3)
		return bpf_redirect_map(&slots, wide, flags);
	__u32 *v = p[12] == 1 ? bpf_map_lookup_elem(&ports, &key) : bpf_map_lookup_elem(&slots, &key);
	if (!v)
		return XDP_DROP;
	__u32 ifindex = *v;
	__builtin_memcpy(p + 20, &ifindex, 4);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
