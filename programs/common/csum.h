/* Internet checksum arithmetic (RFC 1071, RFC 1624) for the xdp2hw program corpus.
 * Sums are taken over 16-bit words as loaded from memory: one's complement addition does not
 * depend on byte order (RFC 1071 §2(B)), so a result stored back as loaded is correct on the wire. */
#ifndef XDP2HW_CSUM_H
#define XDP2HW_CSUM_H

#include <linux/types.h>
#include "hdr.h"

/* Folds a 32-bit one's complement sum to 16 bits (not complemented). */
static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 eqn. 3: the checksum after a 16-bit word of the covered data changes from `from`
 * to `to`: HC' = ~(~HC + ~m + m'). */
static __always_inline void csum_replace16(__sum16 *check, __u16 from, __u16 to)
{
	__u64 sum = (__u16)~*check;

	sum += (__u16)~from;
	sum += to;
	*check = ~csum_fold(sum);
}

/* The same for a 32-bit word (an address): two 16-bit words at once. */
static __always_inline void csum_replace32(__sum16 *check, __u32 from, __u32 to)
{
	__u64 sum = (__u16)~*check;

	sum += (__u16)~(from & 0xffff);
	sum += (__u16)~(from >> 16);
	sum += to & 0xffff;
	sum += to >> 16;
	*check = ~csum_fold(sum);
}

/* Header checksum of an option-less IPv4 header (its check field is read as zero). */
static __always_inline __sum16 ipv4_csum20(const struct ipv4_hdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u64 sum = 0;

#pragma unroll
	for (int i = 0; i < (int)(sizeof(*iph) / 2); i++)
		if (i != 5)
			sum += w[i];
	return ~csum_fold(sum);
}

#endif
