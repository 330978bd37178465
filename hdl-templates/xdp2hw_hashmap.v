// xdp2hw_hashmap: the hash unit of every hash and per-CPU hash map (one CPU) of a program:
// bpf_map_lookup_elem, bpf_map_update_elem (BPF_ANY / BPF_NOEXIST / BPF_EXIST) and
// bpf_map_delete_elem with the kernel's results, exact up to max_entries.
//
// Per map: 2^bits buckets, each a chain of nodes; max_entries nodes, the unused ones on a free list
// (so an insert fails only when the map is full: -E2BIG, as the kernel). A node holds the key here
// (node memory) and its value in the map memory outside (value slot = node, as an array index), so
// a lookup's pointer is an ordinary map-value pointer. A new key goes at the tail of its chain, a
// delete unlinks its node onto the free list, an update of a present key rewrites the value in place.
// Bucket, chain order and cycle counts are isa/hashmap.ts's rules, which the TypeScript core charges:
//   call +PRE, key fetch (one cycle per 8 bytes), head read, one cycle per node compared, then
//   delete +1, update +1 (allocate) +1 per 8 value bytes copied. done (with r0) in the last cycle.
// LPM tries (lpm = 1) use the same nodes as one chain (a single bucket): a lookup walks the whole
// chain and answers the longest prefix that covers the key; update and delete find the entry of
// the same prefix length and prefix; a full trie gives -ENOSPC, a prefix past the key's bits -EINVAL.
// An LPM update of a present prefix rewrites the node's key too (the kernel's new node keeps the
// bytes given). Memories read synchronously (BRAM style); heads, links and keys start from hash_*.hex.
// LRU hash maps (common lists; a map whose lru_tf.hex entry, its target_free, is not 0): the
// kernel's bpf_lru_list as the interpreter models it (simulator/maps/lru.ts), isa/hashmap.ts's
// rules. List nodes 1..NODES are the hash nodes, then five heads a map (active, inactive, free,
// local free, local pending). A node's links and its type and reference bit live in block-RAM
// shaped memories (lprev, lnext, lmeta: one write port, one registered read each); the heads'
// first and last nodes in registers (hfirst, hlast), with per map the active and inactive counts
// and the inactive rotation's node. An update takes its node first in the L_* states: a step
// that only looks at heads takes a cycle, one that reads a node's row two (the read, then the
// decision), one that moves a node three (the read; the unlink, writing the old neighbours'
// links; the link after the head, writing the node's next link and the old first's prev link).
// A node's prev link is not written when it becomes the first of its list (it is read as the
// head then: the list's first node is in a register), which keeps a move at two write cycles.
// Evictions unlink their element from its chain as they go (chains doubly linked: hash_hprev,
// each node's bucket hash_hbkt, read with the node's row); then the walk; the node replaces a
// present key's node in its chain (which is freed) or goes at the tail. A delete, a replacement
// and a failed update free a node (bpf_lru_push_free) from the walk's decision (whose cycle
// read the node's row with its key) into the next cycle, with no cycle of their own.
// Keys, links, bucket heads, chain back links and buckets have one write port each (the writes of
// a cycle are exclusive by state) and one registered read, the shape Yosys maps to block RAM.
`default_nettype none

module xdp2hw_hashmap #(
    parameter integer NODES = 1,               // nodes of every hash map together
    parameter integer BUCKETS = 1,             // buckets of every hash map together
    parameter integer KW = 64,                 // key bits of the node memory (largest key, 8-byte multiple)
    parameter integer MAPS = 1,                // maps of the program (free-list heads by map index)
    parameter integer LRU = 1,                 // 1: some map is an LRU map (0 leaves the LRU engine out: no list moves, no evictions)
    parameter integer NW = $clog2(NODES + 1),  // width of a node link: node + 1, 0 for none (derived)
    parameter integer BW = (BUCKETS > 1) ? $clog2(BUCKETS) : 1, // bucket address width (derived)
    parameter integer MW = (MAPS > 1) ? $clog2(MAPS) : 1        // map index width (derived)
) (
    input  wire          clk,
    input  wire          rst,
    // the call, for one cycle; the map's place, from the top's map table
    input  wire          start,
    input  wire [1:0]    op,          // 1 lookup, 2 update, 3 delete
    input  wire          lpm,         // the map is an LPM trie
    input  wire [15:0]   pre,         // cycles before the key fetch: latency.helperCall + latency.mapLookup.<family> - 2
    input  wire [7:0]    map,         // map index
    input  wire [31:0]   node_base,   // its first node
    /* verilator lint_off UNUSEDSIGNAL */ // the map table's fields are 32 bits wide
    input  wire [31:0]   bucket_base, // its first bucket
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [5:0]    bits,        // log2 of its bucket count
    input  wire [15:0]   key_bytes,
    input  wire [15:0]   value_bytes,
    input  wire [31:0]   value_base,  // map-memory byte offset of its value slot 0
    input  wire [31:0]   stride,      // bytes between value slots
    input  wire [63:0]   key_ptr,     // r2
    input  wire [63:0]   value_ptr,   // r3 (update)
    input  wire [63:0]   flags,       // r4 (update)
    // an LRU map's helper call, for the testbench (the RTL engine replays it on the map model): op, flags
    output wire [1:0]    ev_op,
    output wire [63:0]   ev_flags,
    // one read port (8 bytes at a tagged pointer, combinational) and one map-memory write port
    output reg  [63:0]   rd_ptr,
    input  wire [63:0]   rd_data,
    output reg           wr_en,
    output reg  [31:0]   wr_addr,
    output reg  [7:0]    wr_mask,
    output reg  [63:0]   wr_data,
    // the answer
    output reg           done,
    output reg  [63:0]   r0,
    // events, for the testbench's map dump: a key into a node, a node freed
    output reg           ev_insert,
    output reg           ev_delete,
    output reg  [7:0]    ev_map,
    output reg  [31:0]   ev_node,     // node within its map
    output wire [KW-1:0] ev_key
);
    localparam [31:0] TAG_MAPV = 32'hff000003;
    localparam [31:0] OFF_BASE = 32'h40000000;
    localparam [63:0] ENOENT = 64'hffff_ffff_ffff_fffe;   // -2
    localparam [63:0] E2BIG = 64'hffff_ffff_ffff_fff9;    // -7
    localparam [63:0] EEXIST = 64'hffff_ffff_ffff_ffef;   // -17
    localparam [63:0] EINVAL = 64'hffff_ffff_ffff_ffea;   // -22
    localparam [63:0] ENOSPC = 64'hffff_ffff_ffff_ffe4;   // -28
    localparam [63:0] ENOMEM = 64'hffff_ffff_ffff_fff4;   // -12
    localparam [31:0] HASH_MUL = 32'h9e3779b1;

    localparam [4:0] S_IDLE = 5'd0, S_PRE = 5'd1, S_KEY = 5'd2, S_HEAD = 5'd3, S_FIRST = 5'd4, S_CMP = 5'd5,
                     S_DEL = 5'd6, S_ALLOC = 5'd7, S_COPY = 5'd8,
                     // the LRU engine taking a node (bpf_lru_pop_free, common lists)
                     L_DEC = 5'd9, L_FLUSH = 5'd10, L_ROT = 5'd11, L_ROTA = 5'd12, L_ROTI0 = 5'd13, L_ROTI = 5'd14,
                     L_FREE = 5'd15, L_SHRINK = 5'd16, L_FORCE = 5'd17, L_TAKE = 5'd18;
    // list types (simulator/maps/lru.ts ListType) and the kernel's nr_scans
    localparam [2:0] T_ACTIVE = 3'd0, T_INACTIVE = 3'd1, T_FREE = 3'd2, T_LFREE = 3'd3, T_LPEND = 3'd4;
    localparam [7:0] NR_SCANS = 8'd128, PCPU_SCANS = 8'd4;   // LOCAL_NR_SCANS, PERCPU_NR_SCANS (also PERCPU_FREE_TARGET)
    localparam integer LN = NODES + 1 + 5 * MAPS;      // LRU list nodes: none, a node per hash node, five heads a map
    localparam integer LW = $clog2(LN);
    localparam integer HN = 5 * MAPS;                  // list heads
    localparam integer HIW = $clog2(HN);
    // the node rows of the list memories (heads are registers): none without an LRU map (the
    // engine never runs; its reads are of nothing)
    localparam integer LNM = (LRU != 0) ? NODES + 1 : 2;
    localparam integer LIW = $clog2(LNM);   // their address width
    /* verilator lint_off WIDTH */ // list node numbers (LW bits) against the node count
    localparam [LW-1:0] LAST = NODES;
    /* verilator lint_on WIDTH */
    function is_head;
        input [LW-1:0] node;
        is_head = node > LAST;
    endfunction
    function [LIW-1:0] ln;   // a list node's row (a head's: row 0, never used)
        input [LW-1:0] node;
        /* verilator lint_off UNUSEDSIGNAL */ // rows below LNM
        reg   [LW-1:0] n;
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            n = is_head(node) ? {LW{1'b0}} : node;
            ln = n[LIW-1:0];
        end
    endfunction
    function [HIW-1:0] hx;   // a head's index in hfirst / hlast
        input [LW-1:0] node;
        /* verilator lint_off UNUSEDSIGNAL */ // below HN for every head
        reg   [LW-1:0] d;
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            d = node - LAST - 1'b1;
            hx = d[HIW-1:0];
        end
    endfunction

    reg [KW-1:0] keys  [0:NODES-1];
    reg [NW-1:0] links [0:NODES-1];
    reg [NW-1:0] heads [0:BUCKETS-1];
    reg [NW-1:0] free  [0:MAPS-1];
    reg [NW-1:0] hprev [0:NODES-1];   // a node's predecessor in its chain (0: the chain's first)
    reg [BW-1:0] hbkt  [0:NODES-1];   // a node's bucket
    reg [LW-1:0] lprev [0:LNM-1];     // a node's prev link (stale while the node is its list's first)
    reg [LW-1:0] lnext [0:LNM-1];
    reg [3:0]    lmeta [0:LNM-1];     // list type, reference bit (bit 3)
    reg [LW-1:0] hfirst [0:HN-1];     // a head's first node (the head itself: empty)
    reg [LW-1:0] hlast  [0:HN-1];     // a head's last node
    reg [7:0]    ltf   [0:MAPS-1];    // target_free of an LRU map; 0: not an LRU map
    reg          lpc   [0:MAPS-1];    // an LRU map with per-CPU lists (BPF_F_NO_COMMON_LRU): CPU 0's
    reg [31:0]   cnta  [0:MAPS-1];
    reg [31:0]   cnti  [0:MAPS-1];
    reg [LW-1:0] lrot  [0:MAPS-1];    // the node the next inactive rotation starts from
    initial begin
        $readmemh("hash_keys.hex", keys);
        $readmemh("hash_links.hex", links);
        $readmemh("hash_heads.hex", heads);
        $readmemh("hash_free.hex", free);
        $readmemh("hash_hprev.hex", hprev);
        $readmemh("hash_hbkt.hex", hbkt);
        if (LRU != 0) begin
            $readmemh("lru_prev.hex", lprev);
            $readmemh("lru_next.hex", lnext);
            $readmemh("lru_meta.hex", lmeta);
            $readmemh("lru_first.hex", hfirst);
            $readmemh("lru_last.hex", hlast);
        end
        $readmemh("lru_tf.hex", ltf);
        $readmemh("lru_pcpu.hex", lpc);
        $readmemh("lru_cnta.hex", cnta);
        $readmemh("lru_cnti.hex", cnti);
        $readmemh("lru_rot.hex", lrot);
    end

    reg [4:0]    state;
    reg [1:0]    q_op;
    reg [7:0]    q_map;
    reg [31:0]   q_node_base, q_value_base, q_stride;
    reg [BW-1:0] q_bucket_base;
    reg [5:0]    q_bits;
    reg [15:0]   q_key_bytes, q_value_bytes;
    reg [63:0]   q_key_ptr, q_value_ptr, q_flags;
    reg [15:0]   pre_cnt, beat;
    reg [KW-1:0] key;
    reg [NW-1:0] cur, prev, target, new_node;
    reg [BW-1:0] bucket;
    reg [63:0]   err;
    reg          insert, rekey, q_lpm;
    reg [NW-1:0] best;
    reg [31:0]   best_len;

    // the key as far as key_bytes (bytes past it were fetched but are not the key)
    reg [KW-1:0] kmask;
    integer z;
    always @(*) for (z = 0; z < KW / 8; z = z + 1) kmask[z*8 +: 8] = (z < q_key_bytes) ? 8'hff : 8'h00;
    wire [KW-1:0] key_m = key & kmask;
    assign ev_key = key_m;

    // bucket: top `bits` bits of (XOR of the key's 32-bit words) × HASH_MUL
    reg [31:0] fold;
    integer w;
    always @(*) begin
        fold = 32'd0;
        for (w = 0; w < KW / 32; w = w + 1) fold = fold ^ key_m[w*32 +: 32];
    end
    wire [31:0] prod = fold * HASH_MUL;
    /* verilator lint_off WIDTH */ // a bucket index is below BUCKETS
    /* verilator lint_off UNUSEDSIGNAL */ // the top `bits` bits, below BUCKETS
    wire [31:0] bucket_of = (q_bits == 6'd0) ? 32'd0 : (prod >> (6'd32 - q_bits));
    /* verilator lint_on UNUSEDSIGNAL */
    /* verilator lint_on WIDTH */

    // synchronous reads: the head of a bucket, a node's key and link, the free list's next node
    reg  [NW-1:0] head_q, link_q, freelink_q;
    reg  [KW-1:0] key_q;
    reg  [BW-1:0] head_addr;
    reg  [NW-1:0] node_rd, free_rd;   // node + 1 to read (0: none)
    // node memory addresses: node - 1, cut to the memory's own address width (a link is one bit
    // wider when NODES + 1 crosses a power of two, e.g. 1024 nodes: 11-bit links, 10-bit addresses)
    localparam integer IW = (NODES > 1) ? $clog2(NODES) : 1;
    function [IW-1:0] at;
        input [NW-1:0] node;   // a node that exists (1..NODES)
        /* verilator lint_off UNUSEDSIGNAL */ // above IW, node - 1 is 0 for every node that exists
        reg   [NW-1:0] index;
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            index = node - 1'b1;
            at = index[IW-1:0];
        end
    endfunction
    // The link memory has one registered read: the free list's next node (free_rd, read in the
    // cycle an update's walk ends) or the walked node's link (node_rd); link_q and freelink_q are
    // the one register's two readings (after an update's walk link_q is no longer used).
    reg  [NW-1:0] lq;
    always @(*) begin
        link_q = lq;
        freelink_q = lq;
    end
    // The node rows the LRU engine reads (list links, type and reference bit, chain back link and
    // bucket, and the link above), one node a cycle: lrd, the node it looks at (a list node), or
    // during a walk the walked node (node_rd), whose row a freeing decision uses.
    reg  [LW-1:0] lrd;
    /* verilator lint_off WIDTH */ // a list node that is a hash node: NW bits
    wire [NW-1:0] lrd_h = is_head(lrd) ? {NW{1'b0}} : lrd;
    /* verilator lint_on WIDTH */
    wire [NW-1:0] link_rd = (free_rd != {NW{1'b0}}) ? free_rd : lrd_h;
    reg  [LW-1:0] q_lp, q_ln;
    reg  [3:0]    q_lm;
    reg  [NW-1:0] q_hp;
    reg  [BW-1:0] q_hb;
    // Read every cycle, with no enable (the form Yosys merges into a block RAM's port): a cycle that
    // asks for no node reads a meaningless row, and nothing uses it (S_CMP always follows the read
    // of a node, S_ALLOC the free read, an LRU step's decision the read of its node).
    always @(posedge clk) begin
        head_q <= heads[head_addr];
        key_q <= keys[at(node_rd)];
        lq <= links[at(link_rd)];
        q_lp <= lprev[ln(lrd)];
        q_ln <= lnext[ln(lrd)];
        q_lm <= lmeta[ln(lrd)];
        q_hp <= hprev[at(lrd_h)];
        q_hb <= hbkt[at(lrd_h)];
    end

    /* verilator lint_off WIDTH */ // node links are NW bits, map-memory offsets 32
    wire [31:0] node_in_map = target - 1'b1 - q_node_base;
    wire [31:0] slot = q_value_base + node_in_map * q_stride;
    /* verilator lint_on WIDTH */
    // LPM: the node's prefix (its length in key bytes 0-3, the address from byte 4, most significant bit first)
    wire [31:0] plen_q = key_q[31:0];
    wire [31:0] plen_k = key_m[31:0];
    // Address bit j (byte 4 + j / 8, most significant bit first) is in the prefix when plen > j: a
    // comparison with a constant per bit, no shifter (the same mask as 8'hff << (8 - bits) per
    // byte; Yosys `sat -prove` finds them equal for every 32-bit plen, docs/HARDWARE.md)
    reg  [KW-1:0] pmask;
    integer y, yb;
    always @(*)
        for (y = 0; y < KW / 8; y = y + 1)
            for (yb = 0; yb < 8; yb = yb + 1)
                pmask[y*8 + yb] = (y >= 4) && (plen_q > (y - 4) * 8 + 7 - yb);
    wire        same_prefix = ((key_q ^ key_m) & pmask) == {KW{1'b0}};
    wire        covers = same_prefix && plen_q <= plen_k;
    /* verilator lint_off WIDTH */ // the address bits of the key: (key_bytes - 4) * 8
    wire        bad_len = q_lpm && plen_k > ({16'd0, q_key_bytes} - 32'd4) * 32'd8;
    /* verilator lint_on WIDTH */
    // hash: the same key; LPM update / delete: the same prefix; an LPM lookup walks every node
    wire        hit = !q_lpm ? (key_q == key_m) : (q_op != 2'd1 && same_prefix && plen_q == plen_k);
    // an LPM lookup's best node so far, this node included
    wire        better = q_lpm && state == S_CMP && covers && (best == {NW{1'b0}} || plen_q > best_len);
    wire [NW-1:0] best_now = better ? cur : best;
    /* verilator lint_off UNUSEDSIGNAL */ // value bytes left to copy: only whether 8 or more, else the count
    wire [18:0] left = {3'd0, q_value_bytes} - {beat, 3'd0};
    /* verilator lint_on UNUSEDSIGNAL */

    // what the walk decided this cycle (S_FIRST: an empty chain; S_CMP: a match, or the chain's end)
    wire        decide = (state == S_FIRST && head_q == {NW{1'b0}}) || (state == S_CMP && (hit || link_q == {NW{1'b0}}));
    wire        found = (state == S_CMP && hit);
    wire [NW-1:0] last = (state == S_CMP) ? cur : {NW{1'b0}};   // the chain's last node when not found
    /* verilator lint_off UNUSEDSIGNAL */ // map indexes are 8 bits; MAPS of them exist
    wire [7:0] q_map_w = q_map;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [MW-1:0] fm = q_map_w[MW-1:0];
    wire [NW-1:0] free_head = free[fm];
    wire [63:0] upd_err = (q_flags > 64'd2 || bad_len) ? EINVAL : (q_lru && !pop_ok) ? ENOMEM : (found && q_flags == 64'd1) ? EEXIST
                        : (!found && q_flags == 64'd2) ? ENOENT : (!q_lru && !found && free_head == {NW{1'b0}}) ? (q_lpm ? ENOSPC : E2BIG) : 64'd0;
    wire [15:0] value_beats = (q_value_bytes + 16'd7) >> 3;

    // -- the LRU engine (LRU maps): the map's list heads, the list step of this cycle
    reg           q_lru, op_ev, pop_ok, replace;
    reg  [1:0]    ph;   // an L_* step's cycle: 0 decide from the heads (reading a node), 1 its row (decide, unlink), 2 the move's link
    reg  [LW-1:0] pop_node, pop_next, lstep, lfirst, llast, lcur;
    reg  [NW-1:0] repl_link;
    reg  [7:0]    li, nfree, ldone, want;
    /* verilator lint_off WIDTH */ // list node numbers: LW bits
    wire [LW-1:0] h_a = NODES + 1 + 5 * fm;
    wire [LW-1:0] h_i = h_a + 1, h_f = h_a + 2, h_lf = h_a + 3, h_lp = h_a + 4;
    /* verilator lint_on WIDTH */
    wire [HIW-1:0] hb = hx(h_a);   // the map's first head's index
    /* verilator lint_off WIDTH */ // a list type (3 bits) added to a head index or node
    wire [LW-1:0] a_first = hfirst[hb], a_tail = hlast[hb], i_first = hfirst[hb + 3'd1], i_tail = hlast[hb + 3'd1];
    wire [LW-1:0] f_first = hfirst[hb + 3'd2], lf_first = hfirst[hb + 3'd3], lp_tail = hlast[hb + 3'd4];
    /* verilator lint_on WIDTH */
    wire          force_inactive = i_first != h_i;
    wire [LW-1:0] force_tail = force_inactive ? i_tail : a_tail;
    wire [LW-1:0] force_head = force_inactive ? h_i : h_a;
    // per-CPU lists (BPF_F_NO_COMMON_LRU): no local lists; nr_scans 4, evictions into the free
    // list, the node taken from it into the inactive list
    reg           q_pcpu;
    wire [7:0]    nr_scans = q_pcpu ? PCPU_SCANS : NR_SCANS;
    wire [2:0]    t_evict = q_pcpu ? T_FREE : T_LFREE;
    wire [2:0]    t_take = q_pcpu ? T_INACTIVE : T_LPEND;
    wire [LW-1:0] take_first = q_pcpu ? f_first : lf_first;
    wire [LW-1:0] take_head = q_pcpu ? h_f : h_lf;
    // the LRU update's outcome in its deciding cycle: a present key's node replaced (and freed), or
    // the update failed after taking its node (which goes back)
    wire          deciding = (state == S_FIRST || state == S_CMP) && decide;
    wire          lru_replace = q_lru && q_op == 2'd2 && deciding && found && upd_err == 64'd0;
    wire          pop_back = q_lru && q_op == 2'd2 && deciding && upd_err != 64'd0 && pop_ok;
    wire          walk_free = q_lru && deciding && ((q_op == 2'd3 && found) || lru_replace || pop_back);
    // The row of the node this cycle works on (read last cycle: q_*): an L_* step's node (lstep),
    // the walked node at a decision, or a failed update's node, the local pending list's first
    // since its take, whose next link the take kept (pop_next). Its prev link is its list's head
    // when it is the list's first (the memory's is stale then).
    /* verilator lint_off WIDTH */ // a chain node (NW bits) as a list node (LW bits)
    wire [LW-1:0] r_node = pop_back ? pop_node : deciding ? cur : lstep;
    /* verilator lint_on WIDTH */
    wire [2:0]    r_type = pop_back ? t_take : q_lm[2:0];
    wire          r_ref = q_lm[3];
    wire [LW-1:0] r_next = pop_back ? pop_next : q_ln;
    /* verilator lint_off WIDTH */ // a list type (3 bits) added to a head index or node
    wire [HIW-1:0] r_hi = hb + r_type;
    wire [LW-1:0] r_prev = (hfirst[r_hi] == r_node) ? h_a + r_type : q_lp;
    /* verilator lint_on WIDTH */
    wire [LW-1:0] rot_next = is_head(lrot[fm]) ? hfirst[hx(lrot[fm])] : q_ln;   // L_ROTI0's row: the rotation node's
    // a node's move to the head of a list (list_move, counts, reference cleared), an eviction:
    // this cycle the unlink (the old neighbours' links), next cycle (m2_*) the link after the head
    reg           mv_en, evict;
    reg  [LW-1:0] mv_n;
    reg  [2:0]    mv_t;
    always @(*) begin
        mv_en = 1'b0;
        evict = 1'b0;
        mv_n = r_node;
        mv_t = T_ACTIVE;
        if (ph == 2'd1) case (state)
            L_FLUSH, L_ROTA: begin mv_en = 1'b1; mv_t = r_ref ? T_ACTIVE : T_INACTIVE; end
            L_ROTI: mv_en = r_ref;
            L_FREE: begin mv_en = 1'b1; mv_t = T_LFREE; end
            L_SHRINK: begin mv_en = 1'b1; mv_t = r_ref ? T_ACTIVE : t_evict; evict = !r_ref; end
            L_FORCE: begin mv_en = 1'b1; mv_t = t_evict; evict = 1'b1; end
            L_TAKE: begin mv_en = 1'b1; mv_t = t_take; end
            default: ;
        endcase
        // bpf_lru_push_free from the walk's decision: a deleted node, a replaced one, a failed update's
        if (walk_free) begin
            mv_en = 1'b1;
            mv_t = (r_type == T_LPEND) ? T_LFREE : T_FREE;
        end
        if (LRU == 0 || rst) begin
            mv_en = 1'b0;
            evict = 1'b0;
        end
    end
    wire [LW-1:0] mv_p = r_prev, mv_x = r_next;
    /* verilator lint_off WIDTH */ // a list type selects one of the map's five heads
    wire [LW-1:0] mv_h = h_a + mv_t;
    wire [LW-1:0] mv_h1 = (mv_p == mv_h) ? mv_x : hfirst[hb + mv_t];   // list_move: unlink, then insert after the head
    /* verilator lint_on WIDTH */
    wire [2:0]    mv_ot = r_type;
    reg           m2_en;
    reg  [LW-1:0] m2_n, m2_h, m2_h1;
    // an eviction's chain unlink (its node is a hash node): its back link, link and bucket, read with its row
    wire [NW-1:0] ev_hp = q_hp;
    wire [NW-1:0] ev_hx = lq;
    assign ev_op = op_ev ? q_op : 2'd0;
    assign ev_flags = q_flags;
    wire [15:0] key_beats = (q_key_bytes + 16'd7) >> 3;

    always @(*) begin
        rd_ptr = 64'd0;
        head_addr = q_bucket_base + bucket_of[BW-1:0];
        node_rd = {NW{1'b0}};
        free_rd = {NW{1'b0}};
        case (state)
            S_KEY: rd_ptr = q_key_ptr + {45'd0, beat, 3'd0};
            S_FIRST: begin
                node_rd = head_q;
                if (decide && q_op == 2'd2) free_rd = free_head;
            end
            S_CMP: begin
                node_rd = link_q;
                if (decide && q_op == 2'd2) free_rd = free_head;
            end
            S_COPY: rd_ptr = q_value_ptr + {45'd0, beat, 3'd0};
            default: ;
        endcase
        // the node row read: an L_* step's node (read in its first cycle, used in its second), the walked node
        /* verilator lint_off WIDTH */ // a chain node (NW bits) as a list node (LW bits)
        lrd = node_rd;
        /* verilator lint_on WIDTH */
        case (state)
            L_FLUSH: lrd = lp_tail;
            L_ROTA: lrd = a_tail;
            L_ROTI0: lrd = lrot[fm];
            L_ROTI: lrd = lcur;
            L_FREE: lrd = f_first;
            L_SHRINK: lrd = i_tail;
            L_FORCE: lrd = force_tail;
            L_TAKE: lrd = take_first;
            default: ;
        endcase
    end

    // One write port per memory (keys, heads, links, the chains' back links and buckets, the list
    // links and meta), its address and data chosen here; the writes
    // of a cycle are exclusive by state. At the walk's decision: a delete unlinks (head or link :=
    // the node's link); an update writes the new key and links the new node at the tail (head or
    // link := the free node, an LRU map's taken node) or, on an LRU map, in the found node's place
    // (head or the predecessor's link := the taken node), or on an LPM trie rewrites a present
    // node's key. An eviction (L_SHRINK, L_FORCE) unlinks its node from its chain. S_DEL links the
    // freed node onto the free list; S_ALLOC ends the new node's chain, or gives an LRU
    // replacement's node the replaced node's successor (and that successor its back link).
    wire          walk_end = !rst && (state == S_FIRST || state == S_CMP) && decide;
    wire          upd_ok = walk_end && q_op == 2'd2 && upd_err == 64'd0;
    wire [NW-1:0] pop_h = pop_node[NW-1:0];
    reg           key_we, head_we, link_we;
    reg  [IW-1:0] key_wa, link_wa;
    reg  [BW-1:0] head_wa;
    reg  [NW-1:0] head_wd, link_wd;
    always @(*) begin
        key_we = 1'b0; key_wa = at(free_head);
        head_we = 1'b0; head_wa = bucket; head_wd = free_head;
        link_we = 1'b0; link_wa = at(last); link_wd = free_head;
        if (walk_end && q_op == 2'd3 && found) begin
            if (prev == {NW{1'b0}}) begin head_we = 1'b1; head_wd = link_q; end
            else begin link_we = 1'b1; link_wa = at(prev); link_wd = link_q; end
        end
        if (upd_ok && q_lru) begin
            key_we = 1'b1; key_wa = at(pop_h);
            head_wd = pop_h; link_wd = pop_h;
            if (found) begin
                if (prev == {NW{1'b0}}) head_we = 1'b1;
                else begin link_we = 1'b1; link_wa = at(prev); end
            end else begin
                if (last == {NW{1'b0}}) head_we = 1'b1;
                else link_we = 1'b1;
            end
        end
        if (upd_ok && !q_lru && q_lpm && found) begin key_we = 1'b1; key_wa = at(cur); end
        if (upd_ok && !q_lru && !found) begin
            key_we = 1'b1;
            if (last == {NW{1'b0}}) head_we = 1'b1;
            else link_we = 1'b1;
        end
        if (evict) begin
            if (ev_hp == {NW{1'b0}}) begin head_we = 1'b1; head_wa = q_hb; head_wd = ev_hx; end
            else begin link_we = 1'b1; link_wa = at(ev_hp); link_wd = ev_hx; end
        end
        if (!rst && state == S_DEL && insert && !q_lru) begin link_we = 1'b1; link_wa = at(target); link_wd = free[fm]; end
        if (!rst && state == S_ALLOC && insert) begin link_we = 1'b1; link_wa = at(new_node); link_wd = {NW{1'b0}}; end
        if (!rst && state == S_ALLOC && replace) begin link_we = 1'b1; link_wa = at(new_node); link_wd = repl_link; end
    end
    // the chains' back links and buckets: an eviction's successor, a deleted node's successor, a new node
    reg           hp_we, hb_we;
    reg  [IW-1:0] hp_wa, hb_wa;
    reg  [NW-1:0] hp_wd;
    always @(*) begin
        hp_we = 1'b0; hp_wa = at(ev_hx); hp_wd = ev_hp;
        hb_we = 1'b0; hb_wa = at(free_head);
        if (evict && ev_hx != {NW{1'b0}}) hp_we = 1'b1;
        if (walk_end && q_op == 2'd3 && found && link_q != {NW{1'b0}}) begin hp_we = 1'b1; hp_wa = at(link_q); hp_wd = prev; end
        if (upd_ok && q_lru) begin
            hp_we = 1'b1; hp_wa = at(pop_h); hp_wd = found ? prev : last;
            hb_we = 1'b1; hb_wa = at(pop_h);
        end
        if (upd_ok && !q_lru && !found) begin
            hp_we = 1'b1; hp_wa = at(free_head); hp_wd = last;
            hb_we = 1'b1;
        end
        if (!rst && state == S_ALLOC && replace && repl_link != {NW{1'b0}}) begin hp_we = 1'b1; hp_wa = at(repl_link); hp_wd = new_node; end
    end
    // the list memories: a move's unlink (lnext of its prev, lprev of its next, its type) this cycle,
    // its link after the head (its lnext, lprev of the old first) the next; a lookup's reference bit;
    // a replacement's new node referenced (in S_ALLOC, after the replaced node's unlink)
    reg           lnx_we, lpv_we, lmt_we;
    reg  [LIW-1:0] lnx_wa, lpv_wa, lmt_wa;
    reg  [LW-1:0] lnx_wd, lpv_wd;
    reg  [3:0]    lmt_wd;
    /* verilator lint_off WIDTH */ // a chain node (NW bits) as a list node (LW bits)
    wire [LW-1:0] cur_l = cur;
    /* verilator lint_on WIDTH */
    always @(*) begin
        lnx_we = 1'b0; lnx_wa = ln(m2_n); lnx_wd = m2_h1;
        lpv_we = 1'b0; lpv_wa = ln(m2_h1); lpv_wd = m2_n;
        lmt_we = 1'b0; lmt_wa = ln(mv_n); lmt_wd = {1'b0, mv_t};
        if (m2_en && !rst) begin
            lnx_we = 1'b1;
            lpv_we = !is_head(m2_h1);
        end else if (mv_en) begin
            if (!is_head(mv_p)) begin lnx_we = 1'b1; lnx_wa = ln(mv_p); lnx_wd = mv_x; end
            if (!is_head(mv_x)) begin lpv_we = 1'b1; lpv_wa = ln(mv_x); lpv_wd = mv_p; end
        end
        if (mv_en) lmt_we = 1'b1;
        else if (walk_end && q_op == 2'd1 && found && q_lru) begin lmt_we = 1'b1; lmt_wa = ln(cur_l); lmt_wd = {1'b1, q_lm[2:0]}; end
        else if (!rst && state == S_ALLOC && replace) begin lmt_we = 1'b1; lmt_wa = ln(pop_node); lmt_wd = {1'b1, t_take}; end
        if (LRU == 0) begin
            lnx_we = 1'b0;
            lpv_we = 1'b0;
            lmt_we = 1'b0;
        end
    end
    always @(posedge clk) begin
        if (key_we) keys[key_wa] <= key_m;
        if (head_we) heads[head_wa] <= head_wd;
        if (link_we) links[link_wa] <= link_wd;
        if (hp_we) hprev[hp_wa] <= hp_wd;
        if (hb_we) hbkt[hb_wa] <= bucket;
        if (lnx_we) lnext[lnx_wa] <= lnx_wd;
        if (lpv_we) lprev[lpv_wa] <= lpv_wd;
        if (lmt_we) lmeta[lmt_wa] <= lmt_wd;
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            op_ev <= 1'b0;
            ph <= 2'd0;
            m2_en <= 1'b0;
        end else begin
            op_ev <= 1'b0;
            m2_en <= mv_en;
            m2_n <= mv_n;
            m2_h <= mv_h;
            m2_h1 <= mv_h1;
            if (mv_en) begin   // the unlink; the lists' first and last nodes in registers
                if (is_head(mv_p)) hfirst[hx(mv_p)] <= mv_x;
                if (is_head(mv_x)) hlast[hx(mv_x)] <= mv_p;
                if (mv_ot != mv_t) begin
                    if (mv_ot == T_ACTIVE) cnta[fm] <= cnta[fm] - 32'd1;
                    if (mv_ot == T_INACTIVE) cnti[fm] <= cnti[fm] - 32'd1;
                    if (mv_t == T_ACTIVE) cnta[fm] <= cnta[fm] + 32'd1;
                    if (mv_t == T_INACTIVE) cnti[fm] <= cnti[fm] + 32'd1;
                end
                if (mv_n == lrot[fm]) lrot[fm] <= mv_p;
            end
            if (m2_en) begin   // the link after the head (h1 is a head only when it is the head: the list was empty)
                hfirst[hx(m2_h)] <= m2_n;
                if (m2_h1 == m2_h) hlast[hx(m2_h)] <= m2_n;
            end
            if (ph == 2'd2) ph <= 2'd0;   // an L_* move's second write cycle: the machine waits
            else case (state)
                S_IDLE: if (start) begin
                    q_op <= op; q_map <= map; q_lpm <= lpm;
                    q_lru <= LRU != 0 && ltf[map[MW-1:0]] != 8'd0;
                    q_pcpu <= LRU != 0 && lpc[map[MW-1:0]];
                    best <= {NW{1'b0}};
                    best_len <= 32'd0; q_node_base <= node_base; q_bucket_base <= bucket_base[BW-1:0];
                    q_bits <= bits; q_key_bytes <= key_bytes; q_value_bytes <= value_bytes;
                    q_value_base <= value_base; q_stride <= stride;
                    q_key_ptr <= key_ptr; q_value_ptr <= value_ptr; q_flags <= flags;
                    key <= {KW{1'b0}};
                    beat <= 16'd0;
                    pre_cnt <= pre;
                    state <= (pre != 16'd0) ? S_PRE : S_KEY;
                end
                S_PRE: begin
                    pre_cnt <= pre_cnt - 16'd1;
                    if (pre_cnt == 16'd1) state <= S_KEY;
                end
                S_KEY: begin
                    key[beat*64 +: 64] <= rd_data;
                    beat <= beat + 16'd1;
                    if (beat + 16'd1 == key_beats) begin
                        // an LRU update with valid flags takes its node first
                        state <= (q_lru && q_op == 2'd2 && q_flags <= 64'd2) ? (q_pcpu ? L_ROT : L_DEC) : S_HEAD;
                        op_ev <= q_lru;
                        pop_ok <= 1'b0;
                    end
                end
                // an L_* step: in its first cycle (ph 0) it decides from the heads and reads its node (lrd),
                // in the next (ph 1) it decides from the node's row and unlinks it (mv_en), in a third
                // (ph 2) the move links it after its new head
                L_DEC: state <= (lf_first != h_lf) ? L_TAKE : L_FLUSH;
                L_FLUSH: if (ph == 2'd1) ph <= 2'd2;
                else if (lp_tail == h_lp) state <= L_ROT;
                else begin lstep <= lrd; ph <= 2'd1; end
                L_ROT: if (cnti[fm] < cnta[fm]) begin
                    lfirst <= a_first;
                    li <= 8'd0;
                    state <= L_ROTA;
                end else state <= L_ROTI0;
                L_ROTA: if (ph == 2'd1) begin
                    ph <= 2'd2;
                    li <= li + 8'd1;
                    if (li + 8'd1 == nr_scans || lstep == lfirst) state <= L_ROTI0;
                end else if (a_tail == h_a) state <= L_ROTI0;
                else begin lstep <= lrd; ph <= 2'd1; end
                L_ROTI0: if (ph == 2'd1) begin
                    llast <= (rot_next == h_i) ? i_first : rot_next;
                    lcur <= lrot[fm];
                    li <= 8'd0;
                    ph <= 2'd0;
                    state <= L_ROTI;
                end else begin
                    nfree <= 8'd0;
                    if (i_first == h_i) state <= L_FREE;
                    else ph <= 2'd1;
                end
                L_ROTI: if (ph == 2'd1) begin   // r_prev: the node's prev before its move
                    ph <= r_ref ? 2'd2 : 2'd0;
                    if (lcur == llast || li + 8'd1 == nr_scans) begin
                        lrot[fm] <= r_prev;   // after the move's own update of it
                        state <= L_FREE;
                    end else begin
                        lcur <= r_prev;
                        li <= li + 8'd1;
                    end
                end else if (lcur == h_i) lcur <= i_tail;
                else begin lstep <= lrd; ph <= 2'd1; end
                L_FREE: if (q_pcpu) begin   // per-CPU lists: a free node to take, else a shrink into the free list
                    if (f_first != h_f) state <= L_TAKE;
                    else begin
                        want <= PCPU_SCANS;
                        ldone <= 8'd0;
                        li <= 8'd0;
                        state <= L_SHRINK;
                    end
                end else if (ph == 2'd1) begin
                    nfree <= nfree + 8'd1;
                    ph <= 2'd2;
                end else if (nfree < ltf[fm] && f_first != h_f) begin lstep <= lrd; ph <= 2'd1; end
                else if (nfree < ltf[fm]) begin
                    want <= ltf[fm] - nfree;
                    ldone <= 8'd0;
                    li <= 8'd0;
                    state <= L_SHRINK;
                end else state <= L_TAKE;
                L_SHRINK: if (ph == 2'd1) begin
                    ph <= 2'd2;
                    ldone <= ldone + {7'd0, evict};
                    li <= li + 8'd1;
                    if ((evict && ldone + 8'd1 == want) || li + 8'd1 == nr_scans)
                        state <= (ldone + {7'd0, evict} != 8'd0) ? L_TAKE : L_FORCE;
                end else if (i_tail == h_i) state <= (ldone != 8'd0) ? L_TAKE : L_FORCE;
                else begin lstep <= lrd; ph <= 2'd1; end
                L_FORCE: if (ph == 2'd1) begin
                    ph <= 2'd2;
                    state <= L_TAKE;
                end else if (force_tail != force_head) begin lstep <= lrd; ph <= 2'd1; end
                else state <= L_TAKE;
                L_TAKE: if (ph == 2'd1) begin
                    pop_ok <= 1'b1;
                    pop_node <= lstep;
                    pop_next <= mv_h1;   // its next link once it is the local pending (per-CPU: inactive) list's first
                    ph <= 2'd2;
                    state <= S_HEAD;
                end else if (take_first != take_head) begin lstep <= lrd; ph <= 2'd1; end
                else begin
                    pop_ok <= 1'b0;
                    state <= S_HEAD;
                end
                S_HEAD: begin   // head_addr is read at this edge
                    bucket <= head_addr;
                    state <= S_FIRST;
                end
                S_FIRST, S_CMP: begin
                    if (better) begin
                        best <= cur;
                        best_len <= plen_q;
                    end
                    if (!decide) begin   // the next node (node_rd) is read at this edge
                        prev <= cur;
                        cur <= (state == S_FIRST) ? head_q : link_q;
                        if (state == S_FIRST) prev <= {NW{1'b0}};
                        state <= S_CMP;
                    end else if (q_op == 2'd1) begin   // lookup: answered now (an LRU node's reference bit set)
                        target <= cur;   // the reference bit: the list memories' write port
                        state <= S_IDLE;
                    end else if (q_op == 2'd3) begin   // delete: unlink now, free next cycle
                        target <= cur;
                        insert <= found;
                        state <= S_DEL;
                    end else if (q_lru) begin   // LRU update: the taken node at the tail, or in the found node's place
                        err <= upd_err;
                        insert <= !found && upd_err == 64'd0;
                        replace <= lru_replace;
                        rekey <= 1'b0;
                        target <= pop_node[NW-1:0];
                        new_node <= pop_node[NW-1:0];
                        repl_link <= link_q;   // the replaced node's successor: the new node's link, written in S_ALLOC
                        state <= S_ALLOC;   // keys, heads, links, back links, buckets: the write ports above
                    end else begin   // update: link a new node at the tail, or take the found one
                        err <= upd_err;
                        insert <= !found && upd_err == 64'd0;
                        replace <= 1'b0;
                        rekey <= q_lpm && found && upd_err == 64'd0;
                        target <= found ? cur : free_head;
                        new_node <= free_head;
                        state <= S_ALLOC;   // keys, heads, links, back links, buckets: the write ports above
                    end
                end
                S_DEL: begin
                    if (insert && !q_lru) free[fm] <= target;
                    state <= S_IDLE;
                end
                S_ALLOC: begin
                    if (insert && !q_lru) free[fm] <= freelink_q;
                    beat <= 16'd0;
                    state <= S_COPY;
                end
                S_COPY: begin
                    beat <= beat + 16'd1;
                    if (beat + 16'd1 == value_beats) state <= S_IDLE;
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    // the answer and the map-memory write, combinational in the cycle they happen
    always @(*) begin
        done = 1'b0;
        r0 = 64'd0;
        wr_en = 1'b0;
        wr_addr = 32'd0;
        wr_mask = 8'd0;
        wr_data = rd_data;
        ev_insert = 1'b0;
        ev_delete = 1'b0;
        ev_map = q_map;
        ev_node = node_in_map;
        /* verilator lint_off WIDTH */ // list and chain node numbers in a 32-bit node index
        if (evict) begin   // an LRU eviction
            ev_delete = 1'b1;
            ev_node = mv_n - 1'b1 - q_node_base;
        end
        if (lru_replace) begin   // the replaced node of an LRU update (freed when the update allocates)
            ev_delete = 1'b1;
            ev_node = cur - 1'b1 - q_node_base;
        end
        /* verilator lint_on WIDTH */
        if ((state == S_FIRST || state == S_CMP) && decide && q_op == 2'd1) begin
            done = 1'b1;
            /* verilator lint_off WIDTH */ // a node link (NW bits) in a 32-bit offset
            r0 = q_lpm ? ((best_now != {NW{1'b0}}) ? {TAG_MAPV, OFF_BASE + q_value_base + (best_now - 1'b1 - q_node_base) * q_stride} : 64'd0)
                       : found ? {TAG_MAPV, OFF_BASE + q_value_base + (cur - 1'b1 - q_node_base) * q_stride} : 64'd0;
            /* verilator lint_on WIDTH */
        end
        if (state == S_DEL) begin
            done = 1'b1;
            r0 = insert ? 64'd0 : bad_len ? EINVAL : ENOENT;
            ev_delete = insert;
        end
        if (state == S_ALLOC) ev_insert = insert || rekey || replace;
        if (state == S_COPY) begin
            wr_en = (err == 64'd0);
            wr_addr = slot + {13'd0, beat, 3'd0};
            wr_mask = (left >= 19'd8) ? 8'hff : ((8'h01 << left[3:0]) - 8'h01);
            if (beat + 16'd1 == value_beats) begin
                done = 1'b1;
                r0 = err;
            end
        end
    end
endmodule

`default_nettype wire
