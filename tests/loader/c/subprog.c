// Loader test program: BPF-to-BPF calls (static and global .text functions), several program sections
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <linux/if_ether.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } cnt SEC(".maps");
static __attribute__((noinline)) int bump(__u32 k) { __u64 *v = bpf_map_lookup_elem(&cnt, &k); if (v) { *v += 1; return 1; } return 0; }
static __attribute__((noinline)) int parse(void *data, void *end) { struct ethhdr *e = data; if ((void*)(e+1) > end) return -1; return e->h_proto == __builtin_bswap16(ETH_P_IP); }
__attribute__((noinline)) int global_fn(int x) { return x * 3 + bump(x); }
SEC("xdp")
int xdp_main(struct xdp_md *ctx) {
  void *d = (void*)(long)ctx->data, *e = (void*)(long)ctx->data_end;
  int r = parse(d, e);
  if (r < 0) return XDP_ABORTED;
  bump(r);
  return r ? XDP_PASS : XDP_DROP;
}
SEC("xdp.frags")
int xdp_second(struct xdp_md *ctx) { return bump(5) + global_fn(ctx->rx_queue_index) ? XDP_PASS : XDP_DROP; }
SEC("tc")
int tc_prog(struct __sk_buff *s) { return bump(1); }
char LICENSE[] SEC("license") = "GPL";
