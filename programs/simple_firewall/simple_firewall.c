/* simple_firewall: a stateful firewall in front of a site's networks, IPv4 and IPv6. The site's
 * prefixes are in the LPM trie `internal_nets` (IPv4 as IPv4-mapped IPv6, ::ffff:a.b.c.d/96+n).
 * A packet from an internal address to an external one opens its flow: its 5-tuple, seen from
 * inside (inside address and port, outside address and port, protocol), is inserted into the hash
 * `flows` with bpf_map_update_elem(BPF_NOEXIST) the first time. A packet from outside is admitted
 * only when its reversed 5-tuple is in `flows`, i.e. it answers traffic that went out; the rest is
 * dropped. Admitted packets go on to the stack (XDP_PASS); each flow counts packets and bytes per
 * direction (atomic adds: flows are shared by all CPUs). A TCP RST closes its flow.
 *
 * Details: ICMP and ICMPv6 echo use the echo identifier as the inside port (outside port 0);
 * inbound ICMP errors (destination unreachable, time exceeded, packet too big) are admitted so
 * path-MTU discovery works; other protocols (GRE, ESP, ...) are tracked by addresses only.
 * Non-first fragments carry no ports: outbound ones pass, inbound ones are dropped. Traffic
 * between two internal addresses passes untracked; traffic between two external addresses
 * (spoofed or misrouted) is dropped. Non-IP frames (ARP, ...) pass; VLAN tags (802.1Q, QinQ) and
 * IPv6 extension headers are skipped. Frames cut short inside their headers are dropped. A full
 * flow table makes a new outbound flow fail closed (dropped, counted). */
#include "xdp.h"

struct lpm_key {
	__u32 prefixlen;
	union ip6_addr addr;
};

struct flow_key {
	union ip6_addr inside;
	union ip6_addr outside;
	__be16 inside_port;
	__be16 outside_port;
	__u8 proto;
	__u8 pad[3];
};

struct flow_counters {
	__u64 packets_out;
	__u64 bytes_out;
	__u64 packets_in;
	__u64 bytes_in;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__type(key, struct lpm_key);
	__type(value, __u32); /* zone number, informational */
	__uint(map_flags, BPF_F_NO_PREALLOC);
} internal_nets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct flow_key);
	__type(value, struct flow_counters);
} flows SEC(".maps");

enum verdict_reason {
	FW_OUT_NEW, /* pass, flow inserted */
	FW_OUT_KNOWN, /* pass */
	FW_IN_REPLY, /* pass */
	FW_IN_ICMP_ERROR, /* pass */
	FW_INTERNAL, /* pass: both ends inside */
	FW_NON_IP, /* pass */
	FW_OUT_FRAGMENT, /* pass */
	FW_IN_NO_FLOW, /* drop */
	FW_IN_FRAGMENT, /* drop */
	FW_EXTERNAL, /* drop: both ends outside */
	FW_TABLE_FULL, /* drop */
	FW_MALFORMED, /* drop */
	FW_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_MAX);
	__type(key, __u32);
	__type(value, __u64);
} fw_stats SEC(".maps");

static __always_inline int is_internal(const union ip6_addr *addr)
{
	struct lpm_key k = { .prefixlen = 128, .addr = *addr };

	return bpf_map_lookup_elem(&internal_nets, &k) != 0;
}

/* ICMP / ICMPv6 messages that report an error about a packet that went out. */
static __always_inline int icmp_is_error(int proto, __u8 type)
{
	if (proto == PROTO_ICMP)
		return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED;
	return type >= 1 && type <= 3; /* unreachable, packet too big, time exceeded */
}

static __always_inline int icmp_is_echo(int proto, __u8 type)
{
	if (proto == PROTO_ICMP)
		return type == ICMP_ECHO || type == ICMP_ECHOREPLY;
	return type == ICMP6_ECHO_REQUEST || type == ICMP6_ECHO_REPLY;
}

/* Turns the addresses of a key seen on the wire from outside into the flow's view from inside. */
static __always_inline void reverse_addrs(struct flow_key *key)
{
	union ip6_addr a = key->inside;

	key->inside = key->outside;
	key->outside = a;
}

/* The same for addresses and ports. */
static __always_inline void reverse(struct flow_key *key)
{
	__be16 port = key->inside_port;

	reverse_addrs(key);
	key->inside_port = key->outside_port;
	key->outside_port = port;
}

static __always_inline int outbound(struct flow_key *key, __u64 len, __u32 *reason)
{
	struct flow_counters *fc = bpf_map_lookup_elem(&flows, key);

	*reason = FW_OUT_KNOWN;
	if (!fc) {
		struct flow_counters zero = {};

		/* fails when the table is full (or another CPU inserted it first: then it is found) */
		bpf_map_update_elem(&flows, key, &zero, BPF_NOEXIST);
		fc = bpf_map_lookup_elem(&flows, key);
		if (!fc)
			return *reason = FW_TABLE_FULL, XDP_DROP;
		*reason = FW_OUT_NEW;
	}
	__sync_fetch_and_add(&fc->packets_out, 1);
	__sync_fetch_and_add(&fc->bytes_out, len);
	return XDP_PASS;
}

