// Seeing inside the core: a TraceSink that prints the pipeline cycle by cycle (which row is in
// IF, ID, IE and WB, stalls and their cause, flushes, forwarded operands), and one that writes a
// VCD waveform with the signal names of docs/CORE.md (the RTL's). Slow paths: only when asked.

import type { TraceSink } from './pipeline.js';
import { STALL_KINDS } from './timing.js';

const STAGES = ['IF', 'ID', 'IE', 'WB'] as const;
const BUBBLE = -1;
const FLUSHED = -2;

function cell(r: number): string {
  return (r === BUBBLE ? '-' : r === FLUSHED ? 'x' : String(r)).padStart(5);
}

function regs(mask: number): string {
  const out: string[] = [];
  for (let r = 0; r < 16; r++) if (mask & (1 << r)) out.push(`r${r}`);
  return out.join(',');
}

/** Text: one line per cycle, `write` called per line. */
export class TextTrace implements TraceSink {
  private base = 0;
  private now = 0;
  private readonly stages = [BUBBLE, BUBBLE, BUBBLE, BUBBLE];

  constructor(private readonly write: (line: string) => void) {
    write(`${'cycle'.padStart(8)} ${STAGES.map((s) => s.padStart(5)).join('')}  events`);
  }

  packet(index: number, cycle: number): void {
    this.flushTo(cycle, '');
    this.base = cycle;
    this.write(`-- packet ${index} starts at cycle ${cycle}`);
  }

  private step(row: number, note: string): void {
    this.stages.pop();
    this.stages.unshift(row);
    this.write(`${String(this.now).padStart(8)} ${this.stages.map(cell).join('')}  ${note}`);
    this.now++;
  }

  private flushTo(cycle: number, note: string): void {
    while (this.now < cycle) this.step(BUBBLE, note);
  }

  row(cycle: number, row: number, stall: number, why: number, laneMask: number, forwarded: number, taken: boolean, helperStall: number, next: number): void {
    const at = this.base + cycle;
    this.flushTo(at, stall > 0 ? `stall (${STALL_KINDS[why] ?? '?'})` : '');
    const notes = [`lanes ${laneMask.toString(2).padStart(4, '0')}`];
    if (forwarded) notes.push(`fwd ${regs(forwarded)}`);
    if (helperStall) notes.push(`helper +${helperStall}`);
    if (taken) notes.push(`taken -> row ${next}`);
    this.step(row, notes.join('; '));
    for (let k = 0; k < helperStall; k++) this.step(BUBBLE, 'stall (helper)');
    if (taken) {
      for (let k = 0; k < 3 && k < this.stages.length - 1; k++) this.stages[k] = this.stages[k] === BUBBLE ? BUBBLE : FLUSHED;
    }
  }

  exit(cycle: number, code: number, early: boolean): void {
    this.flushTo(this.base + cycle - 1, 'drain');
    this.step(BUBBLE, `exit ${code}${early ? ' (early, at fetch)' : ''}`);
  }
}

/** A VCD waveform; `lines()` when done. One cycle = one clock period. */
export class VcdTrace implements TraceSink {
  private readonly out: string[] = [];
  private base = 0;
  private last = -1;
  private readonly periodPs: number;

  constructor(lanes: number, clockMHz: number) {
    this.periodPs = Math.round(1e6 / clockMHz);
    this.out.push('$date simulated by xdp2hw $end', '$version xdp2hw simulate $end', '$timescale 1ps $end', '$scope module core $end',
      '$var wire 1 ! clk $end', '$var wire 16 " pc $end', '$var wire 1 # issue_valid $end', `$var wire ${lanes} $ lane_valid $end`,
      '$var wire 1 % stall $end', '$var wire 3 & stall_cause $end', '$var wire 1 \' flush $end', '$var wire 1 ( exit_valid $end',
      '$var wire 3 ) exit_action $end', '$var wire 1 * early_exit $end', '$var wire 1 + pkt_start $end', '$var wire 16 , fwd_regs $end',
      '$upscope $end', '$enddefinitions $end', '#0', '0!', 'b0 "', '0#', `b0 $`, '0%', 'b0 &', "0'", '0(', 'b0 )', '0*', '0+', 'b0 ,');
  }

  private at(cycle: number, values: string[]): void {
    if (cycle > this.last) {
      const t = cycle * this.periodPs;
      this.out.push(`#${t}`, '1!', '0#', '0%', "0'", '0(', '0*', '0+');
      this.out.push(`#${t + this.periodPs / 2}`, '0!');
      this.last = cycle;
    }
    // values hold from the rising edge: rewrite them at the cycle's start
    const idx = this.out.lastIndexOf(`#${cycle * this.periodPs}`);
    if (idx >= 0) this.out.splice(idx + 1, 0, ...values);
  }

  packet(_index: number, cycle: number): void {
    this.base = cycle;
    this.at(cycle, ['1+']);
  }

  row(cycle: number, row: number, stall: number, why: number, laneMask: number, forwarded: number, taken: boolean, _helperStall?: number, _next?: number): void {
    const c = this.base + cycle;
    for (let k = stall; k >= 1; k--) this.at(c - k, ['1%', `b${why.toString(2)} &`]);
    const v = [`b${row.toString(2)} "`, '1#', `b${laneMask.toString(2)} $`, `b${forwarded.toString(2)} ,`];
    if (taken) v.push("1'");
    this.at(c, v);
  }

  exit(cycle: number, code: number, early: boolean): void {
    this.at(this.base + cycle, ['1(', `b${(code & 7).toString(2)} )`, early ? '1*' : '0*']);
  }

  text(): string {
    return `${this.out.join('\n')}\n`;
  }
}
