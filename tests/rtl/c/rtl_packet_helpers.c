// RTL helper test: bpf_csum_diff over a stack buffer, the packet or a map value (sizes, seed and
// source from the packet's bytes), then bpf_xdp_adjust_head and bpf_xdp_adjust_tail by the signed
// 16-bit counts in bytes 0-1 and 2-3, then the tail again by bytes 12-13; the results are written
// at the new data.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct blob { __u32 w[16]; };
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct blob);
} blob SEC(".maps");

SEC("xdp") int rtl_packet_helpers(struct xdp_md *ctx) {
	unsigned char *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 buf[16], key = 0;
	if (d + 96 > end) return XDP_ABORTED;
	__builtin_memcpy(buf, d + 32, 64);
	__u32 fs = d[4] & 63, ts = d[5] & 63, seed = *(__u32 *)(d + 8);
	short head = *(short *)d, tail = *(short *)(d + 2), tail2 = *(short *)(d + 12);
	void *from = buf;
	if (d[6] & 1) {
		struct blob *b = bpf_map_lookup_elem(&blob, &key);
		if (!b) return XDP_ABORTED;
		from = b;
	}
	long c = bpf_csum_diff(fs ? from : 0, fs, ts ? (void *)(d + 17) : 0, ts, seed);
	long h = bpf_xdp_adjust_head(ctx, head);
	long t = bpf_xdp_adjust_tail(ctx, tail);
	t |= bpf_xdp_adjust_tail(ctx, tail2) << 8; /* grows over what the first one cut: zero-filled */
	d = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (d + 14 > end) return XDP_ABORTED;
	*(__u32 *)(d + 0) = (__u32)c;
	*(__u32 *)(d + 4) = (__u32)h;
	*(__u32 *)(d + 8) = (__u32)t;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
