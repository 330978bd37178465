// xdp2hw_tb: runs a batch of packets through xdp2hw_top. Reads packets.txt (from the working
// directory): a count, then per packet "length ingress_ifindex rx_queue_index" and its bytes in
// hex. Writes results.txt: per packet "P index action cycles redirect_ifindex via_map map key"
// (via_map 1: bpf_redirect_map's map index and key), every map write
// as "W address mask data" (hex) while it runs, the hash unit's map changes as "H map node key"
// (a key into a node) and "X map node" (a node freed), "T clock state" after the verdict (the
// ktime clock and the prandom generator's state, hex), bpf_perf_event_output's records as they
// stream out ("E index length map errno" then "D kind bytes hex" beats) and "O bytes" (the packet as it leaves).
// Map memory starts from maps_b<bank>.hex, the hash unit from hash_*.hex, the clock and the
// generator from env.hex; the ROM from rom.hex; external memory (the read-only maps off chip) is a
// model here, its non-zero 8-byte words from ext.txt (a count, then "address data" in hex).
// +vcd writes trace.vcd.
`default_nettype none
`timescale 1ps/1ps

module xdp2hw_tb;
    `include "params.vh"

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [7:0] host_we = 8'd0;
    reg [P_PAW-1:0] host_addr = {P_PAW{1'b0}};
    reg [63:0] host_wdata = 64'd0;
    wire [63:0] host_rdata;
    reg start = 1'b0;
    reg [31:0] pkt_len = 32'd0, ifindex = 32'd0, rxq = 32'd0;
    wire ready, done;
    wire [31:0] action, cycles, redirect_ifindex, out_start, out_len, out_high;
    reg  [31:0] high = P_FRAME_END;   // the frame above the last packet's highest data_end is zero (at first: all of it)
    wire [P_LANES-1:0] mw_valid;
    wire [P_LANES*32-1:0] mw_addr;
    wire [P_LANES*8-1:0] mw_mask;
    wire [P_LANES*64-1:0] mw_data;
    wire perf_valid;
    wire [1:0] perf_kind;
    wire [3:0] perf_bytes;
    wire [63:0] perf_data;
    wire [(P_LANES+1)*32-1:0] ext_addr;
    reg  [(P_LANES+1)*64-1:0] ext_rdata;

    // the program's own top (xdp2hw_program.v, written beside this file): xdp2hw_top with params.vh
    xdp2hw_program dut (
        .clk(clk), .rst(rst), .host_we(host_we), .host_addr(host_addr), .host_wdata(host_wdata), .host_rdata(host_rdata),
        .start(start), .pkt_len(pkt_len), .ingress_ifindex(ifindex), .rx_queue_index(rxq), .ready(ready), .done(done),
        .action(action), .cycles(cycles), .redirect_ifindex(redirect_ifindex), .out_start(out_start), .out_len(out_len), .out_high(out_high), .mw_valid(mw_valid), .mw_addr(mw_addr),
        .mw_mask(mw_mask), .mw_data(mw_data), .perf_valid(perf_valid), .perf_kind(perf_kind), .perf_bytes(perf_bytes),
        .perf_data(perf_data), .ext_addr(ext_addr), .ext_rdata(ext_rdata)
    );

    // external memory: P_EXT_WORDS words at most, the others zero; a port reads the 8 bytes from its
    // byte address (two words when it is not 8-byte aligned)
    reg  [31:0] ext_wa [0:P_EXT_WORDS-1];
    reg  [63:0] ext_wd [0:P_EXT_WORDS-1];
    integer ext_n = 0, ext_f, ext_i, ext_p;
    reg  [31:0] ext_a32;
    reg  [63:0] ext_lo, ext_hi;
    reg  [127:0] ext_two;
    function [63:0] ext_word(input [31:0] wa);
        integer k;
        begin
            ext_word = 64'd0;
            for (k = 0; k < ext_n; k = k + 1) if (ext_wa[k] == wa) ext_word = ext_wd[k];
        end
    endfunction
    always @(*) begin
        for (ext_p = 0; ext_p <= P_LANES; ext_p = ext_p + 1) begin
            ext_a32 = ext_addr[ext_p*32 +: 32];
            ext_lo = ext_word({ext_a32[31:3], 3'd0});
            ext_hi = (ext_a32[2:0] != 3'd0) ? ext_word({ext_a32[31:3], 3'd0} + 32'd8) : 64'd0;
            ext_two = {ext_hi, ext_lo} >> {ext_a32[2:0], 3'd0};
            ext_rdata[ext_p*64 +: 64] = ext_two[63:0];
        end
    end

    always #5 clk = ~clk;

    integer fin, fout, n, p, b, len, got, v;
    reg [7:0] bytes [0:P_PKT_BYTES-1];
    integer li;

    // map writes, reported at the edge that commits them
    always @(posedge clk)
        for (li = 0; li < P_LANES; li = li + 1)
            if (mw_valid[li]) $fdisplay(fout, "W %h %h %h", mw_addr[li*32 +: 32], mw_mask[li*8 +: 8], mw_data[li*64 +: 64]);
    // bpf_perf_event_output's record stream, a beat a cycle: "E index length map errno" for a header,
    // "D kind bytes" + the beat's bytes (hex, first byte first) for data (1) and sample (2) beats
    integer pb;
    always @(posedge clk)
        if (perf_valid) begin
            if (perf_kind == 2'd0) $fdisplay(fout, "E %h %h %h %h", perf_data[63:32], perf_data[31:16], perf_data[15:8], perf_data[7:0]);
            else begin
                $fwrite(fout, "D %0d %0d ", perf_kind, perf_bytes);
                for (pb = 0; pb < 8; pb = pb + 1) if (pb < perf_bytes) $fwrite(fout, "%h", perf_data[8*pb +: 8]);
                $fwrite(fout, "\n");
            end
        end
    // the hash unit's map changes, its and the array unit's value writes (signals of the top, by name)
    always @(posedge clk) begin
        if (dut.top.hu_ev_op != 2'd0) $fdisplay(fout, "L %h %h %h %h", dut.top.hu_ev_map, dut.top.hu_ev_op, dut.top.hu_ev_flags, dut.top.hu_ev_key);
        if (dut.top.hu_ev_insert) $fdisplay(fout, "H %h %h %h", dut.top.hu_ev_map, dut.top.hu_ev_node, dut.top.hu_ev_key);
        if (dut.top.hu_ev_delete) $fdisplay(fout, "X %h %h", dut.top.hu_ev_map, dut.top.hu_ev_node);
        if (dut.top.uw_en) $fdisplay(fout, "W %h %h %h", dut.top.uw_addr, dut.top.uw_mask, dut.top.uw_data);
    end

    initial begin
        if ($test$plusargs("vcd")) begin
            $dumpfile("trace.vcd");
            $dumpvars(0, xdp2hw_tb.dut.top.core);
        end
        ext_f = $fopen("ext.txt", "r");
        if (ext_f != 0) begin
            got = $fscanf(ext_f, "%d", v);
            for (ext_i = 0; ext_i < v && ext_i < P_EXT_WORDS; ext_i = ext_i + 1) got = $fscanf(ext_f, "%h %h", ext_wa[ext_i], ext_wd[ext_i]);
            $fclose(ext_f);
            ext_n = ext_i;   // last: the ports' model reads again with the words in
        end
        fin = $fopen("packets.txt", "r");
        fout = $fopen("results.txt", "w");
        if (fin == 0) begin
            $display("xdp2hw_tb: cannot open packets.txt");
            $finish;
        end
        got = $fscanf(fin, "%d", n);
        repeat (2) @(posedge clk);
        rst <= 1'b0;
        for (p = 0; p < n; p = p + 1) begin
            got = $fscanf(fin, "%d %d %d", len, v, b);
            ifindex <= v;
            rxq <= b;
            for (b = 0; b < len; b = b + 1) begin
                got = $fscanf(fin, "%h", v);
                bytes[b] = v[7:0];
            end
            // the headroom zeroed (as test_run's fresh frame; a packet before may have written it),
            // then the packet into the buffer after it, 8 bytes a cycle
            for (b = 0; b < P_HEADROOM; b = b + 8) begin
                @(negedge clk);
                host_addr <= b[P_PAW-1:0];
                host_we <= 8'hff;
                host_wdata <= 64'd0;
            end
            // the frame past the new packet, up to where the last one reached, zeroed too (the
            // helpers count on zeros above the packet's highest data_end)
            for (b = P_HEADROOM + len; b < high; b = b + 8) begin
                @(negedge clk);
                host_addr <= b[P_PAW-1:0];
                host_we <= 8'hff;
                host_wdata <= 64'd0;
            end
            for (b = 0; b < len; b = b + 8) begin
                @(negedge clk);
                host_addr <= b[P_PAW-1:0] + P_HEADROOM[P_PAW-1:0];
                host_we <= (len - b >= 8) ? 8'hff : ((8'h01 << (len - b)) - 8'h01);
                host_wdata <= {bytes[b + 7], bytes[b + 6], bytes[b + 5], bytes[b + 4], bytes[b + 3], bytes[b + 2], bytes[b + 1], bytes[b]};
            end
            @(negedge clk);
            host_we <= 8'd0;
            pkt_len <= len;
            while (!ready) @(negedge clk);
            start <= 1'b1;
            @(negedge clk);
            start <= 1'b0;
            @(posedge done);
            @(negedge clk);
            $fdisplay(fout, "P %0d %0d %0d %0d %0d %0d %0d", p, action, cycles, redirect_ifindex,
                      dut.top.redirect_via_map, dut.top.redirect_map, dut.top.redirect_key);
            $fdisplay(fout, "T %h %h", dut.top.env_clock, dut.top.env_prng);
            high = out_high;
            // emission: read the packet back, data_meta to data_end
            $fwrite(fout, "O ");
            for (b = 0; b < out_len; b = b + 8) begin
                host_addr <= b[P_PAW-1:0] + out_start[P_PAW-1:0];
                @(negedge clk);
                for (v = 0; v < 8; v = v + 1)
                    if (b + v < out_len) $fwrite(fout, "%h", host_rdata[8*v +: 8]);
            end
            $fwrite(fout, "\n");
        end
        $fclose(fout);
        $finish;
    end
endmodule

`default_nettype wire
