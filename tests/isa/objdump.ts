// Test helper: runs llvm-objdump -d and splits its listing into sections, each with its symbols
// (slot → name), its instruction lines and its bytes, so tests can disassemble the same bytes.
import { execFileSync } from 'node:child_process';

export interface ObjdumpLine {
  readonly pc: number;
  readonly bytes: Uint8Array;
  readonly text: string;
}

export interface ObjdumpSection {
  readonly name: string;
  /** the listing after `Disassembly of section <name>:`, trailing empty lines removed */
  readonly body: string[];
  readonly symbols: Map<number, string>;
  readonly lines: ObjdumpLine[];
  /** the section's instruction bytes, in order */
  readonly bytes: Uint8Array;
}

const HEADER = /^Disassembly of section (.+):$/;
const SYMBOL = /^([0-9a-f]{16}) <(.+)>:$/;
const INSN = /^ *(\d+):\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\t(.*)$/;

export function parseObjdump(listing: string): ObjdumpSection[] {
  const sections: { name: string; body: string[] }[] = [];
  for (const line of listing.split('\n')) {
    const h = HEADER.exec(line);
    if (h) sections.push({ name: h[1], body: [] });
    else if (sections.length > 0) sections[sections.length - 1].body.push(line);
  }
  return sections.map(({ name, body }) => {
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    const symbols = new Map<number, string>();
    const lines: ObjdumpLine[] = [];
    for (const l of body) {
      const s = SYMBOL.exec(l);
      if (s) symbols.set(parseInt(s[1], 16) / 8, s[2]);
      const m = INSN.exec(l);
      if (m) lines.push({ pc: Number(m[1]), bytes: Uint8Array.from(m[2].split(' ').map((b) => parseInt(b, 16))), text: m[3] });
      else if (!s && l !== '') throw new Error(`unexpected llvm-objdump line: ${l}`);
    }
    const bytes = new Uint8Array(lines.reduce((n, l) => n + l.bytes.length, 0));
    let at = 0;
    for (const l of lines) {
      if (l.pc * 8 !== at) throw new Error(`llvm-objdump: instruction ${l.pc} is not at byte ${at}`);
      bytes.set(l.bytes, at);
      at += l.bytes.length;
    }
    return { name, body, symbols, lines, bytes };
  });
}

export function objdump(objectFile: string, alu32 = false): ObjdumpSection[] {
  const args = ['-d', ...(alu32 ? ['--mattr=+alu32'] : []), objectFile];
  return parseObjdump(execFileSync('llvm-objdump', args, { encoding: 'utf8' }));
}
