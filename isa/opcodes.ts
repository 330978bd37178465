// The eBPF opcode byte (RFC 9669 §3, §4, §5), its fields, and the one opcode table: the decoder,
// encoder and assembler read its rows; the validator, disassembler and engines work on the Insn
// union those rows decode to, so none keeps an opcode list of its own. No behaviour here.

/** Instruction classes: the low 3 bits of the opcode. */
export const Cls = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  JMP32: 0x06,
  ALU64: 0x07,
} as const;

/**
 * Arithmetic and jump opcodes.
 * msb [ op:4 | s:1 | cls:3 ] lsb — s = 0: the operand is imm (K), s = 1: the src register (X).
 */
export const SrcBit = { K: 0x00, X: 0x08 } as const;

export const AluCode = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70,
  NEG: 0x80, MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0,
} as const;

export const JmpCode = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70,
  CALL: 0x80, EXIT: 0x90, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0,
} as const;

/**
 * Load and store opcodes.
 * msb [ mode:3 | size:2 | cls:3 ] lsb
 */
export const SizeCode = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
export const ModeCode = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;

/** The imm field of an atomic instruction: the operation, with FETCH in bit 0. */
export const AtomicCode = { ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1 } as const;

/**
 * The atomic operations by the imm that encodes them: one list that decoder and encoder read.
 * add/or/and/xor fetch when bit 0 (FETCH) is set; xchg and cmpxchg always fetch.
 */
export const ATOMIC_IMMS: readonly { readonly imm: number; readonly op: AtomicOp; readonly fetch: boolean }[] = [
  ...(['add', 'or', 'and', 'xor'] as const).flatMap((op) => {
    const imm = AtomicCode[op.toUpperCase() as 'ADD' | 'OR' | 'AND' | 'XOR'];
    return [{ imm, op, fetch: false }, { imm: imm | AtomicCode.FETCH, op, fetch: true }];
  }),
  { imm: AtomicCode.XCHG, op: 'xchg', fetch: true },
  { imm: AtomicCode.CMPXCHG, op: 'cmpxchg', fetch: true },
];

/** The src field of lddw: what the 64-bit immediate means (RFC 9669 §5.4). */
export const Pseudo = {
  /** a plain 64-bit constant */
  IMM64: 0,
  /** imm = map fd: the map's address */
  MAP_FD: 1,
  /** imm = map fd, next imm = offset: an address inside the map's value */
  MAP_VALUE: 2,
  /** imm = BTF id of a kernel variable */
  BTF_ID: 3,
  /** imm = instruction offset of a function: its address */
  FUNC: 4,
  /** imm = map index (in the object's map list) */
  MAP_IDX: 5,
  /** imm = map index, next imm = offset */
  MAP_IDX_VALUE: 6,
} as const;

/** The src field of a call: helper by number, program-local function, kernel function by BTF id. */
export const CallSrc = { HELPER: 0, LOCAL: 1, KFUNC: 2 } as const;

export const SIZE_BYTES = { [SizeCode.W]: 4, [SizeCode.H]: 2, [SizeCode.B]: 1, [SizeCode.DW]: 8 } as const;

export type AccessSize = 1 | 2 | 4 | 8;
export type Width = 32 | 64;

export const ALU_OPS = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'neg', 'mod', 'smod', 'xor', 'mov', 'movsx', 'arsh'] as const;
export type AluOp = (typeof ALU_OPS)[number];

export const JMP_CONDS = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'] as const;
export type JmpCond = (typeof JMP_CONDS)[number];

export const ATOMIC_OPS = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'] as const;
export type AtomicOp = (typeof ATOMIC_OPS)[number];

/** What a row decodes to; the instruction kinds of isa/insn.ts. */
export type RowKind =
  | 'alu' | 'end' | 'jmp' | 'ja' | 'call' | 'exit' | 'lddw' | 'ldx' | 'st' | 'stx' | 'atomic' | 'ld-abs' | 'ld-ind'
  | 'exit-imm' | 'ldx6' | 'stx6' | 'jlen';

