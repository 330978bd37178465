// docs/RESULTS.md from measured report data: our figures beside hXDP's published ones, table by
// table (instructions per pass, rows per lane count, strategies, IPC and cycles per packet, Mpps
// against the CPU, forwarding latency, resources). Deterministic figures (instructions, rows,
// cycles) stand alone; the kernel JIT's times are labelled with the machine and the date.

import { HXDP_AFTER_PEEPHOLE, HXDP_FIG7, HXDP_FIG7_COLUMNS, HXDP_FIG8, HXDP_IPC, HXDP_LATENCY_US, HXDP_MPPS, HXDP_NAMES, HXDP_RESOURCES, HXDP_ROWS, OUR_PASS_FOR_FIG7, SYNTH_COMMAND } from './hxdp.js';
import type { FrameLatency } from './latency.js';
import { isMeasured } from './types.js';
import type { Measured, ProgramFigures, ReportData, SynthPoint } from './types.js';

export interface ResultsInput {
  /** the hxdp preset (the paper's core), kernel JIT measured */
  readonly hxdp: ReportData;
  /** the xdp2hw preset (our design targets) */
  readonly ours: ReportData;
  /** forwarding latency per frame size, per preset */
  readonly latency: { readonly core: string; readonly program: string; readonly sizes: readonly Measured<FrameLatency>[] }[];
  readonly synth: readonly SynthPoint[];
  readonly command: string;
}

const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map(line)].join('\n');
}

const ok = (d: ReportData) => d.programs.filter((p) => p.refused === undefined);
const rowsAt = (p: ProgramFigures, lanes: number) => p.lanes.find((c) => c.lanes === lanes)?.rows ?? null;
const strat = (p: ProgramFigures, s: string) => p.strategies.find((c) => c.strategy === s);
const cell = (v: number | null | undefined, f: (v: number) => string = String) => (v === null || v === undefined ? '–' : f(v));

function passesSection(d: ReportData, ours: ReportData): string {
  const rows = ok(d).map((p) => {
    const pct = (passes: readonly string[]) => {
      const best = Math.min(...passes.map((n) => p.passAlone.find((x) => x.pass === n)?.insns ?? p.insns.original));
      return (100 * (p.insns.original - best)) / p.insns.original;
    };
    const fig = HXDP_FIG7[p.name];
    return [`${p.name}${HXDP_NAMES[p.name] && HXDP_NAMES[p.name] !== p.name ? ` (${HXDP_NAMES[p.name]})` : ''}`, `${p.insns.original} (${HXDP_ROWS[p.name]?.insns ?? '–'})`,
      ...HXDP_FIG7_COLUMNS.map((col, i) => `${f1(pct(OUR_PASS_FOR_FIG7[col]))} (${fig ? f1(fig[i]) : '–'})`),
      `${p.insns.optimized} = ${f1((100 * p.insns.optimized) / p.insns.original)} % (${HXDP_AFTER_PEEPHOLE[p.name] ?? '–'} ≈ ${HXDP_AFTER_PEEPHOLE[p.name] ? f1((100 * HXDP_AFTER_PEEPHOLE[p.name]) / HXDP_ROWS[p.name].insns) : '–'} %)`];
  });
  const all = ok(d);
  const total = [`**all**`, `${sum(all.map((p) => p.insns.original))} (${sum(all.map((p) => HXDP_ROWS[p.name]?.insns ?? 0))})`, ...HXDP_FIG7_COLUMNS.map(() => ''),
    `${sum(all.map((p) => p.insns.optimized))} = ${f1((100 * sum(all.map((p) => p.insns.optimized))) / sum(all.map((p) => p.insns.original)))} % (${sum(all.map((p) => HXDP_AFTER_PEEPHOLE[p.name] ?? 0))})`];
  return `## Instructions per pass (hXDP Fig. 7, Table 3)

Each optimisation run alone on the original program, % of its instructions removed: ours (hXDP's).
Our bounds-check column is the better of \`bounds\` (removal) and \`jlen\` (a 1-instruction length
check); 6-byte load/store is the better of \`mac6\` and \`wide\`. Last column: all our passes
together, instructions left (hXDP's count after its peephole optimisations, ≈). Our programs are
written from scratch after the programs hXDP names, with full header parsing (programs/README.md),
so most are larger than hXDP's (second column: ours (hXDP's)); l4lb stands in for Katran. Rows and
cycles below follow from these sizes: compare ratios (rows per instruction), not absolute counts.
Core: ${d.core}.

${table(['program', 'eBPF insns', ...HXDP_FIG7_COLUMNS.map((c) => `${c} %`), 'after all passes'], [...rows, total])}

The hxdp preset keeps the stack across packets (as hXDP's released VHDL does), so removing zeroing
stores is unsound there and the pass removes nothing. On the xdp2hw preset (stack cleared per
packet), zeroing alone removes ${ok(ours).map((p) => {
    const z = p.passAlone.find((x) => x.pass === 'zeroing')?.insns ?? p.insns.original;
    return `${p.name} ${f1((100 * (p.insns.original - z)) / p.insns.original)} %`;
  }).join(', ')}; all passes leave ${sum(ok(ours).map((p) => p.insns.optimized))} of ${sum(ok(ours).map((p) => p.insns.original))} instructions.
`;
}

