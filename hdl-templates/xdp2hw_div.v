// xdp2hw_div: one lane's divider, eBPF div/mod/sdiv/smod in both widths with RFC 9669's cases
// (x / 0 = 0, x % 0 = x, LLONG_MIN / -1 = LLONG_MIN, x % -1 = 0; 32-bit forms zero-extend).
// A pipelined radix-2 restoring divider: operands registered at the issuing edge, one quotient
// bit per stage for 64 stages, the signs fixed on the way out: the result is written DIV_CYCLES
// (66) cycles after issue, latency.div of the xdp2hw core, and a new division may enter every
// cycle (no structural hazard for the scheduler to know). An in-flight result is dropped when a
// later row writes its register first (`kill`, bit per register: program order wins) and at each
// packet start.
`default_nettype none

module xdp2hw_div #(
    parameter integer STAGES = 64              // quotient bits, one a stage
) (
    input  wire        clk,
    input  wire        flush,      // a packet starts: nothing in flight survives
    input  wire        go,         // a division issues this cycle
    input  wire        is_mod,     // mod / smod
    input  wire        sgn,        // sdiv / smod
    input  wire        w32,        // 32-bit form
    input  wire [3:0]  dst,
    input  wire [63:0] a,          // dividend (dst's value)
    input  wire [63:0] b,          // divisor
    input  wire [15:0] kill,       // registers written by the row issuing now: older results to them are dropped
    output wire        wb_valid,   // result written at this edge
    output wire [3:0]  wb_dst,
    output wire [63:0] wb_data
);
    // operands as 64-bit magnitudes and the signs to put back
    wire [63:0] xa = w32 ? (sgn ? {{32{a[31]}}, a[31:0]} : {32'd0, a[31:0]}) : a;
    wire [63:0] xb = w32 ? (sgn ? {{32{b[31]}}, b[31:0]} : {32'd0, b[31:0]}) : b;
    wire        na = sgn && xa[63];
    wire        nb = sgn && xb[63];
    wire [63:0] ua = na ? -xa : xa;
    wire [63:0] ub = nb ? -xb : xb;

    // stage k: remainder r, dividend bits still to shift in / quotient bits shifted in (aq), divisor
    reg [63:0] r   [0:STAGES];
    reg [63:0] aq  [0:STAGES];
    reg [63:0] d   [0:STAGES];
    reg        v   [0:STAGES];
    reg [3:0]  dd  [0:STAGES];
    reg [4:0]  fl  [0:STAGES];   // {w32, is_mod, negate quotient, negate remainder, divisor zero}

    integer k;
    always @(posedge clk) begin
        v[0] <= go && !flush;
        r[0] <= 64'd0;
        aq[0] <= ua;
        d[0] <= ub;
        dd[0] <= dst;
        fl[0] <= {w32, is_mod, na ^ nb, na, xb == 64'd0};
        for (k = 1; k <= STAGES; k = k + 1) begin : step
            reg [64:0] t;
            t = {r[k-1], aq[k-1][63]};
            v[k] <= v[k-1] && !flush && !kill[dd[k-1]];
            dd[k] <= dd[k-1];
            fl[k] <= fl[k-1];
            d[k] <= d[k-1];
            if (t >= {1'b0, d[k-1]}) begin
                r[k] <= t[63:0] - d[k-1];
                aq[k] <= {aq[k-1][62:0], 1'b1};
            end else begin
                r[k] <= t[63:0];
                aq[k] <= {aq[k-1][62:0], 1'b0};
            end
        end
    end

    // out of the last stage: signs back, x / 0 = 0 (x % 0 = x falls out: the remainder is x)
    wire [4:0]  f = fl[STAGES];
    wire [63:0] q = f[0] ? 64'd0 : (f[2] ? -aq[STAGES] : aq[STAGES]);
    wire [63:0] m = f[1] ? -r[STAGES] : r[STAGES];
    wire [63:0] y = f[3] ? m : q;
    assign wb_valid = v[STAGES] && !flush && !kill[dd[STAGES]];
    assign wb_dst = dd[STAGES];
    assign wb_data = f[4] ? {32'd0, y[31:0]} : y;
endmodule

`default_nettype wire
