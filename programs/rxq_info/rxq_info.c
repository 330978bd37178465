/* rxq_info: per-receive-queue accounting, the kind an operator runs to see how RSS spreads load.
 * Every frame is counted (packets, bytes) globally and under its RX queue (xdp_md.rx_queue_index)
 * in per-CPU arrays; then the action configured for its queue is applied: XDP_DROP, XDP_PASS, or
 * XDP_TX, optionally with the MACs swapped (CFG_SWAP_MACS) so the frame can return to its sender.
 * The `config` array holds one entry per queue and, at CFG_DEFAULT, the default: a queue whose
 * entry has no action (0, the zero-filled entry) follows the default, so an operator can set one
 * action for the port and override it on the queues ntuple rules steer traffic to (a sink queue
 * that drops, a queue that goes to the stack). With CFG_READ_DATA the program also reads the
 * frame's first bytes (a frame too short for an Ethernet header is then counted as an error and
 * dropped), which models a program that touches the packet. A queue beyond MAX_RXQ follows the
 * default and is counted in `global.rxq_overflow`; a configured action that is not one of the
 * three is counted in `global.bad_action` and the frame dropped (XDP_ABORTED would raise an
 * exception tracepoint for every packet). */
#include "xdp.h"

#define MAX_RXQ 64
#define CFG_DEFAULT MAX_RXQ /* config[CFG_DEFAULT]: the action of queues without their own */
#define ACTION_UNSET 0 /* a queue's zero-filled entry: the queue follows the default */

#define CFG_SWAP_MACS 1 /* with XDP_TX: swap source and destination MACs */
#define CFG_READ_DATA 2 /* read the Ethernet header even when the action does not need it */

struct config {
	__u32 action; /* XDP_DROP, XDP_PASS or XDP_TX (or ACTION_UNSET in a queue's entry) */
	__u32 options; /* CFG_* bits */
};

struct global_stats {
	__u64 packets;
	__u64 bytes;
	__u64 errors; /* runt frames when the packet is read */
	__u64 rxq_overflow; /* rx_queue_index >= MAX_RXQ */
	__u64 bad_action; /* config.action not DROP, PASS or TX */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RXQ + 1); /* queues 0..MAX_RXQ-1, then the default */
	__type(key, __u32);
	__type(value, struct config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct global_stats);
} global SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_RXQ);
	__type(key, __u32);
	__type(value, struct pkt_bytes);
} rxq_stats SEC(".maps");

SEC("xdp")
int rxq_info_prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = 0, dflt = CFG_DEFAULT, queue = ctx->rx_queue_index;
	__u64 len = (__u64)(data_end - data);
	struct global_stats *g;
	struct pkt_bytes *q;
	struct config *cfg, *qcfg;
	__u32 action, options;

	cfg = bpf_map_lookup_elem(&config, &dflt);
	g = bpf_map_lookup_elem(&global, &key);
	if (!cfg || !g)
		return XDP_ABORTED; /* cannot happen: array entries always exist */

	g->packets++;
	g->bytes += len;
	if (queue < MAX_RXQ) {
		q = bpf_map_lookup_elem(&rxq_stats, &queue);
		if (q) {
			q->packets++;
			q->bytes += len;
		}
		qcfg = bpf_map_lookup_elem(&config, &queue);
		if (qcfg && qcfg->action != ACTION_UNSET)
			cfg = qcfg;
	} else {
		g->rxq_overflow++;
	}
	action = cfg->action;
	options = cfg->options;

	if (action != XDP_DROP && action != XDP_PASS && action != XDP_TX) {
		g->bad_action++;
		return XDP_DROP;
	}
	if ((options & CFG_READ_DATA) || (action == XDP_TX && (options & CFG_SWAP_MACS))) {
		struct eth_hdr *eth = data;

		if ((void *)(eth + 1) > data_end) {
			g->errors++;
			return XDP_DROP;
		}
		if (action == XDP_TX && (options & CFG_SWAP_MACS))
			swap_macs(eth);
	}
	return action;
}

char _license[] SEC("license") = "Dual MIT/GPL";
