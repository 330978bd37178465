// xdp2hw_top: the VLIW core (xdp2hw_core) with what surrounds it: the packet buffer the active
// packet selector fills and emission reads (one 8-byte host port), the stack (cleared before a
// packet starts when CLEAR_STACK, by a row-a-cycle clear engine that runs while the packet comes
// in), the map memory holding every array and per-CPU array map's values (initialised from
// maps_b<bank>.hex), the xdp_md ctx fields and the helper unit (bpf_map_lookup_elem on arrays,
// bpf_get_smp_processor_id, bpf_redirect, bpf_ktime_get_ns and bpf_get_prandom_u32 from env.hex's
// clock and generator, and the units below). Memory ports are routed by the pointer's tag.
`default_nettype none

module xdp2hw_top #(
    parameter integer LANES = 4,               // syllables per row (CoreConfig.lanes)
    parameter integer ROWS = 1024,             // ROM rows (CoreConfig.imemRows)
    parameter ROM_FILE = "rom.hex",            // the ROM image
    parameter integer ENTRY = 0,               // the row a packet starts at
    parameter integer REGS = 11,               // CoreConfig.registers
    parameter integer STACK_BYTES = 512,       // CoreConfig.stackBytes
    parameter integer PKT_BYTES = 4096,        // packet buffer: the frame (headroom, packet, room to grow)
    parameter integer HEADROOM = 256,          // XDP_PACKET_HEADROOM: where the host puts the packet
    parameter integer FRAME_END = 3776,        // the largest data_end adjust_tail may reach (frame less skb_shared_info)
    parameter integer MAP_BYTES = 8,           // map memory: every map's values, 8-byte aligned
    parameter integer MAPS = 1,                // maps in the table below (at least 1)
    parameter [MAPS*32-1:0] MAP_BASE = 0,      // per map: byte offset of value 0 in map memory
    parameter [MAPS*32-1:0] MAP_MAX = 0,       // per map: max_entries (0: not an array; lookups fail)
    parameter [MAPS*32-1:0] MAP_STRIDE = 8,    // per map: bytes between values (value size rounded to 8)
    parameter [MAPS*32-1:0] MAP_KIND = 0,      // per map: 0 array, 1 hash, 2 LPM trie (the hash unit's), 3 devmap, 4 perf_event_array, 5 prog array, 6 cpumap, 7 devmap_hash (the scan unit's)
    parameter [MAPS*32-1:0] MAP_NODE = 0,      // per map: a hash map's first node in the hash unit
    parameter [MAPS*32-1:0] MAP_BUCKET = 0,    // per map: a hash map's first bucket
    parameter [MAPS*32-1:0] MAP_BITS = 0,      // per map: log2 of a hash map's buckets
    parameter [MAPS*32-1:0] MAP_KEYB = 4,      // per map: key bytes
    parameter [MAPS*32-1:0] MAP_VALB = 8,      // per map: value bytes
    parameter integer HASH_MAPS = 0,           // hash maps (0: no hash unit)
    parameter integer HASH_LRU = 1,            // 1: some hash map is an LRU map (0: the hash unit without its LRU engine)
    parameter integer ARRAY_UPDATE = 0,        // 1: the program may update an array map (the array unit writes the map memory)
    parameter integer HELP_PKT = 0,            // 1: the helper unit has a packet read port of its own (a map call's key may be in the packet)
    parameter integer HASH_NODES = 1,          // nodes of all hash maps (their max_entries summed)
    parameter integer HASH_BUCKETS = 1,        // buckets of all hash maps
    parameter integer HASH_KW = 64,            // key bits of the hash unit's node memory
    parameter integer MAP_LOOKUP_HASH = 1,     // latency.mapLookup.hash
    parameter integer MAP_LOOKUP_LPM = 1,      // latency.mapLookup.lpm
    parameter integer ALU_LAT = 1,             // latency.alu
    parameter integer MUL_LAT = 3,             // latency.mul
    parameter integer DIV_LAT = 66,            // latency.div
    parameter integer DIV_LANES = 0,           // lanes that divide (bit per lane): they get a divider
    parameter integer MUL_LANES = -1,          // lanes that multiply (bit per lane; -1 all): they get a multiplier
    parameter integer MADD_LANES = 0,          // lanes holding a memory add (core extension), bit per lane
    parameter integer SPEC_LANES = 0,          // lanes holding a non-faulting load (core extension)
    parameter integer FUSED_LANES = 0,         // lanes holding a fused null test (core extension)
    parameter integer LD_LAT_PKT = 1,          // latency.load.packet
    parameter integer LD_LAT_CTX = 1,          // latency.load.ctx
    parameter integer LD_LAT_STK = 1,          // latency.load.stack
    parameter integer LD_LAT_MAP = 1,          // latency.load.map
    parameter integer HELPER_CALL = 1,         // latency.helperCall
    parameter integer MAP_LOOKUP = 0,          // latency.mapLookup.array
    parameter integer TAKEN_BRANCH = 5,        // latency.takenBranch
    parameter integer EXIT_DRAIN = 5,          // latency.exit
    parameter integer EARLY_DRAIN = 2,         // latency.exit - latency.earlyExitSaving
    parameter integer FWD_PER_LANE = 1,        // forwarding: 1 per-lane, 0 crossbar
    parameter integer CLEAR_REGS = 1,          // clearsRegisters
    parameter integer CLEAR_STACK = 1,         // clearsStack
    parameter integer LOAD_LANES = (1 << LANES) - 1,  // lanes whose syllables load (bit per lane): they get read ports
    parameter integer STORE_LANES = (1 << LANES) - 1, // lanes whose syllables store: they get write ports
    parameter integer MAP_ONE_WRITE = 0,       // 1: the map memory has one write port (CoreConfig.mapStorePorts = 1: a row holds one map store)
    parameter integer MAP_SYNC = 0,            // 1: the map memory reads at the falling edge (block RAM; xdp2hw_bytemem SYNC_READ)
    parameter [31:0]  EXT_BASE = 32'd0,        // map-value offset where external memory starts (0: none; isa/extmem.ts's maps there)
    parameter integer EXT_WAIT = 0,            // latency.externalLoad: a row loading from external memory waits this long before it issues
    parameter integer TAIL_MAX = 33,           // offload.tailCallDepth: tail calls a packet may chain (the kernel's MAX_TAIL_CALL_CNT)
    parameter integer PAW = $clog2(PKT_BYTES), // packet address width (derived)
    parameter integer SAW = $clog2(STACK_BYTES), // stack address width (derived)
    parameter integer MAW = (MAP_BYTES > 8) ? $clog2(MAP_BYTES) : 3 // map address width (derived)
) (
    input  wire                  clk,
    input  wire                  rst,
    // the packet buffer's host port (selector in, emission out): 8 bytes a cycle
    input  wire [7:0]            host_we,
    input  wire [PAW-1:0]        host_addr,
    input  wire [63:0]           host_wdata,
    output wire [63:0]           host_rdata,
    // a packet: start when it is in the buffer
    input  wire                  start,
    input  wire [31:0]           pkt_len,
    /* verilator lint_off UNUSEDSIGNAL */ // read by ctx loads; a program with no load reads neither
    input  wire [31:0]           ingress_ifindex,
    input  wire [31:0]           rx_queue_index,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire                  ready,        // idle: a packet may be loaded and started
    output wire                  done,         // pulse: the verdict
    output wire [31:0]           action,
    output wire [31:0]           cycles,
    output reg  [31:0]           redirect_ifindex,
    // the packet as it leaves: data_meta's offset in the buffer and its length to data_end
    output wire [31:0]           out_start,
    output wire [31:0]           out_len,
    output wire [31:0]           out_high,     // the highest data_end it reached: the host zeroes the frame up to it before the next packet
    // map writes, per lane (the testbench reports them)
    output wire [LANES-1:0]      mw_valid,
    output wire [LANES*32-1:0]   mw_addr,
    output wire [LANES*8-1:0]    mw_mask,
    output wire [LANES*64-1:0]   mw_data,
    // bpf_perf_event_output's records, a beat a cycle (xdp2hw_helpers.v: header, data, sample)
    output wire                  perf_valid,
    output wire [1:0]            perf_kind,
    output wire [3:0]            perf_bytes,
    output wire [63:0]           perf_data,
    // external memory (off-chip DRAM, read only: the read-only maps past the map memory): a byte
    // address per lane and one for the helper units, 8 bytes from each; a lane's row waits
    // EXT_WAIT cycles for them before it issues (the helpers' reads are not waited for)
    output wire [(LANES+1)*32-1:0] ext_addr,
    /* verilator lint_off UNUSEDSIGNAL */ // a lane that does not load never reads its port
    input  wire [(LANES+1)*64-1:0] ext_rdata
    /* verilator lint_on UNUSEDSIGNAL */
);
    localparam [31:0] TAG_CTX = 32'hff000000;
    localparam [31:0] TAG_PKT = 32'hff000001;
    localparam [31:0] TAG_STK = 32'hff000002;
    localparam [31:0] TAG_MAPV = 32'hff000003;
    localparam [23:0] TAG_MAP_HI = 24'hff0001;
    localparam [31:0] OFF_BASE = 32'h40000000;
    localparam integer STK_ROWS = STACK_BYTES / 8;

    wire [LANES-1:0]    mem_wr, mem_full, mem_ext;
    /* verilator lint_off UNUSEDSIGNAL */ // loads read combinationally; the strobe is there for traces and other memories
    wire [LANES-1:0]    mem_rd;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [LANES*64-1:0] mem_addr, mem_wdata, mem_rdata;
    wire [LANES*8-1:0]  mem_mask;
    wire                call_valid;
    wire [31:0]         call_id;
    wire [5*64-1:0]     call_args;
    wire [63:0]         call_r0;
    wire                call_done;
    wire                call_jump;     // with call_done: a tail call that succeeded, continue at call_target
    wire [15:0]         call_target;
    wire                core_busy;
    // the packet helpers (xdp2hw_helpers): frame offsets, results, the data engine's ports
    wire [31:0]         meta_off, data_off, end_off;
    wire                pu_hit, pu_done, pu_rd_busy;
    wire [63:0]         pu_r0, pu_rd_ptr;
    wire [PAW-1:0]      pu_pw_addr;
    wire [7:0]          pu_pw_we;
    wire [63:0]         pu_pw_data;
    assign out_start = meta_off;
    assign out_len = end_off - meta_off;
    wire [31:0]         high_off;
    assign out_high = high_off;

    // ---- the stack clear and the start -----------------------------------------------------------
    // The clear engine zeroes the stack a row a cycle after reset and, when CLEAR_STACK, after every
    // packet's verdict, while the next packet comes into the buffer; `ready` waits for it.
    reg        need_clear;
    reg        clearing;
    reg [31:0] clear_row;
    reg        core_start;
    always @(posedge clk) begin
        core_start <= 1'b0;
        if (rst) begin
            need_clear <= 1'b1;
            clearing <= 1'b0;
            clear_row <= 32'd0;
        end else begin
            if (clearing) begin
                if (clear_row == STK_ROWS - 1) clearing <= 1'b0;
                clear_row <= clear_row + 32'd1;
            end else if (need_clear && !core_busy) begin
                need_clear <= 1'b0;
                clearing <= 1'b1;
                clear_row <= 32'd0;
            end
            if (done && CLEAR_STACK != 0) need_clear <= 1'b1;
            if (start && ready) core_start <= 1'b1;
        end
    end
    assign ready = !clearing && !need_clear && !core_busy && !core_start && !done;

    xdp2hw_core #(
        .LANES(LANES), .ROWS(ROWS), .ROM_FILE(ROM_FILE), .ENTRY(ENTRY), .REGS(REGS), .STACK_BYTES(STACK_BYTES),
        .ALU_LAT(ALU_LAT), .MUL_LAT(MUL_LAT), .DIV_LAT(DIV_LAT), .DIV_LANES(DIV_LANES), .MUL_LANES(MUL_LANES), .EXT_WAIT(EXT_WAIT), .MADD_LANES(MADD_LANES), .SPEC_LANES(SPEC_LANES), .FUSED_LANES(FUSED_LANES), .LD_LAT_PKT(LD_LAT_PKT), .LD_LAT_CTX(LD_LAT_CTX), .LD_LAT_STK(LD_LAT_STK),
        .LD_LAT_MAP(LD_LAT_MAP), .TAKEN_BRANCH(TAKEN_BRANCH),
        .EXIT_DRAIN(EXIT_DRAIN), .EARLY_DRAIN(EARLY_DRAIN), .FWD_PER_LANE(FWD_PER_LANE), .CLEAR_REGS(CLEAR_REGS)
    ) core (
        .clk(clk), .rst(rst), .start(core_start), .pkt_len(end_off - data_off), .pkt_lo(meta_off), .pkt_hi(end_off), .busy(core_busy), .done(done), .action(action),
        .cycles(cycles), .mem_rd(mem_rd), .mem_wr(mem_wr), .mem_addr(mem_addr), .mem_mask(mem_mask),
        .mem_wdata(mem_wdata), .mem_rdata(mem_rdata), .mem_full(mem_full), .mem_ext(mem_ext), .call_valid(call_valid), .call_id(call_id),
        .call_args(call_args), .call_r0(call_r0), .call_done(call_done), .call_jump(call_jump), .call_target(call_target),
        /* verilator lint_off PINCONNECTEMPTY */ // trace outputs: read by the testbench's VCD, not by the top
        .pc(), .issue_valid(), .lane_valid(), .stall(), .stall_cause(), .flush(), .exit_valid(), .exit_action(),
        .early_exit(), .pkt_start(), .fwd_regs()
        /* verilator lint_on PINCONNECTEMPTY */
    );

    // ---- memories ------------------------------------------------------------------------------
    // Read ports for the lanes that load, write ports for the lanes that store (LOAD_LANES,
    // STORE_LANES), at least one of each; the host and the stack clear engine share port 0 (below),
    // the stack has one more read port (a helper's key or the data engine's read), the map memory
    // one more of each (the helper units'). While a helper call holds fetch no lane uses its ports:
    // the packet helpers' data engine reads and zero-fills the packet through port 0 then.
    function integer below;   // set bits of `mask` under bit `upto`: a lane's port index
        input integer mask;
        input integer upto;
        integer z;
        begin
            below = 0;
            for (z = 0; z < upto; z = z + 1) if (((mask >> z) & 1) != 0) below = below + 1;
        end
    endfunction
    localparam integer NLD = below(LOAD_LANES, LANES);     // lanes that load (derived)
    localparam integer NST = below(STORE_LANES, LANES);    // lanes that store (derived)
    localparam integer MRP = (NLD > 0) ? NLD : 1;          // map memory read ports (derived)
    localparam integer MWP = (NST > 0) ? NST : 1;          // map memory write ports (derived)
    localparam integer HPR = (HELP_PKT != 0) ? 1 : 0;      // the helper unit's own packet read port (derived)

    // lane side: one read port per loading lane, one write port per storing lane (at least one each)
    wire [MRP*PAW-1:0]     pkt_raddr_l;
    wire [MWP*PAW-1:0]     pkt_waddr_l;
    wire [MWP*8-1:0]       pkt_we_l;
    wire [MWP*64-1:0]      pkt_wdata_l;
    wire [MWP*SAW-1:0]     stk_waddr_l;
    wire [MWP*8-1:0]       stk_we_l;
    wire [MWP*64-1:0]      stk_wdata_l;
    // memory side
    wire [(MRP+HPR)*PAW-1:0] pkt_raddr;
    wire [(MRP+HPR)*64-1:0]  pkt_rdata;
    wire [MWP*PAW-1:0]     pkt_waddr;
    wire [MWP*8-1:0]       pkt_we;
    wire [MWP*64-1:0]      pkt_wdata;
    wire [(NLD+1)*SAW-1:0] stk_raddr;
    /* verilator lint_off UNUSEDSIGNAL */ // the key port reads 8 bytes; an array key is the low 4
    wire [(NLD+1)*64-1:0]  stk_rdata;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [MWP*SAW-1:0]     stk_waddr;
    wire [MWP*8-1:0]       stk_we;
    wire [MWP*64-1:0]      stk_wdata;
    // the map memory's last read port is the helper units' (an array key, the hash unit's key and
    // value copy); its last write port, the hash unit's or the array unit's value copy, exists only
    // with a hash unit or an array update, so a design without either keeps one write port per bank
    // (the shape mapped to RAM)
    localparam integer MHW = (HASH_MAPS > 0 || ARRAY_UPDATE != 0) ? 1 : 0;
    wire [(MRP+1)*MAW-1:0] map_raddr;
    /* verilator lint_off UNUSEDSIGNAL */ // a program with no load reads no map (its port is tied off)
    wire [(MRP+1)*64-1:0]  map_rdata;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [(MWP+MHW)*MAW-1:0] map_waddr;
    wire [(MWP+MHW)*8-1:0]   map_we;
    wire [(MWP+MHW)*64-1:0]  map_wdata;

    genvar l;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : route
            localparam integer RP = below(LOAD_LANES, l);   // this lane's read port, if it loads
            localparam integer WP = below(STORE_LANES, l);  // its write port, if it stores
            wire [63:0] a = mem_addr[l*64 +: 64];
            wire [31:0] hi = a[63:32];
            wire [31:0] idx = a[31:0] - OFF_BASE;
            // each memory sees only the addresses that point into it (the others' inputs stay still)
            if (((LOAD_LANES >> l) & 1) != 0) begin : ld
                // a map value in external memory (offsets from EXT_BASE on)
                wire ext = EXT_BASE != 32'd0 && hi == TAG_MAPV && idx >= EXT_BASE;
                reg  [63:0] ctxv;
                always @(*) begin
                    case (idx)
                        32'd0:  ctxv = {TAG_PKT, OFF_BASE + data_off};   // data
                        32'd4:  ctxv = {TAG_PKT, OFF_BASE + end_off};    // data_end
                        32'd8:  ctxv = {TAG_PKT, OFF_BASE + meta_off};   // data_meta
                        32'd12: ctxv = {32'd0, ingress_ifindex};
                        32'd16: ctxv = {32'd0, rx_queue_index};
                        default: ctxv = 64'd0;                           // egress_ifindex: not a devmap program
                    endcase
                end
                assign pkt_raddr_l[RP*PAW +: PAW] = (hi == TAG_PKT) ? idx[PAW-1:0] : {PAW{1'b0}};
                assign stk_raddr[RP*SAW +: SAW] = (hi == TAG_STK) ? idx[SAW-1:0] : {SAW{1'b0}};
                assign map_raddr[RP*MAW +: MAW] = (hi == TAG_MAPV) ? idx[MAW-1:0] : {MAW{1'b0}};
                assign mem_rdata[l*64 +: 64] = (hi == TAG_PKT) ? pkt_rdata[RP*64 +: 64] : (hi == TAG_STK) ? stk_rdata[RP*64 +: 64]
                                             : ext ? ext_rdata[l*64 +: 64] : (hi == TAG_MAPV) ? map_rdata[RP*64 +: 64] : (hi == TAG_CTX) ? ctxv : 64'd0;
                assign ext_addr[l*32 +: 32] = ext ? idx - EXT_BASE : 32'd0;
                assign mem_ext[l] = ext;
            end else begin : no_ld
                assign mem_rdata[l*64 +: 64] = 64'd0;
                assign ext_addr[l*32 +: 32] = 32'd0;
                assign mem_ext[l] = 1'b0;
            end
            if (((STORE_LANES >> l) & 1) != 0) begin : st
                wire [7:0] wm = mem_wr[l] ? mem_mask[l*8 +: 8] : 8'd0;
                assign pkt_waddr_l[WP*PAW +: PAW] = (hi == TAG_PKT) ? idx[PAW-1:0] : {PAW{1'b0}};
                assign pkt_we_l[WP*8 +: 8] = (hi == TAG_PKT) ? wm : 8'd0;
                assign pkt_wdata_l[WP*64 +: 64] = mem_wdata[l*64 +: 64];
                assign stk_waddr_l[WP*SAW +: SAW] = (hi == TAG_STK) ? idx[SAW-1:0] : {SAW{1'b0}};
                assign stk_we_l[WP*8 +: 8] = (hi == TAG_STK) ? wm : 8'd0;
                assign stk_wdata_l[WP*64 +: 64] = mem_wdata[l*64 +: 64];
                assign map_waddr[WP*MAW +: MAW] = (hi == TAG_MAPV) ? idx[MAW-1:0] : {MAW{1'b0}};
                assign map_we[WP*8 +: 8] = (hi == TAG_MAPV) ? wm : 8'd0;
                assign map_wdata[WP*64 +: 64] = mem_wdata[l*64 +: 64];
            end
            assign mem_full[l] = (hi == TAG_CTX);
            assign mw_valid[l] = mem_wr[l] && hi == TAG_MAPV;
            assign mw_addr[l*32 +: 32] = idx;
            assign mw_mask[l*8 +: 8] = mem_mask[l*8 +: 8];
            assign mw_data[l*64 +: 64] = mem_wdata[l*64 +: 64];
        end
        if (NLD == 0) begin : no_lane_read
            assign map_raddr[0 +: MAW] = {MAW{1'b0}};
            assign pkt_raddr_l = {PAW{1'b0}};
        end
        if (NST == 0) begin : no_lane_write
            assign map_waddr[0 +: MAW] = {MAW{1'b0}};
            assign map_we[0 +: 8] = 8'd0;
            assign map_wdata[0 +: 64] = 64'd0;
            assign pkt_waddr_l = {PAW{1'b0}};
            assign pkt_we_l = 8'd0;
            assign pkt_wdata_l = 64'd0;
            assign stk_waddr_l = {SAW{1'b0}};
            assign stk_we_l = 8'd0;
            assign stk_wdata_l = 64'd0;
        end
        // Port 0 of the packet buffer and of the stack is shared with what runs while the core is
        // idle, so that a program storing from one lane gives each memory a single write port (the
        // shape Yosys maps to distributed RAM): the host's writes (the packet in) and reads
        // (emission) happen only while the core is not busy, and the stack clear engine runs
        // only then (`ready` waits for it). Contract of the host port: write and read it only
        // while `busy` is low, i.e. before `start` and after `done`.
        if (MWP > 1) begin : more_writes
            assign pkt_waddr[MWP*PAW-1:PAW] = pkt_waddr_l[MWP*PAW-1:PAW];
            assign pkt_we[MWP*8-1:8] = pkt_we_l[MWP*8-1:8];
            assign pkt_wdata[MWP*64-1:64] = pkt_wdata_l[MWP*64-1:64];
            assign stk_waddr[MWP*SAW-1:SAW] = stk_waddr_l[MWP*SAW-1:SAW];
            assign stk_we[MWP*8-1:8] = stk_we_l[MWP*8-1:8];
            assign stk_wdata[MWP*64-1:64] = stk_wdata_l[MWP*64-1:64];
        end
        if (MRP > 1) begin : more_reads
            assign pkt_raddr[MRP*PAW-1:PAW] = pkt_raddr_l[MRP*PAW-1:PAW];
        end
    endgenerate

    // the extra stack read port reads a helper's key; the clear engine writes through port 0
    wire [63:0] key_ptr = call_args[64 +: 64];   // r2
    // the helper port reads the key at the call (fixed unit), then what the hash unit or the packet
    // helpers' data engine asks (one at a time: a call holds fetch until its unit answers)
    wire [63:0] hu_rd_ptr;
    /* verilator lint_off UNUSEDSIGNAL */ // offsets within the stack, packet or map memory
    // bpf_redirect_map reads the devmap's value of key r2 (an index, not a pointer)
    wire [63:0] dev_ptr;
    wire        au_copy;
    wire [63:0] au_ptr;
    // bpf_tail_call reads its prog array's slot r3
    wire [63:0] tc_ptr;
    // the scan unit reads a devmap_hash's slots
    wire        sc_scan;
    wire [63:0] sc_ptr;
    // a lookup on a devmap or cpumap reads its slot when it answers
    wire        fx_look;
    wire [63:0] fx_slot_ptr;
    wire [63:0] help_ptr = sc_scan ? sc_ptr : fx_look ? fx_slot_ptr : au_copy ? au_ptr : pu_rd_busy ? pu_rd_ptr : (hu_rd_ptr != 64'd0) ? hu_rd_ptr : (call_id == 32'd51) ? dev_ptr
                         : (call_id == 32'd12) ? tc_ptr : key_ptr;
    wire [31:0] help_idx = help_ptr[31:0] - OFF_BASE;
    /* verilator lint_on UNUSEDSIGNAL */
    assign stk_raddr[NLD*SAW +: SAW] = help_idx[SAW-1:0];
    assign map_raddr[MRP*MAW +: MAW] = help_idx[MAW-1:0];
    /* verilator lint_off UNUSEDSIGNAL */ // without the hash unit only an array key (4 bytes) is read
    wire        help_ext = EXT_BASE != 32'd0 && help_ptr[63:32] == TAG_MAPV && help_idx >= EXT_BASE;
    assign ext_addr[LANES*32 +: 32] = help_ext ? help_idx - EXT_BASE : 32'd0;
    // a map call reads its key in its own cycle, while the row's lanes may use packet port 0: with
    // HELP_PKT the helper reads the packet through a port of its own (port MRP), else port 0 once
    // the call holds fetch (the packet helpers' data engine, the array unit's value copy)
    wire [63:0] help_rdata = help_ext ? ext_rdata[LANES*64 +: 64] : (help_ptr[63:32] == TAG_MAPV) ? map_rdata[MRP*64 +: 64]
                           : (help_ptr[63:32] == TAG_PKT) ? pkt_rdata[HPR*MRP*64 +: 64] : stk_rdata[NLD*64 +: 64];
    /* verilator lint_on UNUSEDSIGNAL */
    // the packet helpers' zero fill (packet port 0, while the call holds fetch)
    wire pu_fill = pu_pw_we != 8'd0;
    assign pkt_raddr[PAW-1:0] = !core_busy ? host_addr : (pu_rd_busy || au_copy) ? help_idx[PAW-1:0] : pkt_raddr_l[PAW-1:0];
    assign host_rdata = pkt_rdata[63:0];
    assign pkt_waddr[PAW-1:0] = !core_busy ? host_addr : pu_fill ? pu_pw_addr : pkt_waddr_l[PAW-1:0];
    assign pkt_we[7:0] = !core_busy ? host_we : pu_fill ? pu_pw_we : pkt_we_l[7:0];
    assign pkt_wdata[63:0] = !core_busy ? host_wdata : pu_fill ? pu_pw_data : pkt_wdata_l[63:0];
    /* verilator lint_off WIDTH */ // a clear row times 8 is a stack byte address
    assign stk_waddr[SAW-1:0] = clearing ? (clear_row[SAW-1:0] << 3) : stk_waddr_l[SAW-1:0];
    /* verilator lint_on WIDTH */
    assign stk_we[7:0] = clearing ? 8'hff : stk_we_l[7:0];
    assign stk_wdata[63:0] = clearing ? 64'd0 : stk_wdata_l[63:0];

    generate
        if (HELP_PKT != 0) begin : help_packet_port
            assign pkt_raddr[MRP*PAW +: PAW] = help_idx[PAW-1:0];
        end
    endgenerate
    xdp2hw_bytemem #(.BYTES(PKT_BYTES), .RPORTS(MRP + HPR), .WPORTS(MWP)) packet (
        .clk(clk), .raddr(pkt_raddr), .rdata(pkt_rdata), .waddr(pkt_waddr), .we(pkt_we), .wdata(pkt_wdata));
    xdp2hw_bytemem #(.BYTES(STACK_BYTES), .RPORTS(NLD + 1), .WPORTS(MWP)) stack (
        .clk(clk), .raddr(stk_raddr), .rdata(stk_rdata), .waddr(stk_waddr), .we(stk_we), .wdata(stk_wdata));
    // The map memory's write ports: one per storing lane and the hash unit's or, with MAP_ONE_WRITE,
    // one for all of them, the port that writes this cycle: the scheduler puts at most one store
    // that may reach a map value in a row (CoreConfig.mapStorePorts = 1) and the hash unit writes
    // only while its call holds fetch (no lane issues then). One write port is what lets Yosys build
    // the memory from block RAM (one copy per read port). Simulation checks the rule.
    localparam integer MWA = MWP + MHW;                      // write ports asked for (derived)
    localparam integer MWM = (MAP_ONE_WRITE != 0) ? 1 : MWA; // write ports built (derived)
    wire [MWM*MAW-1:0] mm_waddr;
    wire [MWM*8-1:0]   mm_we;
    wire [MWM*64-1:0]  mm_wdata;
    generate
        if (MAP_ONE_WRITE != 0) begin : map_one_write
            reg [MAW-1:0] a;
            reg [7:0]     e;
            reg [63:0]    d;
            integer q;
            always @(*) begin
                a = {MAW{1'b0}};
                e = 8'd0;
                d = 64'd0;
                for (q = 0; q < MWA; q = q + 1)
                    if (map_we[q*8 +: 8] != 8'd0) begin
                        a = map_waddr[q*MAW +: MAW];
                        e = map_we[q*8 +: 8];
                        d = map_wdata[q*64 +: 64];
                    end
            end
            assign mm_waddr = a;
            assign mm_we = e;
            assign mm_wdata = d;
`ifndef SYNTHESIS
            integer nw, c;
            always @(*) begin
                nw = 0;
                for (c = 0; c < MWA; c = c + 1) if (map_we[c*8 +: 8] != 8'd0) nw = nw + 1;
            end
            always @(posedge clk) begin
                if (nw > 1) begin
                    $display("xdp2hw_top: %0d map-memory writes in one cycle with MAP_ONE_WRITE (the core's mapStorePorts must be 1)", nw);
                    $finish;
                end
            end
`endif
        end else begin : map_write_ports
            assign mm_waddr = map_waddr;
            assign mm_we = map_we;
            assign mm_wdata = map_wdata;
        end
    endgenerate
    xdp2hw_bytemem #(.BYTES(MAP_BYTES), .RPORTS(MRP + 1), .WPORTS(MWM), .INIT_PREFIX("maps_b"), .SYNC_READ(MAP_SYNC)) maps (
        .clk(clk), .raddr(map_raddr), .rdata(map_rdata), .waddr(mm_waddr), .we(mm_we), .wdata(mm_wdata));

    // ---- the helper unit: dispatch ---------------------------------------------------------------
    // The core pulses call_valid with the helper id and r1..r5 and holds fetch until call_done
    // (with r0 on call_r0); a unit may answer in the call's own cycle. Each helper goes to one
    // unit by id (and by the map r1 names); every unit answers with (done, r0) and the dispatch
    // forwards the answer of the unit the call went to. Units:
    //   fixed: the helpers answered from the call's arguments alone, after a fixed latency
    //          (latency.helperCall, plus latency.mapLookup.array for an array lookup)
    wire [63:0] r1 = call_args[0 +: 64];
    wire [63:0] r2 = call_args[64 +: 64];
    wire        is_map = r1[63:40] == TAG_MAP_HI;
    wire [7:0]  mi = r1[39:32];

    // unit select, decided at the call (kept for its answer)
    localparam [2:0] U_FIXED = 3'd0, U_HASH = 3'd1, U_PKT = 3'd2, U_ARR = 3'd3, U_SCAN = 3'd4;
    wire [2:0] call_unit = (is_map && m_kind == 32'd7 && (call_id == 32'd1 || call_id == 32'd51)) ? U_SCAN
                         : (is_map && (m_kind == 32'd1 || m_kind == 32'd2) && (call_id == 32'd1 || call_id == 32'd2 || call_id == 32'd3)) ? U_HASH
                         : (is_map && m_kind == 32'd0 && call_id == 32'd2) ? U_ARR : pu_hit ? U_PKT : U_FIXED;
    // the hash unit's cycles before its key fetch (isa/hashmap.ts: helperCall + mapLookup.<family> - 2)
    localparam integer HASH_PRE = HELPER_CALL + MAP_LOOKUP_HASH - 2;
    localparam integer HASH_PRE_LPM = HELPER_CALL + MAP_LOOKUP_LPM - 2;
    reg  [2:0] unit_q;
    always @(posedge clk) if (call_valid) unit_q <= call_unit;
    wire [2:0] unit_now = call_valid ? call_unit : unit_q;

    // -- the fixed-latency unit: map lookup on arrays, get_smp_processor_id, redirect
    wire [31:0] key = help_rdata[31:0];
    /* verilator lint_off UNUSEDSIGNAL */ // table fields are 32 bits; the hash unit takes the widths it needs
    reg  [31:0] m_base, m_max, m_stride, m_kind, m_node, m_bucket, m_bits, m_keyb, m_valb;
    /* verilator lint_on UNUSEDSIGNAL */
    integer i;
    always @(*) begin
        m_base = 32'd0; m_max = 32'd0; m_stride = 32'd0; m_kind = 32'd0; m_node = 32'd0; m_bucket = 32'd0;
        m_bits = 32'd0; m_keyb = 32'd0; m_valb = 32'd0;
        for (i = 0; i < MAPS; i = i + 1)
            if (mi == i[7:0]) begin
                m_base = MAP_BASE[i*32 +: 32];
                m_max = MAP_MAX[i*32 +: 32];
                m_stride = MAP_STRIDE[i*32 +: 32];
                m_kind = MAP_KIND[i*32 +: 32];
                m_node = MAP_NODE[i*32 +: 32];
                m_bucket = MAP_BUCKET[i*32 +: 32];
                m_bits = MAP_BITS[i*32 +: 32];
                m_keyb = MAP_KEYB[i*32 +: 32];
                m_valb = MAP_VALB[i*32 +: 32];
            end
    end
    wire [31:0] value_at = OFF_BASE + m_base + key * m_stride;
    assign dev_ptr = {TAG_MAPV, OFF_BASE + m_base + r2[31:0] * m_stride};
    // bpf_redirect_map on a devmap (kind 3): flags past the action bits, BPF_F_BROADCAST and
    // BPF_F_EXCLUDE_INGRESS abort; a present entry (a nonzero ifindex: the kernel keeps no device 0)
    // or a broadcast redirects, else the action in the flags' low bits
    wire [63:0] r3 = call_args[128 +: 64];
    // on a cpumap (kind 6) only the action bits are valid flags and a present entry is a nonzero
    // qsize (the kernel deletes an entry updated with qsize 0); no broadcast
    wire        dev_cpu = m_kind == 32'd6;
    wire        dev_bad = (m_kind != 32'd3 && !dev_cpu) || (r3 & ~(dev_cpu ? 64'h3 : 64'h1b)) != 64'd0;
    // the key is r2's low word (the kernel's map_redirect takes a u32)
    wire        dev_found = r2[31:0] < m_max && help_rdata[31:0] != 32'd0;
    wire        dev_redirect = !dev_bad && (dev_found || (!dev_cpu && r3[3]));
    // bpf_ktime_get_ns and bpf_get_prandom_u32: the clock and the generator of the TypeScript
    // machine (simulator/xdp/host.ts), so co-simulation compares their values. The host sets them in
    // env.hex (read at reset: the clock at the first packet, the clock's step after a call and
    // between packets, the generator's state); the clock is read then stepped by a call and stepped
    // at each packet start after the first; the generator is a Weyl sequence (+ 0x9e3779b9 a call)
    // through a 32-bit mixer. The testbench reports both after each packet ("T clock state").
    reg  [63:0] env_init [0:3];
    initial $readmemh("env.hex", env_init);
    /* verilator lint_off UNUSEDSIGNAL */ // the generator's state is read by the testbench by name too
    reg  [63:0] env_clock;
    reg  [31:0] env_prng;
    /* verilator lint_on UNUSEDSIGNAL */
    reg         env_first;
    wire [31:0] prng_next = env_prng + 32'h9e3779b9;
    wire [31:0] prng_z1 = (prng_next ^ {16'd0, prng_next[31:16]}) * 32'h85ebca6b;
    wire [31:0] prng_z2 = (prng_z1 ^ {13'd0, prng_z1[31:13]}) * 32'hc2b2ae35;
    wire [31:0] prng_out = prng_z2 ^ {16'd0, prng_z2[31:16]};
    reg  [63:0] fx_r0_now;
    always @(*) begin
        case (call_id)
            32'd5: fx_r0_now = env_clock;                                // bpf_ktime_get_ns
            32'd7: fx_r0_now = {32'd0, prng_out};                        // bpf_get_prandom_u32
            32'd1: fx_r0_now = (is_map && (key_ptr[63:32] == TAG_STK || key_ptr[63:32] == TAG_MAPV || key_ptr[63:32] == TAG_PKT) && key < m_max) ? {TAG_MAPV, value_at} : 64'd0; // bpf_map_lookup_elem
            32'd3: fx_r0_now = (is_map && m_kind == 32'd0) ? 64'hffffffffffffffea : 64'd0; // bpf_map_delete_elem on an array: -EINVAL
            32'd8: fx_r0_now = 64'd0;                                    // bpf_get_smp_processor_id: CPU 0
            32'd12: fx_r0_now = tc_ok ? {48'd1, help_rdata[15:0] - 16'd1} : 64'd0; // bpf_tail_call: jump flag and entry row (to the core, not r0)
            32'd23: fx_r0_now = (r2 == 64'd0) ? 64'd4 : 64'd0;          // bpf_redirect: XDP_REDIRECT, any flag XDP_ABORTED
            32'd51: fx_r0_now = dev_bad ? 64'd0 : dev_redirect ? 64'd4 : {62'd0, r3[1:0]}; // bpf_redirect_map
            default: fx_r0_now = 64'd0;                                  // the emitter refuses every other helper
        endcase
    end
    // bpf_tail_call (12) through the prog array r2 names (kind 5), slot r3's low word: the slot
    // holds its program's entry row + 1 (0: empty; the host fills it: the rows link every program a
    // prog array may name). It succeeds when the slot is below max_entries and filled and the packet
    // has made fewer than TAIL_MAX tail calls; then the core continues at the entry row, a taken
    // branch (r0 and r1-r5 stay as they are: the call writes no register). Answered in helperCall.
    reg  [31:0] tc_base, tc_max, tc_stride;
    reg         tc_prog;
    integer ti;
    always @(*) begin
        tc_base = 32'd0; tc_max = 32'd0; tc_stride = 32'd0; tc_prog = 1'b0;
        for (ti = 0; ti < MAPS; ti = ti + 1)
            if (r2[63:40] == TAG_MAP_HI && r2[39:32] == ti[7:0] && MAP_KIND[ti*32 +: 32] == 32'd5) begin
                tc_base = MAP_BASE[ti*32 +: 32];
                tc_max = MAP_MAX[ti*32 +: 32];
                tc_stride = MAP_STRIDE[ti*32 +: 32];
                tc_prog = 1'b1;
            end
    end
    assign tc_ptr = {TAG_MAPV, OFF_BASE + tc_base + r3[31:0] * tc_stride};
    reg  [5:0]  tc_count;   // tail calls this packet has made
    wire        tc_ok = tc_prog && r3[31:0] < tc_max && help_rdata[31:0] != 32'd0 && {26'd0, tc_count} < TAIL_MAX;
    always @(posedge clk)
        if (rst || (start && ready)) tc_count <= 6'd0;
        else if (call_valid && call_unit == U_FIXED && call_id == 32'd12 && tc_ok) tc_count <= tc_count + 6'd1;
    localparam integer FCW = 16;
    wire [FCW-1:0] fx_lat = HELPER_CALL[FCW-1:0] + ((is_map && m_kind == 32'd0) ? MAP_LOOKUP[FCW-1:0] : {FCW{1'b0}});
    reg  [FCW-1:0] fx_cnt;
    reg            fx_busy;
    reg  [63:0]    fx_r0;
    wire           fx_start = call_valid && call_unit == U_FIXED;
    // bpf_map_lookup_elem on a devmap or cpumap answers NULL for an empty slot (the kernel keeps no
    // entry there): the key is read at the call, the slot when the unit answers (its first word
    // nonzero, as redirect_map reads it; the emitter asks for helperCall >= 1 when a program may
    // make such a lookup)
    reg            fx_slot;
    always @(posedge clk) begin
        if (rst) begin
            fx_busy <= 1'b0;
            fx_cnt <= {FCW{1'b0}};
            fx_r0 <= 64'd0;
            fx_slot <= 1'b0;
        end else if (fx_start && fx_lat != {FCW{1'b0}}) begin
            fx_busy <= 1'b1;
            fx_cnt <= fx_lat - 1'b1;
            fx_r0 <= fx_r0_now;
            fx_slot <= call_id == 32'd1 && is_map && (m_kind == 32'd3 || m_kind == 32'd6);
        end else if (fx_busy) begin
            if (fx_cnt == {FCW{1'b0}}) fx_busy <= 1'b0;
            else fx_cnt <= fx_cnt - 1'b1;
        end
    end
    always @(posedge clk) begin
        if (rst) begin
            env_clock <= env_init[0];
            env_prng <= env_init[3][31:0];
            env_first <= 1'b1;
        end else if (start && ready) begin
            env_first <= 1'b0;
            if (!env_first) env_clock <= env_clock + env_init[2];
        end else if (fx_start && call_id == 32'd5) env_clock <= env_clock + env_init[1];
        else if (fx_start && call_id == 32'd7) env_prng <= prng_next;
    end
    wire fx_done = (fx_start && fx_lat == {FCW{1'b0}}) || (fx_busy && fx_cnt == {FCW{1'b0}});
    assign fx_look = fx_busy && fx_slot && fx_cnt == {FCW{1'b0}};
    assign fx_slot_ptr = fx_r0;
    wire [63:0] fx_r0_out = fx_start ? fx_r0_now : (fx_look && help_rdata[31:0] == 32'd0) ? 64'd0 : fx_r0;

    // -- the array unit: bpf_map_update_elem on arrays and per-CPU arrays, the kernel's
    // array_map_update_elem: flags past BPF_EXIST | BPF_F_LOCK -EINVAL, an index past max_entries
    // -E2BIG, BPF_NOEXIST -EEXIST (every index exists), BPF_F_LOCK -EINVAL (no spin lock), else the
    // value copied from where r3 points, 8 bytes a cycle through the helper port into the map
    // memory's unit write port; a refused update reads without writing. It answers after
    // helperCall + mapLookup.array + ceil(value bytes / 8) (isa/timing.ts arrayUpdateCycles).
    wire [63:0] r4 = call_args[192 +: 64];
    wire [7:0]  au_errno = (r4[63:32] != 32'd0 || (r4[31:0] & ~32'd4) > 32'd2) ? 8'd22 : (key >= m_max) ? 8'd7
                         : r4[0] ? 8'd17 : r4[2] ? 8'd22 : 8'd0;
    /* verilator lint_off UNUSEDSIGNAL */ // value bytes are far below 2^16
    wire [31:0] au_words = (m_valb >> 3) + {31'd0, m_valb[2:0] != 3'd0};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [FCW-1:0] au_lat = HELPER_CALL[FCW-1:0] + MAP_LOOKUP[FCW-1:0] + au_words[FCW-1:0];
    wire        au_start = call_valid && call_unit == U_ARR;
    reg         au_busy, au_on, au_ok;
    reg  [FCW-1:0] au_cnt;
    reg  [63:0] au_src, au_r0;
    reg  [31:0] au_dst, au_rem;
    always @(posedge clk) begin
        if (rst) begin
            au_busy <= 1'b0;
            au_on <= 1'b0;
        end else if (au_start) begin
            au_busy <= 1'b1;
            au_cnt <= au_lat - 1'b1;
            au_on <= 1'b1;
            au_ok <= au_errno == 8'd0;
            au_r0 <= -{56'd0, au_errno};
            au_src <= call_args[128 +: 64];
            au_dst <= m_base + key * m_stride;
            au_rem <= m_valb;
        end else begin
            if (au_busy) begin
                if (au_cnt == {FCW{1'b0}}) au_busy <= 1'b0;
                else au_cnt <= au_cnt - 1'b1;
            end
            if (au_on) begin
                if (au_rem > 32'd8) begin
                    au_rem <= au_rem - 32'd8;
                    au_src <= au_src + 64'd8;
                    au_dst <= au_dst + 32'd8;
                end else au_on <= 1'b0;
            end
        end
    end
    assign au_copy = au_on;
    assign au_ptr = au_src;
    wire au_done = au_busy && au_cnt == {FCW{1'b0}};
    wire au_wen = au_on && au_ok;
    wire [7:0] au_mask = (au_rem >= 32'd8) ? 8'hff : ((8'h01 << au_rem[2:0]) - 8'h01);

    // -- the scan unit: bpf_map_lookup_elem and bpf_redirect_map on a devmap_hash (kind 7), a table
    // the host fills (programs cannot write it): slot i at base + i * stride holds the u32 key in its
    // first word's low half and 1 in byte 4 when filled, then the value at +8; the filled slots come
    // first. The call latches its key (redirect_map: r2's low word; a lookup: the u32 where r2
    // points, read in the call's cycle), then reads one slot a cycle from slot 0 until the key's
    // slot, an empty slot or the last slot, then waits helperCall - 1 cycles (the emitter asks for
    // helperCall >= 1): helperCall + the slots read (isa/timing.ts devmapHashCycles). A lookup
    // answers the value's address or 0; redirect_map as on a devmap (the same flags, BPF_F_BROADCAST
    // redirects without an entry).
    wire        sc_start = call_valid && call_unit == U_SCAN;
    reg         sc_busy, sc_on, sc_hit, sc_redirect;
    reg  [7:0]  sc_map;
    reg  [31:0] sc_idx, sc_key, sc_base, sc_stride, sc_max;
    reg  [63:0] sc_flags;
    reg  [FCW-1:0] sc_cnt;
    wire [31:0] sc_slot = sc_base + sc_idx * sc_stride;
    assign sc_scan = sc_on;
    assign sc_ptr = {TAG_MAPV, OFF_BASE + sc_slot};
    wire        sc_filled = help_rdata[32];
    wire        sc_match = sc_filled && help_rdata[31:0] == sc_key;
    wire        sc_last = !sc_filled || sc_match || sc_idx + 32'd1 >= sc_max;
    always @(posedge clk) begin
        if (rst) begin
            sc_busy <= 1'b0;
            sc_on <= 1'b0;
        end else if (sc_start) begin
            sc_busy <= 1'b1;
            sc_on <= 1'b1;
            sc_idx <= 32'd0;
            sc_hit <= 1'b0;
            sc_key <= (call_id == 32'd51) ? r2[31:0] : key;
            sc_map <= mi;
            sc_base <= m_base;
            sc_stride <= m_stride;
            sc_max <= m_max;
            sc_redirect <= call_id == 32'd51;
            sc_flags <= r3;
            sc_cnt <= HELPER_CALL[FCW-1:0] - 1'b1;
        end else if (sc_on) begin
            if (sc_last) begin
                sc_on <= 1'b0;
                sc_hit <= sc_match;
            end else sc_idx <= sc_idx + 32'd1;
        end else if (sc_busy) begin
            if (sc_cnt == {FCW{1'b0}}) sc_busy <= 1'b0;
            else sc_cnt <= sc_cnt - 1'b1;
        end
    end
    wire        sc_done = sc_busy && !sc_on && sc_cnt == {FCW{1'b0}};
    wire        sc_bad = (sc_flags & ~64'h1b) != 64'd0;
    wire        sc_redir = !sc_bad && (sc_hit || sc_flags[3]);
    wire [63:0] sc_r0 = sc_redirect ? (sc_bad ? 64'd0 : sc_redir ? 64'd4 : {62'd0, sc_flags[1:0]})
                      : sc_hit ? {TAG_MAPV, OFF_BASE + sc_slot + 32'd8} : 64'd0; // the value: isa/timing.ts DEVMAP_HASH_VALUE

    // -- the hash unit: lookup, update, delete on hash and per-CPU hash maps (xdp2hw_hashmap.v)
    wire          hu_done;
    /* verilator lint_off UNUSEDSIGNAL */ // without a hash unit its write port is tied off and not wired to the map memory
    wire          hu_wr_en;
    wire [63:0]   hu_wr_data;
    wire [7:0]    hu_wr_mask;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [63:0]   hu_r0;
    /* verilator lint_off UNUSEDSIGNAL */ // a map-memory byte offset: MAW bits of it
    wire [31:0]   hu_wr_addr;
    /* verilator lint_on UNUSEDSIGNAL */
    // events the testbench reports (the map dump): a key into a node, a node freed
    /* verilator lint_off UNUSEDSIGNAL */ // read by the testbench by hierarchical name, not in the design
    wire          hu_ev_insert, hu_ev_delete;
    wire [7:0]    hu_ev_map;
    wire [31:0]   hu_ev_node;
    wire [HASH_KW-1:0] hu_ev_key;
    wire [1:0]    hu_ev_op;      // an LRU map's call (the RTL engine replays it on its map model)
    wire [63:0]   hu_ev_flags;
    /* verilator lint_on UNUSEDSIGNAL */
    generate
        if (HASH_MAPS > 0) begin : hash
            xdp2hw_hashmap #(
                .NODES(HASH_NODES), .BUCKETS(HASH_BUCKETS), .KW(HASH_KW), .MAPS(MAPS), .LRU(HASH_LRU)
            ) unit (
                .clk(clk), .rst(rst), .start(call_valid && call_unit == U_HASH), .op(call_id[1:0]), .map(mi), .lpm(m_kind == 32'd2),
                .pre(m_kind == 32'd2 ? HASH_PRE_LPM[15:0] : HASH_PRE[15:0]),
                .node_base(m_node), .bucket_base(m_bucket), .bits(m_bits[5:0]), .key_bytes(m_keyb[15:0]),
                .value_bytes(m_valb[15:0]), .value_base(m_base), .stride(m_stride), .key_ptr(r2),
                .value_ptr(call_args[128 +: 64]), .flags(call_args[192 +: 64]),
                .rd_ptr(hu_rd_ptr), .rd_data(help_rdata), .wr_en(hu_wr_en), .wr_addr(hu_wr_addr), .wr_mask(hu_wr_mask),
                .wr_data(hu_wr_data), .done(hu_done), .r0(hu_r0), .ev_insert(hu_ev_insert), .ev_delete(hu_ev_delete),
                .ev_map(hu_ev_map), .ev_node(hu_ev_node), .ev_key(hu_ev_key), .ev_op(hu_ev_op), .ev_flags(hu_ev_flags));
        end else begin : no_hash
            assign hu_rd_ptr = 64'd0;
            assign hu_done = 1'b0;
            assign hu_r0 = 64'd0;
            assign hu_wr_en = 1'b0;
            assign hu_wr_addr = 32'd0;
            assign hu_wr_mask = 8'd0;
            assign hu_wr_data = 64'd0;
            assign hu_ev_insert = 1'b0;
            assign hu_ev_delete = 1'b0;
            assign hu_ev_map = 8'd0;
            assign hu_ev_node = 32'd0;
            assign hu_ev_key = {HASH_KW{1'b0}};
            assign hu_ev_op = 2'd0;
            assign hu_ev_flags = 64'd0;
        end
    endgenerate
    // the units' write port (the hash unit's and the array unit's value copies, never in one cycle)
    /* verilator lint_off UNUSEDSIGNAL */ // without that port it is read by the testbench only
    wire        uw_en = hu_wr_en || au_wen;
    wire [31:0] uw_addr = au_wen ? au_dst : hu_wr_addr;
    wire [7:0]  uw_mask = au_wen ? au_mask : hu_wr_mask;
    wire [63:0] uw_data = au_wen ? help_rdata : hu_wr_data;
    /* verilator lint_on UNUSEDSIGNAL */
    generate
        if (MHW > 0) begin : unit_write
            assign map_waddr[MWP*MAW +: MAW] = uw_addr[MAW-1:0];
            assign map_we[MWP*8 +: 8] = uw_en ? uw_mask : 8'd0;
            assign map_wdata[MWP*64 +: 64] = uw_data;
        end
    endgenerate

    // -- the packet helpers (xdp2hw_helpers.v): csum_diff, adjust_head / _meta / _tail, perf_event_output
    // (its map is r2's: max_entries bounds the perf event index)
    reg [31:0] perf_max;
    integer pi;
    always @(*) begin
        perf_max = 32'd0;
        for (pi = 0; pi < MAPS; pi = pi + 1)
            if (r2[63:40] == TAG_MAP_HI && r2[39:32] == pi[7:0] && MAP_KIND[pi*32 +: 32] == 32'd4) perf_max = MAP_MAX[pi*32 +: 32];
    end
    xdp2hw_helpers #(.PAW(PAW), .HEADROOM(HEADROOM), .FRAME_END(FRAME_END), .HELPER_CALL(HELPER_CALL)) helpers (
        .clk(clk), .rst(rst), .start(start && ready), .pkt_len(pkt_len), .call_valid(call_valid && call_unit == U_PKT),
        .call_id(call_id), .call_args(call_args), .hit(pu_hit), .done(pu_done), .r0(pu_r0),
        .meta_off(meta_off), .data_off(data_off), .end_off(end_off), .high_off(high_off), .rd_ptr(pu_rd_ptr), .rd_busy(pu_rd_busy),
        .rd_data(help_rdata), .pw_addr(pu_pw_addr), .pw_we(pu_pw_we), .pw_data(pu_pw_data),
        .perf_max(perf_max), .ev_valid(perf_valid), .ev_kind(perf_kind), .ev_bytes(perf_bytes), .ev_data(perf_data));

    // -- the answer of the unit the call went to
    assign call_done = (unit_now == U_FIXED) ? fx_done : (unit_now == U_HASH) ? hu_done : (unit_now == U_PKT) ? pu_done
                     : (unit_now == U_SCAN) ? sc_done : au_done;
    assign call_r0 = (unit_now == U_FIXED) ? fx_r0_out : (unit_now == U_HASH) ? hu_r0 : (unit_now == U_PKT) ? pu_r0
                   : (unit_now == U_SCAN) ? sc_r0 : au_r0;
    // a tail call's answer is its jump (fx_r0's bit 16 and row), which the core takes instead of r0
    reg tc_q;
    always @(posedge clk) if (call_valid) tc_q <= call_id == 32'd12;
    assign call_jump = (unit_now == U_FIXED) && (call_valid ? call_id == 32'd12 : tc_q) && fx_r0_out[16];
    assign call_target = fx_r0_out[15:0];

    // a redirect through a map: its index and key (the testbench reports them by name)
    /* verilator lint_off UNUSEDSIGNAL */ // read by the testbench by hierarchical name
    reg         redirect_via_map;
    reg  [7:0]  redirect_map;
    reg  [31:0] redirect_key;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk) begin
        if (rst || start) begin
            redirect_ifindex <= 32'd0;
            redirect_via_map <= 1'b0;
        end else if (call_valid && call_id == 32'd23) begin
            redirect_ifindex <= r1[31:0];
            redirect_via_map <= 1'b0;
        end else if (call_valid && call_id == 32'd51 && dev_redirect) begin
            redirect_via_map <= 1'b1;
            redirect_map <= mi;
            redirect_key <= r2[31:0];
        end else if (sc_done && sc_redirect && sc_redir) begin
            redirect_via_map <= 1'b1;
            redirect_map <= sc_map;
            redirect_key <= sc_key;
        end
    end
endmodule

`default_nettype wire
