// Loader test program: BTF-defined maps (hash, lru_hash, lpm_trie, array of maps)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 128); __type(key, __u32); __type(value, __u64); } counts SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 1024); __uint(key_size, 8); __uint(value_size, 16); __uint(map_flags, 0); } lru SEC(".maps");
struct inner { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } inner_a SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 2); __type(key, __u32); __array(values, struct inner); } outer SEC(".maps") = { .values = { &inner_a } };
struct { __uint(type, BPF_MAP_TYPE_LPM_TRIE); __uint(max_entries, 16); __uint(key_size, 8); __uint(value_size, 4); __uint(map_flags, BPF_F_NO_PREALLOC); } lpm SEC(".maps");
SEC("xdp")
int xdp_count(struct xdp_md *ctx) {
  __u32 k = ctx->ingress_ifindex;
  __u64 *v = bpf_map_lookup_elem(&counts, &k);
  if (v) __sync_fetch_and_add(v, 1);
  __u64 lk = k; char val[16] = {};
  bpf_map_update_elem(&lru, &lk, val, BPF_ANY);
  void *in = bpf_map_lookup_elem(&outer, &k);
  if (in) { __u32 *x = bpf_map_lookup_elem(in, &k); if (x) return *x; }
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
