// xdp2hw_helpers: the XDP helpers that move the packet or read memory, beside the map unit in
// xdp2hw_top. It keeps the packet's frame offsets (data_meta, data, data_end; the frame as the
// kernel's test run builds it: HEADROOM bytes of headroom, data_end at most FRAME_END) and answers
//   bpf_csum_diff (28)        a data engine reads `from` then `to`, 8 bytes a cycle through the
//                             helper's memory read port, and folds the sums;
//   bpf_xdp_adjust_head (44)  data (and data_meta with it) moves, the kernel's bounds and -EINVAL;
//   bpf_xdp_adjust_meta (54)  data_meta moves, -EINVAL / -EACCES as the kernel;
//   bpf_xdp_adjust_tail (65)  data_end moves; of a grown tail the bytes that may be stale (below
//                             the highest data_end of this packet, `high_off`: the packet path
//                             zeroes the frame above it before each packet) are zero-filled 8
//                             bytes a cycle through the helper's packet write port;
//   bpf_perf_event_output (25) the record streams out on `ev_*` to the host: a header beat in
//                             the call's cycle (index, packet length, map, errno), then the data
//                             (r4, r5 bytes) and the packet sample (flags bits 32-51 bytes from
//                             data, when the flags are valid and it fits the packet) 8 bytes a
//                             cycle, read as csum_diff's buffers are; the kernel's test-run
//                             results (-EINVAL, -EFAULT, -E2BIG past the map's max_entries, else
//                             -ENOENT: no perf event is open). No backpressure: the host side
//                             (a DMA engine, the testbench) takes a beat a cycle.
// It answers (done, r0) HELPER_CALL cycles after the call plus the cycles its data engine adds
// (isa/timing.ts helperDataCycles: the rule the TypeScript core charges); the core holds fetch
// until then, so no row touches the packet while the engine runs. The emitter refuses a program that calls both adjust_head and
// adjust_meta (a head move with metadata would copy it; this unit has no copy engine).
`default_nettype none

module xdp2hw_helpers #(
    parameter integer PAW = 12,                // packet buffer address width
    parameter integer HEADROOM = 256,          // XDP_PACKET_HEADROOM: data at packet start
    parameter integer FRAME_END = 3776,        // largest data_end (4096 less skb_shared_info)
    parameter integer HELPER_CALL = 1,         // latency.helperCall (csum_diff needs 1: the emitter checks)
    parameter integer CW = 16                  // width of the cycle counts
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  start,        // a packet starts: the offsets reset
    input  wire [31:0]           pkt_len,
    input  wire                  call_valid,   // the call's row issues this cycle, to this unit
    input  wire [31:0]           call_id,
    input  wire [5*64-1:0]       call_args,    // r1..r5, r1 lowest
    output reg                   hit,          // this unit answers call_id
    output wire                  done,         // the answer: in the call's cycle or later
    output wire [63:0]           r0,           // the result, while done
    // the packet's frame offsets
    output reg  [31:0]           meta_off,
    output reg  [31:0]           data_off,
    output reg  [31:0]           end_off,
    output reg  [31:0]           high_off,     // the highest data_end of this packet: zero above
    // the data engine's memory read (a tagged pointer, routed by the top) and packet write
    output wire [63:0]           rd_ptr,
    output wire                  rd_busy,      // the engine reads (the top gives it the ports)
    input  wire [63:0]           rd_data,
    output wire [PAW-1:0]        pw_addr,
    output wire [7:0]            pw_we,
    output wire [63:0]           pw_data,
    // bpf_perf_event_output: max_entries of the map r2 names; the record stream
    input  wire [31:0]           perf_max,
    output wire                  ev_valid,     // a beat this cycle
    output wire [1:0]            ev_kind,      // 0 header {index, packet length[15:0], map, errno}, 1 data, 2 sample
    output wire [3:0]            ev_bytes,     // bytes of the beat (data, sample), low first
    output wire [63:0]           ev_data
);
    localparam [31:0] ETH_HLEN = 32'd14;
    localparam [31:0] XDP_FRAME = 32'd40;      // sizeof(struct xdp_frame), kept at the frame's start
    localparam [63:0] EINVAL = 64'hffffffffffffffea;   // -22
    localparam [63:0] EACCES = 64'hfffffffffffffff3;   // -13
    localparam [31:0] TAG_PKT = 32'hff000001;
    localparam [31:0] OFF_BASE = 32'h40000000;
    localparam [19:0] PERF_LEN_BITS = 20'hfffff;

    wire [63:0] a1 = call_args[0 +: 64];
    wire [63:0] a2 = call_args[64 +: 64];
    wire [63:0] a3 = call_args[128 +: 64];
    wire [63:0] a4 = call_args[192 +: 64];
    wire [63:0] a5 = call_args[256 +: 64];
    /* verilator lint_off UNUSEDSIGNAL */ // the helpers here read the low words of r1-r5
    wire [31:0] hi_unused = a1[63:32] ^ a2[63:32] ^ a3[63:32] ^ a4[63:32] ^ a5[63:32];
    /* verilator lint_on UNUSEDSIGNAL */
    wire signed [33:0] off = {{2{a2[31]}}, a2[31:0]};   // the adjust_* delta, s32
    wire signed [33:0] s_meta = {2'b00, meta_off};
    wire signed [33:0] s_data = {2'b00, data_off};
    wire signed [33:0] s_end = {2'b00, end_off};
    wire signed [33:0] new_data = s_data + off;
    wire signed [33:0] new_meta = s_meta + off;
    wire signed [33:0] new_end = s_end + off;
    wire signed [33:0] metalen_new = s_data - new_meta;
    wire signed [33:0] metalen = s_data - s_meta;
    wire head_ok = !(new_data < $signed({2'b00, XDP_FRAME}) + metalen) && !(new_data > s_end - $signed({2'b00, ETH_HLEN}));
    wire meta_range = !(new_meta < $signed({2'b00, XDP_FRAME})) && !(new_meta > s_data);
    wire meta_len_ok = metalen_new[1:0] == 2'b00 && !(metalen_new > 34'sd255);
    wire tail_ok = !(new_end > $signed({2'b00, FRAME_END[31:0]})) && !(new_end < s_data + $signed({2'b00, ETH_HLEN}));

    // 8-byte beats of csum_diff's buffers and of a grown tail
    /* verilator lint_off UNUSEDSIGNAL */ // the verifier bounds the byte counts: CW bits hold the beats
    wire [31:0] fwords = (a2[31:0] >> 3) + {31'd0, a2[2:0] != 3'd0};
    wire [31:0] twords = (a4[31:0] >> 3) + {31'd0, a4[2:0] != 3'd0};
    wire [31:0] stale = high_off - end_off;                       // bytes past data_end that may be old
    wire [31:0] fill = (a2[31:0] < stale) ? a2[31:0] : stale;       // of a grow by r2 > 0: the ones to zero
    wire [31:0] gwords = (fill >> 3) + {31'd0, fill[2:0] != 3'd0};
    // perf_event_output: flags (r3) bits 32-51 the sample length, 52-63 must be 0; the low word the
    // index (BPF_F_CURRENT_CPU: CPU 0); data r5 bytes
    wire [19:0] p_sample = a3[51:32] & PERF_LEN_BITS;
    wire [31:0] p_len = end_off - data_off;
    wire        p_bad = a3[63:52] != 12'd0;
    wire        p_fault = {12'd0, p_sample} > p_len;
    wire [31:0] p_index = (a3[31:0] == 32'hffffffff) ? 32'd0 : a3[31:0];
    wire [7:0]  p_errno = p_bad ? 8'd22 : p_fault ? 8'd14 : (p_index >= perf_max) ? 8'd7 : 8'd2;
    wire        p_copy = !p_bad && !p_fault && p_sample != 20'd0;
    wire [31:0] p_dwords = (a5[31:0] >> 3) + {31'd0, a5[2:0] != 3'd0};
    wire [31:0] p_swords = p_copy ? ({12'd0, p_sample} >> 3) + {31'd0, p_sample[2:0] != 3'd0} : 32'd0;
    /* verilator lint_on UNUSEDSIGNAL */

    reg  [63:0]  r0_now;   // adjust_*: the result, from the offsets at the call
    reg  [CW-1:0] extra;   // the data engine's cycles
    always @(*) begin
        hit = 1'b1;
        r0_now = 64'd0;
        extra = {CW{1'b0}};
        case (call_id)
            32'd25: begin
                r0_now = -{56'd0, p_errno};
                extra = p_dwords[CW-1:0] + p_swords[CW-1:0];
            end
            32'd28: extra = fwords[CW-1:0] + twords[CW-1:0];
            32'd44: r0_now = head_ok ? 64'd0 : EINVAL;
            32'd54: r0_now = !meta_range ? EINVAL : !meta_len_ok ? EACCES : 64'd0;
            32'd65: begin
                r0_now = tail_ok ? 64'd0 : EINVAL;
                extra = (off > 34'sd0) ? gwords[CW-1:0] : {CW{1'b0}};
            end
            default: hit = 1'b0;
        endcase
    end

    // the answer: HELPER_CALL + extra cycles after the call (in its own cycle when that is 0)
    wire [CW-1:0] lat = HELPER_CALL[CW-1:0] + extra;
    reg  [CW-1:0] cnt;
    reg           busy, is_csum;
    reg  [63:0]   r0_q;
    always @(posedge clk) begin
        if (rst || start) busy <= 1'b0;
        else if (call_valid && lat != {CW{1'b0}}) begin
            busy <= 1'b1;
            cnt <= lat - 1'b1;
            r0_q <= r0_now;
            is_csum <= call_id == 32'd28;
        end else if (busy) begin
            if (cnt == {CW{1'b0}}) busy <= 1'b0;
            else cnt <= cnt - 1'b1;
        end
    end

    // ---- the data engine -------------------------------------------------------------------------
    localparam [2:0] E_IDLE = 3'd0, E_FROM = 3'd1, E_TO = 3'd2, E_FOLD = 3'd3, E_FILL = 3'd4, E_PDATA = 3'd5, E_PSAMP = 3'd6;
    reg [2:0]  phase;
    reg [63:0] ptr;        // csum: where the next 8 bytes are read
    reg [31:0] rem;        // bytes left of the current buffer (csum) or of the fill
    reg [63:0] to_ptr;
    reg [31:0] to_len, from_len, seed;
    reg [47:0] acc_from, acc_to;
    reg        fill_on;    // the fill writes (adjust_tail accepted)
    reg [31:0] fill_at;
    reg [19:0] samp_len;   // perf: the sample's bytes (0: none) after the data

    // 8 bytes read, those past the buffer's end zero: two little-endian 32-bit words
    reg [63:0] chunk;
    integer b;
    always @(*) begin
        for (b = 0; b < 8; b = b + 1) chunk[b*8 +: 8] = (rem > b) ? rd_data[b*8 +: 8] : 8'd0;
    end
    wire [47:0] words = {16'd0, chunk[31:0]} + {16'd0, chunk[63:32]};

    // csum_partial's end: a ones'-complement fold of the 48-bit sum into 32 bits (0 only for 0)
    function [31:0] fold;
        input [47:0] s;
        reg [32:0] f;
        begin
            f = {17'd0, s[47:32]} + {1'b0, s[31:0]};
            fold = f[31:0] + {31'd0, f[32]};
        end
    endfunction
    function [31:0] cadd;   // csum_add: end-around carry
        input [31:0] x;
        input [31:0] y;
        reg [32:0] s;
        begin
            s = {1'b0, x} + {1'b0, y};
            cadd = s[31:0] + {31'd0, s[32]};
        end
    endfunction
    reg [31:0] total;
    /* verilator lint_off UNUSEDSIGNAL */ // csum_from32to16 keeps the high half
    reg [31:0] folded;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(*) begin
        if (from_len != 32'd0 && to_len != 32'd0) total = cadd(fold(acc_to), ~fold(acc_from));
        else if (to_len != 32'd0) total = fold(acc_to);
        else if (from_len != 32'd0) total = ~fold(acc_from);
        else total = seed;
        folded = total + {total[15:0], total[31:16]};   // csum_from32to16
    end

    always @(posedge clk) begin
        if (rst) begin
            phase <= E_IDLE;
            meta_off <= HEADROOM; data_off <= HEADROOM; end_off <= HEADROOM; high_off <= HEADROOM;
        end else if (start) begin
            phase <= E_IDLE;
            meta_off <= HEADROOM; data_off <= HEADROOM; end_off <= HEADROOM + pkt_len; high_off <= HEADROOM + pkt_len;
        end else begin
            case (phase)
                E_FROM, E_TO: begin
                    if (phase == E_FROM) acc_from <= acc_from + words;
                    else acc_to <= acc_to + words;
                    if (rem > 32'd8) begin
                        rem <= rem - 32'd8;
                        ptr <= ptr + 64'd8;
                    end else if (phase == E_FROM && to_len != 32'd0) begin
                        phase <= E_TO;
                        ptr <= to_ptr;
                        rem <= to_len;
                    end else phase <= E_FOLD;
                end
                E_FOLD: phase <= E_IDLE;   // (the answer reads the fold while done)
                E_PDATA, E_PSAMP: begin
                    if (rem > 32'd8) begin
                        rem <= rem - 32'd8;
                        ptr <= ptr + 64'd8;
                    end else if (phase == E_PDATA && samp_len != 20'd0) begin
                        phase <= E_PSAMP;
                        ptr <= {TAG_PKT, OFF_BASE + data_off};
                        rem <= {12'd0, samp_len};
                    end else phase <= E_IDLE;
                end
                E_FILL: begin
                    if (rem > 32'd8) begin
                        rem <= rem - 32'd8;
                        fill_at <= fill_at + 32'd8;
                    end else phase <= E_IDLE;
                end
                default: ;
            endcase
            if (call_valid) case (call_id)
                32'd25: begin
                    samp_len <= p_copy ? p_sample : 20'd0;
                    if (a5[31:0] != 32'd0) begin
                        phase <= E_PDATA; ptr <= a4; rem <= a5[31:0];
                    end else if (p_copy) begin
                        phase <= E_PSAMP; ptr <= {TAG_PKT, OFF_BASE + data_off}; rem <= {12'd0, p_sample};
                    end
                end
                32'd28: begin
                    from_len <= a2[31:0];
                    to_len <= a4[31:0];
                    to_ptr <= a3;
                    seed <= a5[31:0];
                    acc_to <= {16'd0, a5[31:0]};
                    acc_from <= (a4[31:0] == 32'd0) ? {16'd0, ~a5[31:0]} : 48'd0;
                    if (a2[31:0] != 32'd0) begin
                        phase <= E_FROM; ptr <= a1; rem <= a2[31:0];
                    end else if (a4[31:0] != 32'd0) begin
                        phase <= E_TO; ptr <= a3; rem <= a4[31:0];
                    end else phase <= E_FOLD;
                end
                32'd44: if (head_ok) begin
                    data_off <= new_data[31:0];
                    meta_off <= new_meta[31:0];
                end
                32'd54: if (meta_range && meta_len_ok) meta_off <= new_meta[31:0];
                32'd65: begin
                    if (tail_ok) begin
                        end_off <= new_end[31:0];
                        if (new_end[31:0] > high_off) high_off <= new_end[31:0];
                    end
                    if (off > 34'sd0 && fill != 32'd0) begin
                        phase <= E_FILL;
                        rem <= fill;
                        fill_at <= end_off;
                        fill_on <= tail_ok;
                    end
                end
                default: ;
            endcase
        end
    end

    assign done = (call_valid && lat == {CW{1'b0}}) || (busy && cnt == {CW{1'b0}});
    assign r0 = (call_valid && lat == {CW{1'b0}}) ? r0_now : is_csum ? {48'd0, folded[31:16]} : r0_q;
    assign rd_busy = phase == E_FROM || phase == E_TO || phase == E_PDATA || phase == E_PSAMP;
    // the record stream: the header at the call, then a beat a cycle of data and sample
    wire hdr = call_valid && call_id == 32'd25;
    assign ev_valid = hdr || phase == E_PDATA || phase == E_PSAMP;
    assign ev_kind = hdr ? 2'd0 : (phase == E_PDATA) ? 2'd1 : 2'd2;
    assign ev_bytes = hdr ? 4'd8 : (rem >= 32'd8) ? 4'd8 : rem[3:0];
    assign ev_data = hdr ? {p_index, p_len[15:0], a2[39:32], p_errno} : chunk;
    assign rd_ptr = ptr;
    assign pw_addr = fill_at[PAW-1:0];
    assign pw_we = (phase == E_FILL && fill_on) ? ((rem >= 32'd8) ? 8'hff : ((8'h01 << rem[2:0]) - 8'h01)) : 8'h00;
    assign pw_data = 64'd0;
endmodule

`default_nettype wire
