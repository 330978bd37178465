/* lru_stress: one LRU-map operation per packet, chosen by the packet, for the RTL hash unit's LRU
 * engine (tests/rtl/lru-case.ts). Byte 14 picks the operation (0 lookup, 1 update, 2 delete on
 * `lru`; 3 lookup, 4 update, 5 delete on `tiny`; 6 lookup, 7 update, 8 delete on `pcpu`, an LRU map
 * with per-CPU lists), byte 15 the update flags (0-3: 3 is invalid),
 * bytes 16-27 the 12-byte key, bytes 28-31 the value's tag. The result goes into results[op] and
 * byte 32 of the packet; a negative result drops the packet.
 * Build: clang -O2 -g -target bpf -mcpu=v1 -I/usr/include/$(clang -print-multiarch) -c lru_stress.c */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct key {
	__u32 a, b, c;
};

struct val {
	__u64 hits;
	__u32 tag;
	__u32 pad;
	__u64 more; /* 24 bytes: three value beats */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, struct key);
	__type(value, struct val);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} tiny SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __s64);
} results SEC(".maps");

SEC("xdp")
int lru_stress(struct xdp_md *ctx)
{
	__u8 *p = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;
	if (p + 40 > end)
		return XDP_PASS;
	struct key k;
	__builtin_memcpy(&k, p + 16, sizeof(k));
	struct val v = { .hits = 1, .tag = 0, .pad = 0, .more = 0 };
	__builtin_memcpy(&v.tag, p + 28, 4);
	v.more = v.tag * 3;
	__u32 op = p[14] & 15;
	__u64 flags = p[15] & 3;
	__u32 tk = k.a;
	__u64 tv = v.tag;
	long r;
	if (op == 0) {
		struct val *x = bpf_map_lookup_elem(&lru, &k);
		if (x) {
			x->hits++;
			r = x->tag;
		} else {
			r = -1;
		}
	} else if (op == 1) {
		r = bpf_map_update_elem(&lru, &k, &v, flags);
	} else if (op == 2) {
		r = bpf_map_delete_elem(&lru, &k);
	} else if (op == 3) {
		__u64 *x = bpf_map_lookup_elem(&tiny, &tk);
		r = x ? (long)*x : -1;
	} else if (op == 4) {
		r = bpf_map_update_elem(&tiny, &tk, &tv, flags);
	} else if (op == 5) {
		r = bpf_map_delete_elem(&tiny, &tk);
	} else if (op == 6) {
		__u64 *x = bpf_map_lookup_elem(&pcpu, &tk);
		r = x ? (long)*x : -1;
	} else if (op == 7) {
		r = bpf_map_update_elem(&pcpu, &tk, &tv, flags);
	} else {
		r = bpf_map_delete_elem(&pcpu, &tk);
	}
	__u32 slot = op;
	__s64 *s = bpf_map_lookup_elem(&results, &slot);
	if (s)
		*s = r;
	p[32] = (__u8)r;
	return r < 0 ? XDP_DROP : XDP_TX;
}

char _license[] SEC("license") = "GPL";
