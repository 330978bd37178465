/* redirect_map: an L2 patch panel. Each frame leaves by the port that the devmap `tx_ports`
 * gives for the interface it arrived on (key: xdp_md.ingress_ifindex, value: egress ifindex), so
 * a pair of entries cross-connects two ports; the frame is not modified. Frames are counted
 * (packets, bytes) per ingress interface in a per-CPU array. Runt frames (shorter than an
 * Ethernet header) are dropped; a frame from an interface without an entry is dropped too
 * (bpf_redirect_map's fallback action), and counted in `unpatched`. */
#include "xdp.h"

#define MAX_IFINDEX 64

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, MAX_IFINDEX);
	__type(key, __u32); /* ingress ifindex */
	__type(value, __u32); /* egress ifindex */
} tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_IFINDEX);
	__type(key, __u32);
	__type(value, struct pkt_bytes);
} rx_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unpatched SEC(".maps");

SEC("xdp")
int redirect_map_prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 in = ctx->ingress_ifindex;
	struct pkt_bytes *s;
	int action;

	if (data + sizeof(struct eth_hdr) > data_end)
		return XDP_DROP;
	s = bpf_map_lookup_elem(&rx_stats, &in);
	if (s) {
		s->packets++;
		s->bytes += (__u64)(data_end - data);
	}
	action = bpf_redirect_map(&tx_ports, in, XDP_DROP);
	if (action != XDP_REDIRECT) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&unpatched, &zero);

		if (n)
			*n += 1;
	}
	return action;
}

char _license[] SEC("license") = "Dual MIT/GPL";
