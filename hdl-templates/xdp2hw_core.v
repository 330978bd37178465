// xdp2hw_core: the VLIW core alone (hXDP calls it Sephirot): row ROM, register file, one ALU,
// branch unit and address generator per lane, the interlock and the control of a packet's run.
// Memories (packet buffer, stack, maps, ctx) and the helper unit are outside, in xdp2hw_top; the
// core reaches them through one memory port per lane and one helper port.
//
// Timing is the TypeScript core's (simulator/core/pipeline.ts), cycle for cycle, from the same
// CoreConfig numbers given as parameters: a row issues in one clock (operand read, execute, memory,
// commit) when every register it reads is readable; each result carries a per-register countdown
// to when its own lane (and, one later under per-lane forwarding, the other lanes) may read it; a
// taken branch holds fetch for its penalty, a helper call until the helper unit answers
// (call_done: the unit's latency, which the TypeScript core charges the same; a tail call that
// succeeds answers with call_jump: fetch goes to call_target, its program's entry row, held for the
// taken-branch penalty, and no register is written); an exit drains for EXIT_DRAIN
// cycles (EARLY_DRAIN when caught at fetch). `cycles` counts from the packet's first fetch to its
// verdict, as `pipeline.cycles` does.
//
// ROM row: LANES syllables of SW bits, lane 0 in the low bits. A syllable is pre-decoded by the
// emitter (compiler/emit/verilog/rom.ts writes exactly these fields):
//   [0] valid  [4:1] cls  [8:5] op  [9] w32  [13:10] dst  [17:14] ra  [21:18] rb  [22] b is imm
//   [26:23] access bytes  [27] sx  [29:28] bits  [30] early exit  [31] writes dst  [47:32] off
//   [63:48] target row  [127:64] imm (64-bit, pre-extended)  [143:128] registers read  [144] mul
//   [145] a non-faulting (speculative) load  [146] a null test fused with the row's helper call
// The core extensions (CoreConfig.extensions, docs/RTL.md): class 11 is the memory add (load, add,
// store back through the lane's port in the row's cycle, the sum the result); bit 145 makes a load
// leave its register when its address is outside the region it points into; bit 146 makes a jump
// test r0 as the helper call in a lower lane of its row leaves it (decided when the unit answers).
`default_nettype none

module xdp2hw_core #(
    parameter integer LANES = 4,               // syllables per row (CoreConfig.lanes)
    parameter integer ROWS = 1024,             // ROM rows (CoreConfig.imemRows)
    parameter ROM_FILE = "rom.hex",            // $readmemh image, one row a line
    parameter integer ENTRY = 0,               // the row a packet starts at
    parameter integer REGS = 11,               // registers (CoreConfig.registers)
    parameter integer STACK_BYTES = 512,       // stack size: r10 points past its end
    parameter integer ALU_LAT = 1,             // latency.alu
    parameter integer MUL_LAT = 3,             // latency.mul
    parameter integer DIV_LAT = 66,            // latency.div: xdp2hw_div's 64 stages + 2 (the emitter checks)
    parameter integer DIV_LANES = 0,           // lanes whose syllables divide: they get a divider (bit per lane)
    parameter integer MUL_LANES = -1,          // lanes whose syllables multiply: they get a multiplier (bit per lane; -1 all)
    parameter integer EXT_WAIT = 0,            // latency.externalLoad: a row whose load reads external memory waits this long before it issues
    parameter integer MADD_LANES = 0,          // lanes holding a memory add (extension memoryAdd): they get its adder (bit per lane)
    parameter integer SPEC_LANES = 0,          // lanes holding a non-faulting load (speculativeLoads): they get its region check
    parameter integer FUSED_LANES = 0,         // lanes holding a fused null test (fusedCallNullTest): they compare call_r0
    parameter integer LD_LAT_PKT = 1,          // latency.load.packet
    parameter integer LD_LAT_CTX = 1,          // latency.load.ctx
    parameter integer LD_LAT_STK = 1,          // latency.load.stack
    parameter integer LD_LAT_MAP = 1,          // latency.load.map
    parameter integer LD_LAT_MAX = (LD_LAT_PKT > LD_LAT_CTX ? LD_LAT_PKT : LD_LAT_CTX) > (LD_LAT_STK > LD_LAT_MAP ? LD_LAT_STK : LD_LAT_MAP)
                                  ? (LD_LAT_PKT > LD_LAT_CTX ? LD_LAT_PKT : LD_LAT_CTX) : (LD_LAT_STK > LD_LAT_MAP ? LD_LAT_STK : LD_LAT_MAP),
                                               // a load into no known region: the slowest (derived)
    parameter integer TAKEN_BRANCH = 5,        // latency.takenBranch
    parameter integer EXIT_DRAIN = 5,          // latency.exit
    parameter integer EARLY_DRAIN = 2,         // latency.exit - latency.earlyExitSaving
    parameter integer FWD_PER_LANE = 1,        // forwarding 'per-lane' (1) or 'crossbar' (0)
    parameter integer CLEAR_REGS = 1,          // clearsRegisters: r0-r9 zeroed at each packet
    parameter integer SW = 160,                // bits of a ROM syllable (fixed by the emitter)
    parameter integer PCW = (ROWS > 1) ? $clog2(ROWS) : 1, // ROM address width (derived)
    parameter integer LAT_SUM = ALU_LAT + MUL_LAT + DIV_LAT + LD_LAT_MAX + TAKEN_BRANCH + EXIT_DRAIN + EXT_WAIT + 2,
                                               // above every countdown's largest value (derived)
    parameter integer CW = $clog2(LAT_SUM + 1) // countdown width (derived): the fewer bits, the shallower the interlock
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   start,       // pulse: a packet is in place, run it
    input  wire [31:0]            pkt_len,     // its length (the jlen guard reads it)
    input  wire [31:0]            pkt_lo,      // the packet's readable bytes [pkt_lo, pkt_hi): data_meta and data_end
    input  wire [31:0]            pkt_hi,      // as offsets in the packet buffer (a non-faulting load checks them)
    output wire                   busy,
    output reg                    done,        // pulse: verdict out
    output reg  [31:0]            action,      // r0 at the exit
    output reg  [31:0]            cycles,      // core cycles of the packet
    // one memory port per lane
    output wire [LANES-1:0]       mem_rd,
    output wire [LANES-1:0]       mem_wr,
    output wire [LANES*64-1:0]    mem_addr,    // tagged pointer + offset
    output wire [LANES*8-1:0]     mem_mask,    // bytes written (and read)
    output wire [LANES*64-1:0]    mem_wdata,
    input  wire [LANES*64-1:0]    mem_rdata,   // 8 bytes at mem_addr, combinational
    input  wire [LANES-1:0]       mem_full,    // rdata is a whole 64-bit value (a ctx pointer field)
    input  wire [LANES-1:0]       mem_ext,     // mem_addr is in external memory (its row waits EXT_WAIT cycles for the data)
    // the helper unit
    output wire                   call_valid,
    output wire [31:0]            call_id,
    output wire [5*64-1:0]        call_args,   // r1..r5, r1 lowest
    input  wire [63:0]            call_r0,     // the result, in the cycle call_done is high
    input  wire                   call_done,   // the unit answers: in the call's own cycle (latency 0) or later
    input  wire                   call_jump,   // with call_done: a tail call that succeeded (call_r0 is not a result: no register is written)
    /* verilator lint_off UNUSEDSIGNAL */ // the ROM's row field is 16 bits; a smaller ROM uses the low PCW
    input  wire [15:0]            call_target, // ... continue at this row (its program's entry), a taken branch
    /* verilator lint_on UNUSEDSIGNAL */
    // trace signals, named as `simulate --vcd` names them
    output wire [15:0]            pc,
    output wire                   issue_valid,
    output wire [LANES-1:0]       lane_valid,
    output wire                   stall,
    output reg  [2:0]             stall_cause, // 0 branch, 1 helper, 2 memory, 3 data
    output wire                   flush,
    output wire                   exit_valid,
    output wire [2:0]             exit_action,
    output wire                   early_exit,
    output wire                   pkt_start,
    output wire [15:0]            fwd_regs
);
    // pointer tags (high word), shared with xdp2hw_top
    localparam [31:0] TAG_CTX = 32'hff000000;
    localparam [31:0] TAG_PKT = 32'hff000001;
    localparam [31:0] TAG_STK = 32'hff000002;
    localparam [31:0] TAG_MAPV = 32'hff000003;
    localparam [31:0] OFF_BASE = 32'h40000000;

    // syllable classes (0 is the ALU: every class not named below)
    localparam [3:0] C_JMP = 4'd1, C_JA = 4'd2, C_JLEN = 4'd3, C_LDX = 4'd4, C_ST = 4'd5,
                     C_STX = 4'd6, C_CALL = 4'd7, C_EXIT = 4'd8, C_EXITIMM = 4'd9, C_ATOMIC = 4'd10, C_MADD = 4'd11;
    localparam [1:0] K_HELPER = 2'd1, K_MEMORY = 2'd2, K_DATA = 2'd3;
    localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1, S_DRAIN = 2'd2, S_DONE = 2'd3;

    reg [LANES*SW-1:0] rom [0:ROWS-1];
    initial $readmemh(ROM_FILE, rom);

    reg [1:0]     state;
    reg [PCW-1:0] pcr;
    reg [31:0]    cyc;
    reg [CW-1:0]  wait_cnt;    // cycles fetch is held after a taken branch (counted once the helper answered)
    reg           call_wait;   // a helper call issued and the unit has not answered: fetch held
    reg [3:0]     call_dst;    // where its result goes
    reg           call_keep;   // ... nowhere: a tail call writes no register
    wire          call_tail = call_id == 32'd12;   // the row's call is bpf_tail_call (helper 12)
    reg [CW-1:0]  drain_cnt;
    reg           first_row;
    reg           fz_pend;     // a fused null test waits for its call's answer: the row's successor is open
    reg           fz_hi_found; // ... and a jump above it in the row took (it wins if the test does not)
    reg [PCW-1:0] fz_hi_target;

    localparam [4:0] REGS5 = REGS[4:0];   // the register count, at a register field's width + 1
    reg [63:0]    rf       [0:REGS-1];
    reg [CW-1:0]  cnt_same [0:15];   // cycles until the producer's lane may read the register
    reg [CW-1:0]  cnt_any  [0:15];   // ... until any lane may
    reg [2:0]     plane    [0:15];   // the producing lane
    reg [1:0]     pkind    [0:15];   // what produced it (the stall cause)

    wire [LANES*SW-1:0] row = rom[pcr];
    wire running = (state == S_RUN);

    // ---- per lane: decode, operands, ALU, branch, address, load value -------------------------
    wire [LANES-1:0] l_valid, l_ready, l_take, l_exit, l_call, l_early, l_write, l_fused, l_keep, l_ldx;
    wire [LANES*4-1:0]  l_dst;
    wire [LANES*64-1:0] l_res;
    wire [LANES*CW-1:0] l_lat;
    wire [LANES-1:0]    l_own;
    wire [LANES*2-1:0]  l_kind;
    wire [LANES*16-1:0] l_target;
    wire [LANES*64-1:0] l_imm;
    wire [LANES*16-1:0] l_reads;
    wire                issue;       // the row at pc issues this cycle
    wire [LANES-1:0]    l_div;       // the syllable divides: its result comes from the lane's divider
    wire [LANES-1:0]    d_valid;     // a divider's result, written at this edge
    wire [LANES*4-1:0]  d_dst;
    wire [LANES*64-1:0] d_data;
    /* verilator lint_off UNUSEDSIGNAL */ // read by the dividers; a program that never divides has none
    reg  [15:0]         kill;        // registers the issuing row writes (older divisions to them are dropped)
    /* verilator lint_on UNUSEDSIGNAL */

    genvar l;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : lane
            /* verilator lint_off UNUSEDSIGNAL */ // bits above 146 are reserved (zero in every ROM)
            wire [SW-1:0] s = row[l*SW +: SW];
            /* verilator lint_on UNUSEDSIGNAL */
            wire        valid = s[0];
            wire [3:0]  cls = s[4:1];
            wire [3:0]  op = s[8:5];
            wire        w32 = s[9];
            wire [3:0]  dst = s[13:10];
            wire [3:0]  ra = s[17:14];
            wire [3:0]  rb = s[21:18];
            wire        bimm = s[22];
            wire [3:0]  nbytes = s[26:23];
            wire        sx = s[27];
            wire [1:0]  bits = s[29:28];
            wire        early = s[30];
            wire        writes = s[31];
            wire [15:0] off = s[47:32];
            wire [15:0] target = s[63:48];
            wire [63:0] imm = s[127:64];
            wire [15:0] reads = s[143:128];
            wire        mul = s[144];
            // the extensions' logic exists only in the lanes whose syllables use it (the emitter's masks)
            wire        spec = (((SPEC_LANES >> l) & 1) != 0) && s[145];
            wire        fused = (((FUSED_LANES >> l) & 1) != 0) && s[146];
            wire        is_madd = (((MADD_LANES >> l) & 1) != 0) && cls == C_MADD;

            /* verilator lint_off WIDTH */ // register fields index a file of REGS (<= 16) entries
            wire [63:0] va = (ra < REGS) ? rf[ra] : 64'd0;
            wire [63:0] vb = bimm ? imm : ((rb < REGS) ? rf[rb] : 64'd0);
            /* verilator lint_on WIDTH */

            wire [63:0] y;
            xdp2hw_alu #(.MUL((MUL_LANES >> l) & 1)) alu (.op(op), .w32(w32), .sx(sx), .bits(bits), .a(va), .b(vb), .y(y));
            assign l_div[l] = valid && cls == 4'd0 && (op == 4'h3 || op == 4'h9);
            if (((DIV_LANES >> l) & 1) != 0) begin : div
                xdp2hw_div divider (
                    .clk(clk), .flush(start || rst), .go(issue && l_div[l]), .is_mod(op == 4'h9), .sgn(sx), .w32(w32),
                    .dst(dst), .a(va), .b(vb), .kill(kill), .wb_valid(d_valid[l]), .wb_dst(d_dst[l*4 +: 4]),
                    .wb_data(d_data[l*64 +: 64]));
            end else begin : no_div
                assign d_valid[l] = 1'b0;
                assign d_dst[l*4 +: 4] = 4'd0;
                assign d_data[l*64 +: 64] = 64'd0;
            end

            // branch condition (eBPF jmp op codes); a fused null test compares the call's answer
            wire [63:0] vc = fused ? call_r0 : va;
            wire [63:0] ca = w32 ? {32'd0, vc[31:0]} : vc;
            wire [63:0] cb = w32 ? {32'd0, vb[31:0]} : vb;
            wire signed [63:0] sa = w32 ? {{32{vc[31]}}, vc[31:0]} : vc;
            wire signed [63:0] sb = w32 ? {{32{vb[31]}}, vb[31:0]} : vb;
            reg cond;
            always @(*) begin
                case (op)
                    4'h1: cond = ca == cb;
                    4'h2: cond = ca > cb;
                    4'h3: cond = ca >= cb;
                    4'h4: cond = (ca & cb) != 64'd0;
                    4'h5: cond = ca != cb;
                    4'h6: cond = sa > sb;
                    4'h7: cond = sa >= sb;
                    4'ha: cond = ca < cb;
                    4'hb: cond = ca <= cb;
                    4'hc: cond = sa < sb;
                    4'hd: cond = sa <= sb;
                    default: cond = 1'b0;
                endcase
            end

            // memory: address, store data and mask, the loaded value
            wire [63:0] addr = va + {{48{off[15]}}, off};
            reg  [7:0]  mask;
            always @(*) begin
                case (nbytes)
                    4'd1: mask = 8'h01;
                    4'd2: mask = 8'h03;
                    4'd4: mask = 8'h0f;
                    4'd6: mask = 8'h3f;
                    default: mask = 8'hff;
                endcase
            end
            wire [63:0] rd = mem_rdata[l*64 +: 64];
            reg  [63:0] ldv;
            always @(*) begin
                case (nbytes)
                    4'd1: ldv = sx ? {{56{rd[7]}}, rd[7:0]} : {56'd0, rd[7:0]};
                    4'd2: ldv = sx ? {{48{rd[15]}}, rd[15:0]} : {48'd0, rd[15:0]};
                    4'd4: ldv = sx ? {{32{rd[31]}}, rd[31:0]} : {32'd0, rd[31:0]};
                    4'd6: ldv = {16'd0, rd[47:0]};
                    default: ldv = rd;
                endcase
                if (mem_full[l]) ldv = rd;
            end
            // atomic read-modify-write (op: 0 add, 4 or, 5 and, 10 xor, 14 xchg, 15 cmpxchg; w32 for 4 bytes):
            // the old value read, the new one written at the same edge; the old value (fetch, xchg;
            // cmpxchg into r0) is the result, timed as a load from the address's region
            wire [63:0] old = w32 ? {32'd0, rd[31:0]} : rd;
            wire [63:0] r0v = w32 ? {32'd0, rf[0][31:0]} : rf[0];
            reg  [63:0] anew;
            always @(*) begin
                case (op)
                    4'd0: anew = old + vb;
                    4'd4: anew = old | vb;
                    4'd5: anew = old & vb;
                    4'd10: anew = old ^ vb;
                    4'd14: anew = vb;
                    default: anew = (old == r0v) ? vb : old;   // cmpxchg
                endcase
            end
            // memory add: the loaded value plus b (rb naming the loaded register: the value itself)
            wire [63:0] mb = (!bimm && rb == dst) ? ldv : vb;
            wire [63:0] msum = ldv + mb;
            wire [63:0] madd = w32 ? {32'd0, msum[31:0]} : msum;
            // a non-faulting load's address inside the region its tag names (the TypeScript
            // machine's fault rule; a map value's bounds are the verifier's: any map-value address)
            wire [31:0] aoff = addr[31:0] - OFF_BASE;
            wire [32:0] aend = {1'b0, aoff} + {29'd0, nbytes};
            wire in_region = (addr[63:32] == TAG_CTX) || (addr[63:32] == TAG_MAPV)
                          || (addr[63:32] == TAG_STK && aend <= {1'b0, STACK_BYTES[31:0]})
                          || (addr[63:32] == TAG_PKT && aoff >= pkt_lo && aend <= {1'b0, pkt_hi});
            // the register the load's latency is timed by is its address register (timing.ts)
            wire [CW-1:0] ldlat_a = ((va[63:32] == TAG_PKT) ? LD_LAT_PKT[CW-1:0] : (va[63:32] == TAG_CTX) ? LD_LAT_CTX[CW-1:0]
                                : (va[63:32] == TAG_STK) ? LD_LAT_STK[CW-1:0] : (va[63:32] == TAG_MAPV) ? LD_LAT_MAP[CW-1:0] : LD_LAT_MAX[CW-1:0]);

            // interlock: every register read is readable by this lane now
            wire [15:0] blocked;
            genvar r;
            for (r = 0; r < 16; r = r + 1) begin : rd_
                assign blocked[r] = reads[r] && (((plane[r] == l) ? cnt_same[r] : cnt_any[r]) != {CW{1'b0}});
            end
            assign l_ready[l] = !valid || (blocked == 16'd0);

            assign l_valid[l] = valid;
            assign l_take[l] = valid && ((cls == C_JMP && cond) || cls == C_JA || (cls == C_JLEN && pkt_len < imm[31:0]));
            assign l_exit[l] = valid && (cls == C_EXIT || cls == C_EXITIMM);
            assign l_call[l] = valid && cls == C_CALL;
            assign l_early[l] = early;
            assign l_write[l] = valid && writes;
            assign l_fused[l] = valid && fused;
            // a faulting non-faulting load, or a tail call (bpf_tail_call, helper 12): the register stays
            assign l_keep[l] = (spec && !in_region) || (valid && cls == C_CALL && call_tail);
            assign l_dst[l*4 +: 4] = dst;
            assign l_res[l*64 +: 64] = (cls == C_LDX) ? ldv : (is_madd) ? madd : (cls == C_ATOMIC) ? old : (cls == C_CALL) ? call_r0 : (cls == C_EXITIMM) ? imm : y;
            assign l_lat[l*CW +: CW] = (cls == C_LDX || cls == C_ATOMIC || is_madd) ? ldlat_a : (cls == C_CALL) ? {{(CW - 1){1'b0}}, 1'b1} : mul ? MUL_LAT[CW-1:0]
                                     : l_div[l] ? DIV_LAT[CW-1:0] : ALU_LAT[CW-1:0];
            assign l_own[l] = (FWD_PER_LANE != 0) && cls != C_CALL;
            assign l_kind[l*2 +: 2] = (cls == C_LDX || cls == C_ATOMIC || is_madd) ? K_MEMORY : (cls == C_CALL) ? K_HELPER : K_DATA;
            assign l_target[l*16 +: 16] = target;
            assign l_imm[l*64 +: 64] = imm;
            assign l_reads[l*16 +: 16] = reads;

            assign l_ldx[l] = valid && cls == C_LDX;
            assign mem_rd[l] = issue && valid && (cls == C_LDX || cls == C_ATOMIC || is_madd);
            assign mem_wr[l] = issue && valid && (cls == C_ST || cls == C_STX || cls == C_ATOMIC || is_madd);
            // the address only for a memory syllable (else 0: the memories' inputs stay still)
            wire memop = valid && (cls == C_LDX || cls == C_ST || cls == C_STX || cls == C_ATOMIC || is_madd);
            assign mem_addr[l*64 +: 64] = memop ? addr : 64'd0;
            assign mem_mask[l*8 +: 8] = mask;
            assign mem_wdata[l*64 +: 64] = (cls == C_ST) ? imm : (cls == C_ATOMIC) ? anew : (is_madd) ? madd : vb;
        end
    endgenerate

    // A row one of whose loads reads external memory waits EXT_WAIT cycles once it could issue (the
    // data's round trip; its address, from registers it waits on no more, stays put), then issues.
    wire row_ready = running && !call_wait && wait_cnt == {CW{1'b0}} && (&l_ready);
    wire row_ext = (EXT_WAIT != 0) && ((mem_ext & l_ldx) != {LANES{1'b0}});
    reg  [CW-1:0] ext_cnt;
    assign issue = row_ready && (!row_ext || ext_cnt == EXT_WAIT[CW-1:0]);
    always @(posedge clk)
        if (rst || start || issue) ext_cnt <= {CW{1'b0}};
        else if (row_ready && row_ext) ext_cnt <= ext_cnt + 1'b1;

    integer kk;
    always @(*) begin
        kill = 16'd0;
        for (kk = 0; kk < LANES; kk = kk + 1) if (issue && l_write[kk]) kill[l_dst[kk*4 +: 4]] = 1'b1;
    end

    // the lowest lane that takes (jump or exit) wins. A fused null test whose call is not answered
    // in its own cycle stops the search (fz_open): the row's successor is decided when the unit
    // answers, from the test and the first jump above it that took (hi_*)
    reg        win_found, win_exit, win_early, fz_open, hi_found, fz_take;
    /* verilator lint_off UNUSEDSIGNAL */ // the ROM's row field is 16 bits; a smaller ROM uses the low PCW
    reg [15:0] win_target, hi_target, fz_target;
    /* verilator lint_on UNUSEDSIGNAL */
    reg        call_found;
    reg [2:0]  call_lane;
    integer k;
    always @(*) begin
        win_found = 1'b0; win_exit = 1'b0; win_early = 1'b0; win_target = 16'd0;
        fz_open = 1'b0; hi_found = 1'b0; hi_target = 16'd0; fz_take = 1'b0; fz_target = 16'd0;
        call_found = 1'b0; call_lane = 3'd0;
        for (k = 0; k < LANES; k = k + 1) begin
            if (l_fused[k]) begin
                fz_take = l_take[k];
                fz_target = l_target[k*16 +: 16];
            end
            if (!win_found && !fz_open && l_fused[k] && !call_done) fz_open = 1'b1;
            else if (!win_found && !fz_open && (l_take[k] || l_exit[k])) begin
                win_found = 1'b1;
                win_exit = l_exit[k];
                win_early = l_early[k];
                win_target = l_target[k*16 +: 16];
            end else if (fz_open && !hi_found && l_take[k]) begin
                hi_found = 1'b1;
                hi_target = l_target[k*16 +: 16];
            end
            if (!call_found && l_call[k]) begin
                call_found = 1'b1;
                call_lane = k[2:0];
            end
        end
    end

    // the helper port: r1..r5 as the row reads them
    assign call_valid = issue && call_found;
    assign call_id = l_imm[call_lane*64 +: 32];
    assign call_args = {rf[5], rf[4], rf[3], rf[2], rf[1]};
    // a call the unit answers in its own cycle writes r0 at issue as any syllable; a later answer
    // holds fetch (call_wait) and writes r0 when it comes
    wire call_now = call_found && call_done;

    // ---- state -------------------------------------------------------------------------------
    integer i, j;
    always @(posedge clk) begin
        done <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            pcr <= {PCW{1'b0}};
            cyc <= 32'd0;
            wait_cnt <= {CW{1'b0}};
            call_wait <= 1'b0;
            call_dst <= 4'd0;
            call_keep <= 1'b0;
            drain_cnt <= {CW{1'b0}};
            first_row <= 1'b0;
            fz_pend <= 1'b0;
            fz_hi_found <= 1'b0;
            fz_hi_target <= {PCW{1'b0}};
            action <= 32'd0;
            cycles <= 32'd0;
        end else begin
            case (state)
                S_IDLE: if (start) begin
                    state <= S_RUN;
                    pcr <= ENTRY[PCW-1:0];
                    cyc <= 32'd0;
                    wait_cnt <= {CW{1'b0}};
                    first_row <= 1'b1;
                    for (i = 0; i < REGS; i = i + 1)
                        if (i == 1) rf[i] <= {TAG_CTX, OFF_BASE};
                        else if (i == 10) rf[i] <= {TAG_STK, OFF_BASE + STACK_BYTES};
                        else if (CLEAR_REGS != 0 || i > 10) rf[i] <= 64'd0;
                    for (i = 0; i < 16; i = i + 1) begin
                        cnt_same[i] <= {CW{1'b0}};
                        cnt_any[i] <= {CW{1'b0}};
                        plane[i] <= 3'd0;
                        pkind[i] <= K_DATA;
                    end
                end
                S_RUN: begin
                    cyc <= cyc + 32'd1;
                    first_row <= 1'b0;
                    for (i = 0; i < 16; i = i + 1) begin
                        if (cnt_same[i] != {CW{1'b0}}) cnt_same[i] <= cnt_same[i] - 1'b1;
                        if (cnt_any[i] != {CW{1'b0}}) cnt_any[i] <= cnt_any[i] - 1'b1;
                    end
                    if (call_wait) begin
                        if (call_done) begin
                            call_wait <= 1'b0;
                            if (!call_keep) rf[call_dst] <= call_r0;
                            cnt_same[call_dst] <= {CW{1'b0}};
                            cnt_any[call_dst] <= {CW{1'b0}};
                            // a fused null test: the call's row is still at pc, its test reads call_r0
                            if (fz_pend) begin
                                fz_pend <= 1'b0;
                                wait_cnt <= (fz_take || fz_hi_found) ? TAKEN_BRANCH[CW-1:0] : {CW{1'b0}};
                                pcr <= fz_take ? fz_target[PCW-1:0] : fz_hi_found ? fz_hi_target : pcr + 1'b1;
                            end
                            // a tail call that succeeded: its row holds no other control syllable
                            // (isa/rows.ts), so fetch goes to the entry row as after a taken branch
                            if (call_jump) begin
                                wait_cnt <= TAKEN_BRANCH[CW-1:0];
                                pcr <= call_target[PCW-1:0];
                            end
                        end
                    end else if (wait_cnt != {CW{1'b0}}) wait_cnt <= wait_cnt - 1'b1;
                    // the dividers' results (a later write to the register has dropped a stale one)
                    for (j = 0; j < LANES; j = j + 1)
                        if (d_valid[j] && {1'b0, d_dst[j*4 +: 4]} < REGS5) rf[d_dst[j*4 +: 4]] <= d_data[j*64 +: 64];
                    if (issue) begin
                        for (j = 0; j < LANES; j = j + 1)
                            if (l_write[j] && {1'b0, l_dst[j*4 +: 4]} < REGS5 && (l_kind[j*2 +: 2] != K_HELPER || call_now)) begin
                                if (!l_div[j] && !l_keep[j]) rf[l_dst[j*4 +: 4]] <= l_res[j*64 +: 64];
                                // ready at (this cycle + latency): readable when the countdown is 0
                                cnt_same[l_dst[j*4 +: 4]] <= l_lat[j*CW +: CW] - 1'b1;
                                cnt_any[l_dst[j*4 +: 4]] <= l_lat[j*CW +: CW] - 1'b1 + {{(CW - 1){1'b0}}, l_own[j]};
                                plane[l_dst[j*4 +: 4]] <= j[2:0];
                                pkind[l_dst[j*4 +: 4]] <= l_kind[j*2 +: 2];
                            end
                        // a call answered later: its result register waits for the answer
                        for (j = 0; j < LANES; j = j + 1)
                            if (l_write[j] && {1'b0, l_dst[j*4 +: 4]} < REGS5 && l_kind[j*2 +: 2] == K_HELPER && !call_now) begin
                                call_dst <= l_dst[j*4 +: 4];
                                plane[l_dst[j*4 +: 4]] <= j[2:0];
                                pkind[l_dst[j*4 +: 4]] <= K_HELPER;
                            end
                        if (call_found && !call_done) call_wait <= 1'b1;
                        call_keep <= call_found && call_tail;
                        if (win_found && win_exit) begin
                            cycles <= cyc + 32'd1 + (win_early ? EARLY_DRAIN : EXIT_DRAIN);
                            if ((win_early ? EARLY_DRAIN : EXIT_DRAIN) == 0) state <= S_DONE;
                            else begin
                                state <= S_DRAIN;
                                drain_cnt <= (win_early ? EARLY_DRAIN[CW-1:0] : EXIT_DRAIN[CW-1:0]) - 1'b1;
                            end
                        end else if (fz_open) begin
                            // the successor waits for the call's answer (above); pc stays on this row
                            fz_pend <= 1'b1;
                            fz_hi_found <= hi_found;
                            fz_hi_target <= hi_target[PCW-1:0];
                        end else if (call_now && call_jump) begin
                            // a tail call answered in its own cycle
                            wait_cnt <= TAKEN_BRANCH[CW-1:0];
                            pcr <= call_target[PCW-1:0];
                        end else begin
                            wait_cnt <= (win_found) ? TAKEN_BRANCH[CW-1:0] : {CW{1'b0}};
                            pcr <= win_found ? win_target[PCW-1:0] : pcr + 1'b1;
                        end
                    end
                end
                S_DRAIN: begin
                    if (drain_cnt == {CW{1'b0}}) state <= S_DONE;
                    else drain_cnt <= drain_cnt - 1'b1;
                end
                default: begin   // S_DONE
                    action <= rf[0][31:0];
                    done <= 1'b1;
                    state <= S_IDLE;
                end
            endcase
        end
    end

    // stall cause: the producer of the latest operand a waiting row needs (or the fetch hold).
    // The operand with the largest countdown wins, the first in (lane, register) order on a tie;
    // found by a tree of LANES*16 leaves (log depth), not a chain through every operand.
    localparam integer NLEAF = LANES * 16;
    localparam integer NTREE = 1 << $clog2(NLEAF);   // leaves, padded to a power of two (derived)
    reg [CW-1:0] tv [0:NTREE-1];
    reg [1:0]    tk [0:NTREE-1];
    integer q, m, st;
    always @(*) begin
        for (q = 0; q < NTREE; q = q + 1) begin
            tv[q] = {CW{1'b0}};
            tk[q] = K_DATA;
        end
        for (q = 0; q < LANES; q = q + 1)
            for (m = 0; m < 16; m = m + 1)
                if (l_valid[q] && l_reads[q*16 + m]) begin
                    tv[q*16 + m] = (plane[m] == q[2:0]) ? cnt_same[m] : cnt_any[m];
                    tk[q*16 + m] = pkind[m];
                end
        // pairwise, the right one only when strictly larger: the first maximum reaches leaf 0
        for (st = 1; st < NTREE; st = st * 2)
            for (q = 0; q + st < NTREE; q = q + 2 * st)
                if (tv[q + st] > tv[q]) begin
                    tv[q] = tv[q + st];
                    tk[q] = tk[q + st];
                end
        stall_cause = (tv[0] != {CW{1'b0}}) ? {1'b0, tk[0]} : 3'd3;
        if (row_ready && row_ext) stall_cause = 3'd2;   // waiting for external memory
        if (wait_cnt != {CW{1'b0}}) stall_cause = 3'd0;
        if (call_wait) stall_cause = 3'd1;
    end

    assign busy = state != S_IDLE;
    assign pc = {{(16 - PCW){1'b0}}, pcr};
    assign issue_valid = issue;
    assign lane_valid = l_valid;
    assign stall = running && !issue;
    assign flush = (issue && win_found && !win_exit) || (fz_pend && call_done && (fz_take || fz_hi_found))
                 || (call_done && call_jump && (call_wait || issue));
    assign exit_valid = done;
    assign exit_action = action[2:0];
    assign early_exit = issue && win_found && win_exit && win_early;
    assign pkt_start = first_row;
    // registers the issuing row reads that the row issued just before wrote (taken by forwarding)
    reg [15:0] reads_any, written_last;
    integer g;
    always @(*) begin
        reads_any = 16'd0;
        for (g = 0; g < LANES; g = g + 1) reads_any = reads_any | l_reads[g*16 +: 16];
    end
    always @(posedge clk) begin
        if (rst || start) written_last <= 16'd0;
        else if (issue) begin
            written_last <= 16'd0;
            for (g = 0; g < LANES; g = g + 1) if (l_write[g]) written_last[l_dst[g*4 +: 4]] <= 1'b1;
        end
    end
    assign fwd_regs = issue ? (reads_any & written_last) : 16'd0;
endmodule

`default_nettype wire
