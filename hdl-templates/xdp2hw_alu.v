// xdp2hw_alu: one lane's arithmetic unit, combinational. eBPF ALU and ALU64 operations (the op
// field's codes), byte-order conversions and the 64-bit multiply. Division and modulo are not
// here: they take many cycles, in xdp2hw_div beside this unit in the core. The 32-bit forms
// zero-extend their result, as RFC 9669 says.
`default_nettype none

module xdp2hw_alu #(
    parameter integer MUL = 1   // 0: the lane never multiplies (no multiplier; a mul would give 0)
) (
    input  wire [3:0]  op,      // eBPF ALU op code: 0 add, 1 sub, 2 mul, 4 or, 5 and, 6 lsh, 7 rsh, 8 neg, 10 xor, 11 mov, 12 arsh, 13 end
    input  wire        w32,     // 32-bit form (ALU class)
    input  wire        sx,      // mov: sign-extending (movsx); end: unconditional byte swap / big endian
    input  wire [1:0]  bits,    // movsx source width / end width: 0 = 8, 1 = 16, 2 = 32, 3 = 64
    input  wire [63:0] a,       // first operand (dst for two-operand forms)
    input  wire [63:0] b,       // second operand (register or pre-extended immediate)
    output reg  [63:0] y
);
    wire [31:0] a32 = a[31:0];
    wire [31:0] b32 = b[31:0];
    wire [63:0] prod;
    generate
        if (MUL != 0) begin : mul
            assign prod = a * b;
        end else begin : no_mul
            assign prod = 64'd0;
        end
    endgenerate
    reg  [31:0] y32;
    reg  [63:0] sext;

    // byte swaps of the low 16, 32 and 64 bits
    wire [63:0] sw16 = {48'd0, a[7:0], a[15:8]};
    wire [63:0] sw32 = {32'd0, a[7:0], a[15:8], a[23:16], a[31:24]};
    wire [63:0] sw64 = {a[7:0], a[15:8], a[23:16], a[31:24], a[39:32], a[47:40], a[55:48], a[63:56]};

    always @(*) begin
        case (bits)
            2'd0: sext = {{56{b[7]}}, b[7:0]};
            2'd1: sext = {{48{b[15]}}, b[15:0]};
            default: sext = {{32{b[31]}}, b[31:0]};
        endcase
        y32 = 32'd0;
        y = 64'd0;
        if (op == 4'd13) begin
            // end: sx = 1 swaps (be on a little-endian core, or bswap); sx = 0 truncates (le)
            case (bits)
                2'd1: y = sx ? sw16 : {48'd0, a[15:0]};
                2'd2: y = sx ? sw32 : {32'd0, a[31:0]};
                default: y = sx ? sw64 : a;
            endcase
        end else if (w32) begin
            case (op)
                4'd0: y32 = a32 + b32;
                4'd1: y32 = a32 - b32;
                4'd2: y32 = prod[31:0];
                4'd4: y32 = a32 | b32;
                4'd5: y32 = a32 & b32;
                4'd6: y32 = a32 << b32[4:0];
                4'd7: y32 = a32 >> b32[4:0];
                4'd8: y32 = -a32;
                4'd10: y32 = a32 ^ b32;
                4'd11: y32 = sx ? sext[31:0] : b32;
                4'd12: y32 = $signed(a32) >>> b32[4:0];
                default: y32 = 32'd0;
            endcase
            y = {32'd0, y32};
        end else begin
            case (op)
                4'd0: y = a + b;
                4'd1: y = a - b;
                4'd2: y = prod;
                4'd4: y = a | b;
                4'd5: y = a & b;
                4'd6: y = a << b[5:0];
                4'd7: y = a >> b[5:0];
                4'd8: y = -a;
                4'd10: y = a ^ b;
                4'd11: y = sx ? sext : b;
                4'd12: y = $signed(a) >>> b[5:0];
                default: y = 64'd0;
            endcase
        end
    end
endmodule

`default_nettype wire