static __always_inline int inbound(struct flow_key *key, __u64 len, __u32 *reason)
{
	struct flow_counters *fc = bpf_map_lookup_elem(&flows, key);

	if (!fc)
		return *reason = FW_IN_NO_FLOW, XDP_DROP;
	__sync_fetch_and_add(&fc->packets_in, 1);
	__sync_fetch_and_add(&fc->bytes_in, len);
	*reason = FW_IN_REPLY;
	return XDP_PASS;
}

static __always_inline int filter(struct xdp_md *ctx, __u32 *reason)
{
	struct flow_key key = {};
	struct cursor c;
	struct eth_hdr *eth;
	__u64 len = frame_len(ctx);
	__u8 tcp_flags = 0, icmp_error = 0;
	int ethertype, proto, later_fragment, frag, action;

	/* Parse, filling the key as seen on the wire (inside = source, outside = destination). */
	cursor_init(&c, ctx);
	ethertype = parse_eth(&c, &eth, 0);
	if (ethertype < 0)
		goto malformed;
	if (ethertype == bpf_htons(ETHERTYPE_IPV4)) {
		struct ipv4_hdr *iph;

		proto = parse_ipv4(&c, &iph);
		if (proto < 0)
			goto malformed;
		key.inside.d[2] = bpf_htonl(0xffff);
		key.inside.d[3] = iph->saddr;
		key.outside.d[2] = bpf_htonl(0xffff);
		key.outside.d[3] = iph->daddr;
		later_fragment = ipv4_is_later_fragment(iph);
	} else if (ethertype == bpf_htons(ETHERTYPE_IPV6)) {
		struct ipv6_hdr *ip6;

		proto = parse_ipv6(&c, &ip6);
		if (proto < 0)
			goto malformed;
		key.inside = ip6->saddr;
		key.outside = ip6->daddr;
		proto = skip_ipv6_ext(&c, proto, &frag);
		if (proto < 0)
			goto malformed;
		later_fragment = frag == FRAG_LATER;
	} else {
		return *reason = FW_NON_IP, XDP_PASS;
	}
	key.proto = proto;

	if (later_fragment) {
		/* no transport header */
	} else if (proto == PROTO_TCP) {
		struct tcp_hdr *th = c.pos;

		if ((void *)(th + 1) > c.end)
			goto malformed;
		key.inside_port = th->sport;
		key.outside_port = th->dport;
		tcp_flags = th->flags;
	} else if (proto == PROTO_UDP) {
		struct udp_hdr *uh = c.pos;

		if ((void *)(uh + 1) > c.end)
			goto malformed;
		key.inside_port = uh->sport;
		key.outside_port = uh->dport;
	} else if (proto == PROTO_ICMP || proto == PROTO_ICMPV6) {
		struct icmp_hdr *ih = c.pos; /* the same first 8 bytes as ICMPv6 */

		if ((void *)(ih + 1) > c.end)
			goto malformed;
		if (icmp_is_echo(proto, ih->type))
			key.inside_port = ih->un.echo.id; /* the echo id identifies the flow */
		else
			icmp_error = icmp_is_error(proto, ih->type);
	}

	if (is_internal(&key.inside)) {
		if (is_internal(&key.outside))
			return *reason = FW_INTERNAL, XDP_PASS;
		if (later_fragment)
			return *reason = FW_OUT_FRAGMENT, XDP_PASS;
		action = outbound(&key, len, reason);
	} else {
		if (!is_internal(&key.outside))
			return *reason = FW_EXTERNAL, XDP_DROP;
		if (later_fragment)
			return *reason = FW_IN_FRAGMENT, XDP_DROP;
		if (icmp_error)
			return *reason = FW_IN_ICMP_ERROR, XDP_PASS;
		if (proto != PROTO_ICMP && proto != PROTO_ICMPV6)
			reverse(&key);
		else
			reverse_addrs(&key);
		action = inbound(&key, len, reason);
	}
	if (action == XDP_PASS && proto == PROTO_TCP && (tcp_flags & TCP_RST))
		bpf_map_delete_elem(&flows, &key);
	return action;

malformed:
	*reason = FW_MALFORMED;
	return XDP_DROP;
}

SEC("xdp")
int simple_firewall_prog(struct xdp_md *ctx)
{
	__u32 reason = FW_MALFORMED;
	int action = filter(ctx, &reason);
	__u64 *n = bpf_map_lookup_elem(&fw_stats, &reason);

	if (n)
		*n += 1;
	return action;
}

char _license[] SEC("license") = "Dual MIT/GPL";
