/* xdp_sample: packet sampling to user space through a perf event array, as Linux's
 * xdp_sample_pkts, xdp-tutorial's tcpdump and prototype-kernel's xdp_tcpdump do it. One packet in
 * `config.rate` (1: every packet; a per-CPU counter picks them) is sent with
 * bpf_perf_event_output on the current CPU's perf event (BPF_F_CURRENT_CPU), with a metadata
 * record (cookie, packet length, sequence number) and the packet's first min(length,
 * config.snap_len) bytes (the sample length in flags bits 32-51). Every packet then goes to the
 * stack (XDP_PASS); frames shorter than an Ethernet header are dropped. `stats` counts packets
 * seen, skipped, sampled, and the helper's failures by errno (stats[ST_ERRNO + errno % 32]): with
 * no reader attached, as in the kernel's test run, ENOENT; a packet shorter than the sample asked
 * for, EFAULT (the sample length is not clamped to the packet, on purpose). */
#include "xdp.h"

#define SAMPLE_COOKIE 0xdead
#define MAX_SNAP_LEN 0xffff

struct sample_meta {
	__u16 cookie;
	__u16 pkt_len;
	__u32 seq; /* this CPU's sample number */
};

struct sample_config {
	__u32 rate; /* sample one packet in `rate`; 0: none */
	__u32 snap_len; /* bytes of the packet per sample */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(max_entries, 128); /* a perf event per CPU, as Linux's xdp_sample_pkts sizes it */
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(__u32));
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sample_config);
} config SEC(".maps");

enum sample_stat {
	ST_PACKETS,
	ST_SKIPPED, /* not picked by the rate */
	ST_SAMPLED, /* the helper returned 0 */
	ST_ERRNO, /* + errno % 32: the helper failed */
	ST_MAX = ST_ERRNO + 32,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* per-CPU: [0] packets since the last sample, [1] samples sent */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} counters SEC(".maps");

static __always_inline void count(__u32 stat)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &stat);

	if (n)
		*n += 1;
}

SEC("xdp")
int xdp_sample_prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0, one = 1, *since, *seq;
	struct sample_config *cfg;
	struct sample_meta meta = {};
	__u64 len = data_end - data, snap, flags;
	long err;

	if (data + sizeof(struct eth_hdr) > data_end)
		return XDP_DROP;
	count(ST_PACKETS);
	cfg = bpf_map_lookup_elem(&config, &zero);
	since = bpf_map_lookup_elem(&counters, &zero);
	seq = bpf_map_lookup_elem(&counters, &one);
	if (!cfg || !since || !seq || cfg->rate == 0)
		return XDP_PASS;
	*since += 1;
	if (*since < cfg->rate) {
		count(ST_SKIPPED);
		return XDP_PASS;
	}
	*since = 0;

	snap = cfg->snap_len & MAX_SNAP_LEN;
	meta.cookie = SAMPLE_COOKIE;
	meta.pkt_len = (__u16)len;
	meta.seq = *seq;
	*seq += 1;
	flags = BPF_F_CURRENT_CPU | (snap << 32);
	err = bpf_perf_event_output(ctx, &samples, flags, &meta, sizeof(meta));
	count(err ? ST_ERRNO + (-err & 31) : ST_SAMPLED);
	return XDP_PASS;
}

char _license[] SEC("license") = "Dual MIT/GPL";
