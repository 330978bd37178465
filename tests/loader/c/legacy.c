// Loader test program: legacy SEC("maps") definitions (libbpf 1.x refuses them: info only)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
struct bpf_map_def SEC("maps") stats = { .type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 256 };
struct bpf_map_def SEC("maps") tx = { .type = BPF_MAP_TYPE_DEVMAP, .key_size = 4, .value_size = 4, .max_entries = 64, .map_flags = 0 };
SEC("xdp/legacy")
int xdp_legacy(struct xdp_md *ctx) {
  __u32 k = 3;
  long *v = bpf_map_lookup_elem(&stats, &k);
  if (v) *v += 1;
  return bpf_redirect_map(&tx, 0, 0);
}
char LICENSE[] SEC("license") = "GPL";