function rowsSection(d: ReportData): string {
  const lanes = d.laneCounts;
  const rows = ok(d).map((p) => {
    const h = HXDP_FIG8[p.name];
    const r4 = rowsAt(p, 4);
    const hx = HXDP_ROWS[p.name];
    return [p.name, p.insns.original, ...lanes.map((l) => cell(rowsAt(p, l))), cell(Math.min(...p.strategies.filter((s) => s.rows !== null && s.strategy !== 'sequential').map((s) => s.rows!))),
      h ? h.join(' / ') : '–', `${r4 === null ? '–' : (r4 / p.insns.original).toFixed(3)} (${hx ? (hx.rows / hx.insns).toFixed(3) : '–'})`];
  });
  const at4 = ok(d).map((p) => rowsAt(p, 4)).filter((v): v is number => v !== null);
  const best4 = ok(d).map((p) => Math.min(...p.strategies.filter((s) => s.rows !== null && s.strategy !== 'sequential').map((s) => s.rows!)));
  const insns = sum(ok(d).map((p) => p.insns.original));
  const hx = ok(d).filter((p) => HXDP_ROWS[p.name]);
  const hxRows = sum(hx.map((p) => HXDP_ROWS[p.name].rows)), hxInsns = sum(hx.map((p) => HXDP_ROWS[p.name].insns));
  return `## Rows per lane count (hXDP Fig. 8)

VLIW rows of the optimized program, ${d.strategy} strategy, core ${d.core}; "best" is the fewest
rows of list, motion and optimal at ${d.coreLanes} lanes. hXDP's rows for 1 / 2 / 3 / 4 lanes (≈).

${table(['program', 'eBPF insns', ...lanes.map((l) => `${l} lane${l > 1 ? 's' : ''}`), `best (${d.coreLanes} lanes)`, 'hXDP 1 / 2 / 3 / 4', '4-lane rows per original insn (hXDP)'], rows)}

Σ rows at 4 lanes / Σ original instructions: list ${sum(at4)} / ${insns} = ${(sum(at4) / insns).toFixed(3)}, best ${sum(best4)} / ${insns} = ${(sum(best4) / insns).toFixed(3)};
hXDP ${hxRows} of ${hxInsns.toLocaleString('en-US')} = ${(hxRows / hxInsns).toFixed(3)}.
`;
}

function strategiesSection(d: ReportData): string {
  const names = ok(d)[0]?.strategies.map((s) => s.strategy) ?? [];
  const rows = ok(d).map((p) => [p.name, ...names.map((n) => {
    const s = strat(p, n);
    if (!s || s.rows === null) return 'refused';
    return s.exactBlocks !== undefined ? `${s.rows} (${s.exactBlocks}/${s.blocks} blocks proven)` : String(s.rows);
  }), HXDP_ROWS[p.name]?.rows ?? '–']);
  return `## Scheduling strategies (${d.coreLanes} lanes, core ${d.core})

${table(['program', ...names, 'hXDP'], rows)}
`;
}

