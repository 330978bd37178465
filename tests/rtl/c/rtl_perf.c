// RTL test: bpf_perf_event_output with the packet choosing every argument: the data from the
// stack, the packet or a map value, of 0-40 bytes; a sample of 0 to past the packet's length
// (-EFAULT); flags with unknown bits (-EINVAL); an index at, past (-E2BIG) and as
// BPF_F_CURRENT_CPU; one or two calls a packet, after an adjust_head that moves data.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[48]);
} blob SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s64);
} last SEC(".maps");

SEC("xdp") int rtl_perf(struct xdp_md *ctx) {
	__u8 *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 zero = 0;
	__u8 buf[40];
	__u8 *src;
	__s64 *out, err = 0;
	if (d + 64 > end) return XDP_DROP;
	__u8 how = d[0], size = d[1] & 7, where = d[2] & 3, idx = d[3];
	__u64 sample = ((__u64)d[4] << 8 | d[5]) & 0xfff, flags;
	__builtin_memcpy(buf, d + 8, 40);
	src = bpf_map_lookup_elem(&blob, &zero);
	out = bpf_map_lookup_elem(&last, &zero);
	if (!src || !out) return XDP_ABORTED;
	if (where == 1) src = buf;
	flags = (idx == 9 ? BPF_F_CURRENT_CPU : idx & 7) | (sample << 32);
	if (how & 1) flags |= 1ULL << 55;
#define CALL(i, n) case i: err = where == 2 ? bpf_perf_event_output(ctx, &events, flags, d + 8, n) : bpf_perf_event_output(ctx, &events, flags, src, n); break;
	switch (size) {
		CALL(0, 0) CALL(1, 1) CALL(2, 3) CALL(3, 8) CALL(4, 13) CALL(5, 16) CALL(6, 24) CALL(7, 40)
	}
	*out = err;
	if (how & 2) {
		if (bpf_xdp_adjust_head(ctx, 14)) return XDP_ABORTED;
		err = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (sample << 32), buf, 13);
		*out += err << 8;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