/** One row of the opcode table: everything the opcode byte alone says. */
export interface OpRow {
  readonly opcode: number;
  readonly kind: RowKind;
  /** base mnemonic in the bpf_conformance assembler ("add32", "jeq", "ldxw", "lock", ...) */
  readonly mnemonic: string;
  readonly cls: number;
  /** ALU/JMP: operand from src register (X) rather than imm (K) */
  readonly x: boolean;
  readonly width?: Width;
  /** ALU opcode base op: variants (sdiv, smod, movsx) are chosen by `off` */
  readonly alu?: AluOp;
  readonly cond?: JmpCond;
  readonly size?: AccessSize;
  /** LDX: sign-extending load (MEMSX) */
  readonly signed?: boolean;
  /** END: the byte order conversion (le/be by the src bit in ALU, bswap in ALU64) */
  readonly order?: 'le' | 'be' | 'bswap';
  /** an extension syllable of the xdp2hw core (isa/syllables.ts), not RFC 9669 */
  readonly extension?: boolean;
}

const ALU_BY_CODE: Record<number, AluOp> = {
  [AluCode.ADD]: 'add', [AluCode.SUB]: 'sub', [AluCode.MUL]: 'mul', [AluCode.DIV]: 'div', [AluCode.OR]: 'or',
  [AluCode.AND]: 'and', [AluCode.LSH]: 'lsh', [AluCode.RSH]: 'rsh', [AluCode.NEG]: 'neg', [AluCode.MOD]: 'mod',
  [AluCode.XOR]: 'xor', [AluCode.MOV]: 'mov', [AluCode.ARSH]: 'arsh',
};

const COND_BY_CODE: Record<number, JmpCond> = {
  [JmpCode.JEQ]: 'jeq', [JmpCode.JGT]: 'jgt', [JmpCode.JGE]: 'jge', [JmpCode.JSET]: 'jset', [JmpCode.JNE]: 'jne',
  [JmpCode.JSGT]: 'jsgt', [JmpCode.JSGE]: 'jsge', [JmpCode.JLT]: 'jlt', [JmpCode.JLE]: 'jle', [JmpCode.JSLT]: 'jslt',
  [JmpCode.JSLE]: 'jsle',
};

/** The op field of each ALU operation; the variants (sdiv, smod, movsx) share their base's code. */
export const ALU_CODE_OF = {
  ...Object.fromEntries(Object.entries(ALU_BY_CODE).map(([code, op]) => [op, Number(code)])),
  sdiv: AluCode.DIV, smod: AluCode.MOD, movsx: AluCode.MOV,
} as Record<AluOp, number>;

const SIZE_SUFFIX: Record<AccessSize, string> = { 1: 'b', 2: 'h', 4: 'w', 8: 'dw' };

/** Extension opcodes of the xdp2hw core; see isa/syllables.ts for their fields. */
export const ExtOpcode = {
  /** exit with the action in imm: JMP32 | EXIT | K (the encoding hXDP's core also reads) */
  EXIT_IMM: 0x96,
  /** 6-byte load: LDX | mode 0xe0 | W */
  LDX6: 0xe1,
  /** 6-byte store from a register: STX | mode 0xe0 | W */
  STX6: 0xe3,
  /** packet-length compare-and-branch: JMP | op 0xe0 (undefined in RFC 9669) | K */
  JLEN: 0xe5,
} as const;

