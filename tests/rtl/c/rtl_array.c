// RTL test: bpf_map_update_elem and bpf_map_delete_elem on array maps with the packet choosing
// the index (in range and past max_entries), the flags (BPF_ANY, BPF_NOEXIST, BPF_EXIST,
// BPF_F_LOCK, unknown bits, bit 31, the high word) and where the value comes from (the stack, the
// packet, another map's value); a 13-byte value (a partial last beat) and a per-CPU array of 8.
// The results land in a third array, so co-simulation compares them with the maps.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct val13 { __u8 b[13]; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 6);
	__type(key, __u32);
	__type(value, struct val13);
} odd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __s64);
} rets SEC(".maps");

SEC("xdp") int rtl_array(struct xdp_md *ctx) {
	__u8 *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 k, zero = 0, one = 1, two = 2, three = 3;
	struct val13 v;
	__u64 w, flags;
	struct val13 *src;
	__s64 *r0, *r1, *r2, *r3;
	if (d + 40 > end) return XDP_DROP;
	k = d[0] & 7;
	switch (d[1] & 7) {
	case 0: flags = BPF_ANY; break;
	case 1: flags = BPF_NOEXIST; break;
	case 2: flags = BPF_EXIST; break;
	case 3: flags = BPF_F_LOCK; break;
	case 4: flags = 3; break;
	case 5: flags = BPF_EXIST | BPF_F_LOCK; break;
	case 6: flags = 0x80000000ULL; break;
	default: flags = 1ULL << 32; break;
	}
	__builtin_memcpy(&v, d + 8, sizeof(v));
	__builtin_memcpy(&w, d + 24, sizeof(w));
	r0 = bpf_map_lookup_elem(&rets, &zero);
	r1 = bpf_map_lookup_elem(&rets, &one);
	r2 = bpf_map_lookup_elem(&rets, &two);
	r3 = bpf_map_lookup_elem(&rets, &three);
	src = bpf_map_lookup_elem(&odd, &one);
	if (!r0 || !r1 || !r2 || !r3 || !src) return XDP_ABORTED;
	switch (d[2] & 3) {
	case 0: *r0 = bpf_map_update_elem(&odd, &k, &v, flags); break;
	case 1: *r0 = bpf_map_update_elem(&odd, &k, d + 8, flags); break;
	case 2: *r0 = bpf_map_update_elem(&odd, &k, src, flags); break;
	default: *r0 = bpf_map_delete_elem(&odd, &k); break;
	}
	*r1 = bpf_map_update_elem(&cpu, &k, &w, d[3] & 1 ? BPF_EXIST : BPF_ANY);
	*r2 = bpf_map_delete_elem(&cpu, &zero);
	*r3 += 1;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
