// Test program for bpf_trace_printk / bpf_trace_vprintk: each format the kernel's bpf_bprintf_prepare
// accepts, with values taken from the packet so they are not constants. bpf_printk with up to 3
// arguments compiles to bpf_trace_printk, with more to bpf_trace_vprintk.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int printk_prog(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (d + 24 > end) return XDP_DROP;
  __s32 s = (__s32)((__u32)d[14] << 24 | (__u32)d[15] << 16 | (__u32)d[16] << 8 | d[17]);
  __u64 big = (__u64)d[18] << 56 | (__u64)d[19] << 40 | (__u64)d[20] << 24 | d[21];
  char word[8] = { 'x', 'd', 'p', d[22] ? 'A' + (d[22] & 15) : 0, 0 };
  bpf_printk("len %d proto %x", (int)(end - d), d[12] << 8 | d[13]);
  bpf_printk("%d %i %u", s, s, s);
  bpf_printk("%x %X", s, s);
  bpf_printk("%ld %lu %lx", (long)s, (unsigned long)s, (long)s);
  bpf_printk("%lld %llu %llx", big, big, big);
  bpf_printk("[%5d|%-5d|%05u]", s & 0xff, s & 0xff, s & 0xfff);
  bpf_printk("[%+d|% d|%-8x|%08lx]", s & 0xff, s & 0xff, s, big);
  bpf_printk("%c%c 100%%", 'o', d[23] | 0x40);
  bpf_printk("%s|%8s|%-6s|", word, word, word);
  bpf_printk("many %d %d %d %d %d", d[0], d[1], d[2], d[3], d[4]);
  bpf_printk("line\n");
  return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