function buildTable(): (OpRow | undefined)[] {
  const t: (OpRow | undefined)[] = new Array(256).fill(undefined);
  const put = (row: OpRow) => {
    if (t[row.opcode]) throw new Error(`opcode table: 0x${row.opcode.toString(16)} defined twice`);
    t[row.opcode] = row;
  };
  for (const [cls, width] of [[Cls.ALU, 32], [Cls.ALU64, 64]] as const) {
    const sfx = width === 32 ? '32' : '';
    for (const [codeStr, op] of Object.entries(ALU_BY_CODE)) {
      const code = Number(codeStr);
      for (const x of [false, true]) {
        if (op === 'neg' && x) continue; // NEG takes no operand: only the K form exists
        put({ opcode: code | (x ? SrcBit.X : SrcBit.K) | cls, kind: 'alu', mnemonic: op + sfx, cls, x, width, alu: op });
      }
    }
    // END: ALU class = le/be chosen by the src bit; ALU64 class K = unconditional bswap (v4)
    if (cls === Cls.ALU) {
      put({ opcode: AluCode.END | SrcBit.K | cls, kind: 'end', mnemonic: 'le', cls, x: false, width, order: 'le' });
      put({ opcode: AluCode.END | SrcBit.X | cls, kind: 'end', mnemonic: 'be', cls, x: true, width, order: 'be' });
    } else {
      put({ opcode: AluCode.END | SrcBit.K | cls, kind: 'end', mnemonic: 'bswap', cls, x: false, width, order: 'bswap' });
    }
  }
  for (const [cls, width] of [[Cls.JMP, 64], [Cls.JMP32, 32]] as const) {
    const sfx = width === 32 ? '32' : '';
    for (const [codeStr, cond] of Object.entries(COND_BY_CODE)) {
      for (const x of [false, true])
        put({ opcode: Number(codeStr) | (x ? SrcBit.X : SrcBit.K) | cls, kind: 'jmp', mnemonic: cond + sfx, cls, x, width, cond });
    }
    // JA: JMP uses off (ja), JMP32 uses imm (gotol, "ja32" in the conformance assembler)
    put({ opcode: JmpCode.JA | cls, kind: 'ja', mnemonic: width === 32 ? 'ja32' : 'ja', cls, x: false, width });
  }
  put({ opcode: JmpCode.CALL | SrcBit.K | Cls.JMP, kind: 'call', mnemonic: 'call', cls: Cls.JMP, x: false });
  put({ opcode: JmpCode.CALL | SrcBit.X | Cls.JMP, kind: 'call', mnemonic: 'callx', cls: Cls.JMP, x: true });
  put({ opcode: JmpCode.EXIT | Cls.JMP, kind: 'exit', mnemonic: 'exit', cls: Cls.JMP, x: false });

  put({ opcode: Cls.LD | ModeCode.IMM | SizeCode.DW, kind: 'lddw', mnemonic: 'lddw', cls: Cls.LD, x: false, size: 8 });
  for (const [sizeStr, size] of Object.entries(SIZE_BYTES) as [string, AccessSize][]) {
    const sc = Number(sizeStr);
    const sfx = SIZE_SUFFIX[size];
    put({ opcode: Cls.LDX | ModeCode.MEM | sc, kind: 'ldx', mnemonic: 'ldx' + sfx, cls: Cls.LDX, x: true, size });
    if (size !== 8) put({ opcode: Cls.LDX | ModeCode.MEMSX | sc, kind: 'ldx', mnemonic: 'ldxs' + sfx, cls: Cls.LDX, x: true, size, signed: true });
    put({ opcode: Cls.ST | ModeCode.MEM | sc, kind: 'st', mnemonic: 'st' + sfx, cls: Cls.ST, x: false, size });
    put({ opcode: Cls.STX | ModeCode.MEM | sc, kind: 'stx', mnemonic: 'stx' + sfx, cls: Cls.STX, x: true, size });
    if (size === 4 || size === 8) put({ opcode: Cls.STX | ModeCode.ATOMIC | sc, kind: 'atomic', mnemonic: 'lock', cls: Cls.STX, x: true, size });
    if (size !== 8) {
      put({ opcode: Cls.LD | ModeCode.ABS | sc, kind: 'ld-abs', mnemonic: 'ldabs' + sfx, cls: Cls.LD, x: false, size });
      put({ opcode: Cls.LD | ModeCode.IND | sc, kind: 'ld-ind', mnemonic: 'ldind' + sfx, cls: Cls.LD, x: true, size });
    }
  }
  put({ opcode: ExtOpcode.EXIT_IMM, kind: 'exit-imm', mnemonic: 'exit', cls: Cls.JMP32, x: false, extension: true });
  put({ opcode: ExtOpcode.LDX6, kind: 'ldx6', mnemonic: 'ldx6', cls: Cls.LDX, x: true, size: 4, extension: true });
  put({ opcode: ExtOpcode.JLEN, kind: 'jlen', mnemonic: 'jlen', cls: Cls.JMP, x: false, extension: true });
  put({ opcode: ExtOpcode.STX6, kind: 'stx6', mnemonic: 'stx6', cls: Cls.STX, x: true, size: 4, extension: true });
  return t;
}

/** The opcode table: index by the opcode byte; undefined = not an instruction. */
export const OPCODES: readonly (OpRow | undefined)[] = buildTable();

/** Number of registers: r0-r9 general, r10 the read-only frame pointer. */
export const NUM_REGS = 11;
export const FP = 10;