function perfSection(h: ReportData, o: ReportData): string {
  const ours = new Map(ok(o).map((p) => [p.name, p]));
  const rows = ok(h).map((p) => {
    const s = isMeasured(p.sim) ? p.sim : undefined;
    const q = ours.get(p.name);
    const qs = q && isMeasured(q.sim) ? q.sim : undefined;
    const ipc = HXDP_IPC[p.name];
    return [p.name, cell(strat(p, h.strategy)?.ipc, f2), cell(s?.ipc, f2), ipc ? f2(ipc.hxdp) : '–', s ? `${f1(s.cyclesMean)} / ${s.cyclesP99}` : '–', qs ? `${f1(qs.cyclesMean)} / ${qs.cyclesP99}` : '–', s?.packets ?? '–', s?.mismatches ?? '–'];
  });
  return `## IPC and cycles per packet (Table 3)

Static: syllables per row of the ${h.strategy} schedule. Dynamic: syllables executed per busy cycle
on the cycle-accurate core over the program's traffic (the first ${h.programs.find((p) => isMeasured(p.sim)) ? (h.programs.find((p) => isMeasured(p.sim))!.sim as { packets: number }).packets : 0}
or fewer frames of \`programs/<name>/traffic.pcap\`, maps from \`maps.json\`; every packet checked against
the reference interpreter: mismatches column). Cycles per packet on the \`hxdp\` preset (the
paper's core as we model it, docs/CORE.md) and on \`xdp2hw\` (our design targets), mean / p99.

${table(['program', 'static IPC (hxdp)', 'dynamic IPC (hxdp)', 'hXDP IPC', 'cycles/packet hxdp', 'cycles/packet xdp2hw', 'packets', 'mismatches'], rows)}
`;
}

function mppsSection(h: ReportData, o: ReportData): string {
  const ours = new Map(ok(o).map((p) => [p.name, p]));
  const mpps = (ns: number) => 1000 / ns;
  const rows = ok(h).map((p) => {
    const s = isMeasured(p.sim) ? p.sim : undefined;
    const q = ours.get(p.name);
    const qs = q && isMeasured(q.sim) ? q.sim : undefined;
    const paper = HXDP_MPPS[p.name];
    return [p.name, s ? f2(s.coreMpps) : '–', qs ? f2(qs.coreMpps) : '–', paper ? f2(paper.hxdp) : '–', p.modelNs ? f1(mpps(p.modelNs)) : '–', paper ? f1(paper.x86) : '–'];
  });
  const kernel = ok(h).map((p) => [p.name, isMeasured(p.kernelNs) ? f1(p.kernelNs.ns) : '–', isMeasured(p.kernelNs) ? f1(mpps(p.kernelNs.ns)) : '–', HXDP_MPPS[p.name] ? f1(HXDP_MPPS[p.name].x86) : '–']);
  const why = ok(h).map((p) => p.kernelNs).find((k) => 'why' in k);
  const clock = (h.programs.find((p) => isMeasured(p.sim))?.sim as { clockMHz?: number } | undefined)?.clockMHz ?? 156.25;
  return `## Mpps against the CPU (hXDP Fig. 10)

Core: clock (${clock} MHz) / mean cycles per packet, the core alone (deterministic). x86 model:
simulator/simulate/cpu-model.ts, calibrated on hXDP's x86 figures (Xeon E5-1630 v3 @ 3.7 GHz, one
core, with driver costs).

${table(['program', 'core hxdp Mpps', 'core xdp2hw Mpps', 'hXDP Mpps (paper)', 'x86 model Mpps', 'x86 Mpps (paper)'], rows)}

The kernel JIT, **measured on ${h.generated.machine}, ${h.generated.date.slice(0, 10)}** (these
figures change from run to run and machine to machine): \`BPF_PROG_TEST_RUN\` through bpftool, 2,000
repeats over up to 64 of the program's frames, ns per packet. The test harness has no driver, so
this is an upper bound for one core running the program in a driver.${why && 'why' in why ? ` Not measured in this run: ${why.why}.` : ''}

${table(['program', 'kernel JIT ns/packet', 'kernel JIT Mpps', 'x86 Mpps (paper, with driver)'], kernel)}
`;
}

