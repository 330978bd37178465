// RTL helper test: bpf_xdp_adjust_meta by the signed 16-bit count in bytes 0-1; on success the
// metadata's first 4 bytes (if any) are written, and the result goes into byte 2 of the data.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int rtl_meta(struct xdp_md *ctx) {
	unsigned char *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (d + 4 > end) return XDP_ABORTED;
	short off = *(short *)d;
	long r = bpf_xdp_adjust_meta(ctx, off);
	unsigned char *meta = (void *)(long)ctx->data_meta;
	d = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (d + 4 > end) return XDP_ABORTED;
	if (meta + 4 <= d) *(__u32 *)meta = 0xa1b2c3d4;
	d[2] = (unsigned char)r;
	return r ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
