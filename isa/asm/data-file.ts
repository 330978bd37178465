// The bpf_conformance `.data` test format: `#` comments and `-- name` sections (asm, raw, mem,
// result, error; `c` is ignored; others are kept by name). Parses text only: reading files and
// running programs are the caller's.

import { encodeProgram } from '../encode.js';
import { AsmError } from '../errors.js';
import { assemble } from './assemble.js';

export interface DataFile {
  /** the `-- asm` section, comments included (the assembler strips them) */
  readonly asm?: string;
  /** the file line of the asm section's first line (asm line 1) */
  readonly asmLine?: number;
  /** the `-- raw` section: one little-endian 64-bit instruction word per token; overrides asm */
  readonly raw?: Uint8Array;
  /** the `-- mem` section's bytes (empty when there is none) */
  readonly mem: Uint8Array;
  /** the expected r0, as an unsigned 64-bit value (hex when the text contains 0x, else decimal) */
  readonly result?: bigint;
  /** the expected error text */
  readonly error?: string;
  /** sections this format gives no meaning to (e.g. `no register offset`), by name, with their text */
  readonly other: Readonly<Record<string, string>>;
}

interface Section {
  readonly name: string;
  readonly line: number;
  readonly lines: string[];
}

function splitSections(text: string): Section[] {
  const sections: Section[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const header = /^--\s*(.*?)\s*$/.exec(raw);
    if (header) sections.push({ name: header[1], line: i + 1, lines: [] });
    else if (sections.length > 0) sections[sections.length - 1].lines.push(raw);
    else if (raw.trim() !== '' && !raw.trimStart().startsWith('#'))
      throw new AsmError(i + 1, 'text before the first `-- section` line');
  });
  return sections;
}

/** The section's lines without comments, joined by spaces. */
const words = (s: Section) => s.lines.map((l) => l.replace(/#.*/, '')).join(' ').trim();

function parseMem(s: Section): Uint8Array {
  const bytes: number[] = [];
  for (const tok of words(s).split(/\s+/).filter(Boolean)) {
    if (!/^([0-9a-f]{2})+$/i.test(tok)) throw new AsmError(s.line, `mem: '${tok}' is not hex bytes`);
    for (let i = 0; i < tok.length; i += 2) bytes.push(parseInt(tok.slice(i, i + 2), 16));
  }
  return Uint8Array.from(bytes);
}

function parseRaw(s: Section): Uint8Array {
  const toks = words(s).split(/\s+/).filter(Boolean);
  const out = new Uint8Array(toks.length * 8);
  const view = new DataView(out.buffer);
  toks.forEach((tok, i) => {
    if (!/^(0x)?[0-9a-f]{1,16}$/i.test(tok)) throw new AsmError(s.line, `raw: '${tok}' is not a 64-bit hex word`);
    view.setBigUint64(i * 8, BigInt(tok.startsWith('0x') || tok.startsWith('0X') ? tok : '0x' + tok), true);
  });
  return out;
}

function parseResult(s: Section): bigint {
  const text = words(s);
  const m = (/0x/i.test(text) ? /^([+-]?)(0x[0-9a-f]+)$/i : /^([+-]?)([0-9]+)$/).exec(text);
  if (!m) throw new AsmError(s.line, `result: '${text}' is not a number`);
  const v = BigInt(m[2]);
  return BigInt.asUintN(64, m[1] === '-' ? -v : v);
}

/** Parses a `.data` file's text; throws AsmError(line, why) on a malformed section. */
export function parseDataFile(text: string): DataFile {
  let asm: string | undefined;
  let asmLine: number | undefined;
  let raw: Uint8Array | undefined;
  let mem: Uint8Array = new Uint8Array(0);
  let result: bigint | undefined;
  let error: string | undefined;
  const other: Record<string, string> = {};
  for (const s of splitSections(text)) {
    switch (s.name) {
      case 'asm':
        asm = s.lines.join('\n');
        asmLine = s.line + 1;
        break;
      case 'raw': raw = parseRaw(s); break;
      case 'mem': mem = parseMem(s); break;
      case 'result': result = parseResult(s); break;
      case 'error': error = s.lines.filter((l) => !l.trimStart().startsWith('#')).join('\n').trim(); break;
      case 'c': break;
      default: other[s.name] = s.lines.join('\n').trim();
    }
  }
  return { asm, asmLine, raw, mem, result, error, other };
}

/** The program's bytes: the raw section when there is one, else the assembled asm section. */
export function dataFileProgram(d: DataFile): Uint8Array {
  if (d.raw) return d.raw;
  if (d.asm === undefined) throw new AsmError(0, 'the test has neither an asm nor a raw section');
  try {
    return encodeProgram(assemble(d.asm));
  } catch (e) {
    // report the line of the file, not of the section
    if (e instanceof AsmError && d.asmLine !== undefined) throw new AsmError(e.line + d.asmLine - 1, e.why);
    throw e;
  }
}
