// RTL divider test: division and modulo in both widths on operands from the packet, a division by
// a constant, and a division whose register is overwritten before its result would arrive (program
// order must win). The test also runs it with every division made a modulo, a signed division or a
// signed modulo (the listing's opcode or offset field rewritten), which clang 14 cannot write.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int rtl_div(struct xdp_md *ctx) {
	__u64 *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (d + 8 > end) return XDP_ABORTED;
	__u64 a = d[0], b = d[1], c = d[2];
	__u32 a32 = c, b32 = c >> 32;
	__u64 w;
	d[0] = a / b;
	d[1] = a % b;
	d[2] = c / a;
	d[3] = c % a;
	((__u32 *)d)[8] = a32 / b32;
	((__u32 *)d)[9] = a32 % b32;
	((__u32 *)d)[10] = b32 / (__u32)b;
	((__u32 *)d)[11] = b32 % (__u32)b;
	d[6] = a / 61 + (b % 7);
	w = a;
	asm volatile("%0 /= %1; %0 = 5" : "+r"(w) : "r"(b));
	d[7] = w;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
