// Loader test program: a callback (lddw of a function address) and .rodata strings
// cflags: -mcpu=v3
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct ctx_t { __u32 sum; };
static int step(__u32 i, void *data) { struct ctx_t *c = data; c->sum += i; return 0; }
static const char fmt[] = "sum %u\n";
SEC("xdp")
int xdp_loop(struct xdp_md *ctx) {
  struct ctx_t c = { .sum = 0 };
  bpf_loop(16, step, &c, 0);
  bpf_trace_printk(fmt, sizeof(fmt), c.sum);
  return c.sum > 100 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
