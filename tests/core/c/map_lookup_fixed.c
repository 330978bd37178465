// Calibration fixture for the core: hXDP's map-access microbenchmark as the paper describes it
// ("about 7 cycles per packet for a program with one map access"): one lookup with a fixed key,
// no header parsing. map_lookup_fixed gives a fixed verdict after the lookup; map_lookup_verdict
// drops on a hit and passes on a miss (its verdict needs the lookup's result); map_lookup_array
// is map_lookup_verdict on an array. The key is on the stack, as for any key whose address is taken.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } table SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } slots SEC(".maps");

SEC("xdp") int map_lookup_fixed(struct xdp_md *ctx) {
  __u32 key = 7;
  bpf_map_lookup_elem(&table, &key);
  return XDP_DROP;
}

SEC("xdp") int map_lookup_verdict(struct xdp_md *ctx) {
  __u32 key = 7;
  return bpf_map_lookup_elem(&table, &key) ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int map_lookup_array(struct xdp_md *ctx) {
  __u32 key = 7;
  return bpf_map_lookup_elem(&slots, &key) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "Dual MIT/GPL";
