// Loader test program: conntrack kfuncs (bpf_xdp_ct_lookup / bpf_ct_release), declared extern
// __ksym as bpf-examples' synproxy does: calls relocated against undefined symbols, with BTF.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u16 ct_zone_id;
	__u8 ct_zone_dir;
	__u8 reserved[3];
};
struct nf_conn {
	int unused; /* opaque here; a struct, not a forward declaration, so that libbpf 1.1 finds the prototypes compatible */
};

extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *xdp_ctx, struct bpf_sock_tuple *bpf_tuple, __u32 len_tuple,
					 struct bpf_ct_opts *opts, __u32 len_opts) __ksym;
extern void bpf_ct_release(struct nf_conn *ct) __ksym;

SEC("xdp")
int xdp_ct(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct bpf_sock_tuple tup = {};
	struct bpf_ct_opts opts;
	struct nf_conn *ct;

	if (data + 24 > end)
		return XDP_DROP;
	if (*(unsigned char *)(data + 14) != 0x45) /* only IPv4 frames reach the kfunc */
		return XDP_PASS;
	__builtin_memset(&opts, 0, sizeof(opts)); /* field by field: no constant struct in .rodata */
	opts.netns_id = -1;
	opts.l4proto = *(unsigned char *)(data + 23);
	ct = bpf_xdp_ct_lookup(ctx, &tup, sizeof(tup.ipv4), &opts, sizeof(opts));
	if (!ct)
		return XDP_PASS;
	bpf_ct_release(ct);
	return XDP_TX;
}
char LICENSE[] SEC("license") = "GPL";
