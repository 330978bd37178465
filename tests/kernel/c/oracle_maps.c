// Test program for the kernel oracle: every map kind the oracle fills and reads back.
// Byte 0 of the packet picks what it does; bytes 4..7 are its argument, 8.. its answer.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct lpm_v4 { __u32 prefixlen; __u8 addr[4]; };

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } counters SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64); } per_cpu SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u32); } verdicts SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LPM_TRIE); __uint(max_entries, 16); __uint(map_flags, BPF_F_NO_PREALLOC); __type(key, struct lpm_v4); __type(value, __u32); } routes SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_DEVMAP); __uint(max_entries, 8); __type(key, __u32); __type(value, __u32); } tx_port SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u32); } jumps SEC(".maps");

const volatile __u32 ro_step = 1;
__u32 data_total = 100;
__u32 seen_ifindex;
__u32 seen_rxq;

SEC("xdp") int stage2(struct xdp_md *ctx) { return XDP_TX; }

SEC("xdp") int oracle_maps(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  __u32 zero = 0;
  __u64 *c = bpf_map_lookup_elem(&counters, &zero);
  if (c) *c += 1;
  __u64 *p = bpf_map_lookup_elem(&per_cpu, &zero);
  if (p) *p += ro_step;
  data_total += ro_step;
  seen_ifindex = ctx->ingress_ifindex;
  seen_rxq = ctx->rx_queue_index;
  if (d + 16 > end) return XDP_PASS;
  __u32 arg = *(__u32 *)(d + 4);
  if (d[0] == 1) {
    __u32 *v = bpf_map_lookup_elem(&verdicts, &arg);
    if (!v) return XDP_PASS;
    d[8] = (unsigned char)*v;
    return *v;
  }
  if (d[0] == 2) {
    struct lpm_v4 k = { .prefixlen = 32 };
    __builtin_memcpy(k.addr, d + 4, 4);
    __u32 *v = bpf_map_lookup_elem(&routes, &k);
    if (!v) return XDP_DROP;
    *(__u32 *)(d + 8) = *v;
    return XDP_TX;
  }
  if (d[0] == 3) return bpf_redirect_map(&tx_port, arg, 0);
  if (d[0] == 4) bpf_tail_call(ctx, &jumps, 0);
  if (d[0] == 5) {
    *(__u32 *)(d + 8) = ro_step;
    *(__u32 *)(d + 12) = data_total;
  }
  return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
