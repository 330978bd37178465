// xdp2hw_bytemem: a byte-addressed memory of BYTES bytes with RPORTS read ports, each reading 8
// bytes at any byte address (little-endian, unaligned), and WPORTS write ports, each writing up to
// 8 bytes under a byte mask. Eight byte-wide banks (byte i of the memory lives in bank i mod 8),
// so an unaligned access touches each bank once: a port's row in a bank is its address's row, plus
// one for the banks below the address's offset. Reads are asynchronous and writes synchronous,
// with no reset on the arrays: the style Yosys maps to distributed RAM (LUTRAM, one copy per read
// port) when WPORTS is 1. Ports that never write (or read) are not built: the emitter gives each
// memory only the lanes whose syllables load (RPORTS) and store (WPORTS).
// INIT_PREFIX non-empty: bank b starts from "<INIT_PREFIX><b>.hex" ($readmemh, one byte a line).
// SYNC_READ = 1: each read port's row is read at the falling edge of clk into a register (the
// shape Yosys maps to block RAM, a port clocked by the inverted clock), so the data is there before
// the next rising edge, as an asynchronous read's would be: the same value in the same cycle (the
// address is stable from one rising edge to the next, and writes land at rising edges), at the
// price of half a clock period for the address and half for the data. With WPORTS = 1 every read
// port is a block-RAM copy; the map memory of a program with large maps is built so.
`default_nettype none

module xdp2hw_bytemem #(
    parameter integer BYTES = 512,                 // capacity, a multiple of 8
    parameter integer RPORTS = 1,                  // read ports (at least 1)
    parameter integer WPORTS = 1,                  // write ports (at least 1)
    parameter integer AW = $clog2(BYTES),          // byte address width (derived)
    parameter INIT_PREFIX = "",                    // initial contents, bank by bank; "" = none (X until written)
    parameter integer SYNC_READ = 0                // 1: rows read at the falling edge (block RAM), 0: asynchronously
) (
    input  wire                  clk,
    input  wire [RPORTS*AW-1:0]  raddr,            // byte address per read port
    output wire [RPORTS*64-1:0]  rdata,            // the 8 bytes from raddr, per read port
    input  wire [WPORTS*AW-1:0]  waddr,            // byte address per write port
    input  wire [WPORTS*8-1:0]   we,               // byte write enables per write port (bit i: byte waddr + i)
    input  wire [WPORTS*64-1:0]  wdata             // write data per write port, byte i at bits 8i+7:8i
);
    localparam integer DEPTH = (BYTES + 7) / 8;    // rows of each bank
    localparam integer RW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam [AW-1:0] DEPTH_A = DEPTH[AW-1:0];   // rows, at the address width

    genvar b, p, k;
    generate
        for (b = 0; b < 8; b = b + 1) begin : bank
            reg [7:0] mem [0:DEPTH-1];
            if (INIT_PREFIX != "") begin : init
                localparam [7:0] DIGIT = 8'd48 + b[7:0];   // the bank's digit in the file name
                initial $readmemh({INIT_PREFIX, DIGIT, ".hex"}, mem);
            end
            for (p = 0; p < RPORTS; p = p + 1) begin : rport
                wire [AW-1:0] a = raddr[p*AW +: AW];
                wire [2:0] lo = a[2:0];
                /* verilator lint_off WIDTH */ // the row index widens to the address width by design
                /* verilator lint_off CMPCONST */ // bank 0 is never below the offset: constant there, by design
                wire [AW-1:0] rowa = (a >> 3) + ((b[2:0] < lo) ? 1 : 0);
                /* verilator lint_on CMPCONST */
                /* verilator lint_on WIDTH */
                wire in_range = rowa < DEPTH_A;             // the access's last row may lie past the end
                wire [RW-1:0] row = rowa[RW-1:0];
                wire [7:0] q;
                if (SYNC_READ != 0) begin : sync
                    reg [7:0] q_r;
                    reg       in_r;
                    always @(negedge clk) begin
                        q_r <= mem[row];
                        in_r <= in_range;
                    end
                    assign q = in_r ? q_r : 8'd0;
                end else begin : comb
                    assign q = in_range ? mem[row] : 8'd0;
                end
            end
            for (p = 0; p < WPORTS; p = p + 1) begin : wport
                wire [AW-1:0] a = waddr[p*AW +: AW];
                wire [2:0] lo = a[2:0];
                wire [2:0] i = b[2:0] - lo;                 // the byte of the access this bank holds
                /* verilator lint_off WIDTH */ // as above
                /* verilator lint_off CMPCONST */ // as above
                wire [AW-1:0] rowa = (a >> 3) + ((b[2:0] < lo) ? 1 : 0);
                /* verilator lint_on CMPCONST */
                /* verilator lint_on WIDTH */
                wire in_range = rowa < DEPTH_A;
                wire [RW-1:0] row = rowa[RW-1:0];
                wire wen = we[p*8 + i] && in_range;
                wire [7:0] d = wdata[p*64 + 8*i +: 8];
                always @(posedge clk) if (wen) mem[row] <= d;
            end
        end
        // rotate the banks' bytes into access order
        for (p = 0; p < RPORTS; p = p + 1) begin : out
            wire [2:0] lo = raddr[p*AW +: 3];
            for (k = 0; k < 8; k = k + 1) begin : byte_
                wire [2:0] sel = lo + k[2:0];
                reg [7:0] v;
                always @(*) begin
                    case (sel)
                        3'd0: v = bank[0].rport[p].q;
                        3'd1: v = bank[1].rport[p].q;
                        3'd2: v = bank[2].rport[p].q;
                        3'd3: v = bank[3].rport[p].q;
                        3'd4: v = bank[4].rport[p].q;
                        3'd5: v = bank[5].rport[p].q;
                        3'd6: v = bank[6].rport[p].q;
                        default: v = bank[7].rport[p].q;
                    endcase
                end
                assign rdata[p*64 + 8*k +: 8] = v;
            end
        end
    endgenerate
endmodule

`default_nettype wire