function latencySection(r: ResultsInput): string {
  const sizes = HXDP_LATENCY_US.map((x) => x.bytes);
  const rows = r.latency.map((l) => [`${l.program} on ${l.core}`, ...sizes.map((b) => {
    const m = l.sizes.find((s) => ('bytes' in s ? s.bytes === b : false));
    return m && isMeasured(m) ? `${(m.ns / 1000).toFixed(3)} (${m.cycles} cycles)` : '–';
  })]);
  const paper = (['hxdp', 'nfp', 'x86'] as const).map((k) => [`${{ hxdp: 'hXDP', nfp: 'Netronome NFP-4000', x86: 'x86 @ 3.7 GHz' }[k]} (paper, round trip)`, ...HXDP_LATENCY_US.map((x) => String(x[k]))]);
  const notes = r.latency.flatMap((l) => l.sizes.filter((s): s is { why: string } => 'why' in s).map((s) => `- ${l.program} on ${l.core}: ${s.why}`));
  return `## Forwarding latency (simple_firewall, µs)

Ours: one frame of each size (FCS included) that the program lets through (XDP_PASS, XDP_TX or
XDP_REDIRECT: our simple_firewall passes admitted traffic to the stack), alone on an idle core,
through the simulated packet path (input queue of 32-byte frames, the core, emission): first byte
in to last byte out, µs (cycles). Frames come from the program's traffic.pcap, else from its
traffic.json with every size set to the one measured. hXDP's figures are round trips through a real NIC
(MAC, PHY and cables included), so ours is the part of theirs that the core and its queue account for.

${table(['', ...sizes.map((b) => `${b} B`)], [...rows, ...paper])}
${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}

function resourcesSection(r: ResultsInput): string {
  const hx = HXDP_RESOURCES;
  const ref = `hXDP on a Virtex-7 XC7VX690T: Sephirot core ${hx.core.luts.toLocaleString('en-US')} LUT / ${hx.core.ffs.toLocaleString('en-US')} FF; whole hXDP ${hx.whole.luts.toLocaleString('en-US')} LUT / ${hx.whole.ffs.toLocaleString('en-US')} FF / ${hx.whole.brams} BRAM36 (4 lanes).`;
  if (r.synth.length === 0)
    return `## Resources

**Not measured** in this run: give synthesis JSON files (\`npm run results -- --synth F.json ...\`),
one per lane count, written by \`${SYNTH_COMMAND}\`. ${ref}
`;
  const rows = r.synth.map((s) => [s.lanes ?? '?', s.core ?? '–', s.flow ?? '–', s.luts, s.ffs, s.brams ?? '–', s.dsps ?? '–', s.logicLevels ?? '–', s.coreLuts ?? '–', s.coreFfs ?? '–']);
  return `## Resources

From \`xdp2hw verilog --synth --json\` (Yosys; see docs/HARDWARE.md for the flow). ${ref}

${table(['lanes', 'core', 'flow', 'LUTs', 'FFs', 'BRAMs', 'DSPs', 'logic levels', 'core LUTs', 'core FFs'], rows)}
`;
}

export function renderResults(r: ResultsInput): string {
  return `# Results: xdp2hw beside hXDP

Generated by \`${r.command}\` (scripts/results.ts); do not edit by hand. hXDP's figures are from
its paper (OSDI 2020; ≈: read off a figure), as ../shared/REFERENCE.md lists them. Instruction
counts, rows and cycles are deterministic (the same on every machine); only the kernel JIT's times
are measurements of the machine named in their section.

${passesSection(r.hxdp, r.ours)}
${rowsSection(r.hxdp)}
${strategiesSection(r.hxdp)}
${perfSection(r.hxdp, r.ours)}
${mppsSection(r.hxdp, r.ours)}
${latencySection(r)}
${resourcesSection(r)}`;
}
