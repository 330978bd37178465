// The .BTF section: type records, enough to read BTF-defined maps (struct members, pointers,
// arrays, modifiers, variables and data sections) and to size types, and its string table (which
// .BTF.ext line info names files and lines in: btf-ext.ts). No CO-RE.

import { FormatError, Reader } from './bytes.js';

export const BtfKind = {
  INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9, CONST: 10, RESTRICT: 11,
  FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19,
} as const;

export interface BtfMember {
  readonly name: string;
  readonly type: number;
  /** STRUCT/UNION: bit offset; DATASEC: byte offset of the variable */
  readonly offset: number;
  /** DATASEC: the variable's size */
  readonly size?: number;
}

export interface BtfType {
  readonly id: number;
  readonly kind: number;
  readonly name: string;
  /** INT, ENUM, STRUCT, UNION, DATASEC, FLOAT: the size; PTR, TYPEDEF, modifiers, VAR, FUNC: the type it refers to */
  readonly sizeOrType: number;
  /** ARRAY: element type and count */
  readonly array?: { readonly type: number; readonly nelems: number };
  /** STRUCT, UNION, DATASEC: members (DATASEC: variables) */
  readonly members: readonly BtfMember[];
}

const BTF_MAGIC = 0xeb9f;
const TYPE_HDR = 12;
/** kind → bytes that follow the 12-byte header, per vlen item (or fixed when vlen is not used) */
const EXTRA_FIXED: Record<number, number> = { 1: 4, 3: 12, 14: 4, 17: 4 };
const EXTRA_PER_VLEN: Record<number, number> = { 4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12 };
const MODIFIERS = new Set<number>([BtfKind.TYPEDEF, BtfKind.VOLATILE, BtfKind.CONST, BtfKind.RESTRICT, BtfKind.TYPE_TAG]);

export class Btf {
  /** types by id; 0 is void */
  private constructor(
    readonly types: readonly (BtfType | undefined)[],
    /** the string at an offset of the string table ('' for 0) */
    readonly str: (off: number) => string,
  ) {}

  static parse(bytes: Uint8Array): Btf {
    const r = new Reader(bytes);
    if (bytes.length < 24 || r.u16(0) !== BTF_MAGIC) throw new FormatError('.BTF section has no BTF header (magic 0xeb9f)');
    const hdrLen = r.u32(4);
    const typeOff = hdrLen + r.u32(8);
    const typeLen = r.u32(12);
    const strOff = hdrLen + r.u32(16);
    const strLen = r.u32(20);
    r.check(typeOff, typeLen, '.BTF types');
    r.check(strOff, strLen, '.BTF strings');
    const str = (off: number) => (off === 0 ? '' : r.cstr(strOff + off, strOff + strLen, '.BTF string'));
    const types: (BtfType | undefined)[] = [undefined];
    for (let o = typeOff; o < typeOff + typeLen; ) {
      r.check(o, TYPE_HDR, '.BTF type');
      const info = r.u32(o + 4);
      const kind = (info >>> 24) & 0x1f;
      const vlen = info & 0xffff;
      const extra = EXTRA_PER_VLEN[kind] !== undefined ? vlen * EXTRA_PER_VLEN[kind] : (EXTRA_FIXED[kind] ?? 0);
      if (kind === 0 || kind > BtfKind.ENUM64) throw new FormatError(`.BTF type ${types.length} has unknown kind ${kind}`);
      r.check(o + TYPE_HDR, extra, `.BTF type ${types.length}`);
      if (o + TYPE_HDR + extra > typeOff + typeLen) throw new FormatError(`.BTF type ${types.length} runs past the type section`);
      const id = types.length;
      const name = str(r.u32(o));
      const sizeOrType = r.u32(o + 8);
      const d = o + TYPE_HDR;
      let array: BtfType['array'];
      const members: BtfMember[] = [];
      if (kind === BtfKind.ARRAY) array = { type: r.u32(d), nelems: r.u32(d + 8) };
      else if (kind === BtfKind.STRUCT || kind === BtfKind.UNION)
        for (let i = 0; i < vlen; i++) members.push({ name: str(r.u32(d + i * 12)), type: r.u32(d + i * 12 + 4), offset: r.u32(d + i * 12 + 8) });
      else if (kind === BtfKind.DATASEC)
        for (let i = 0; i < vlen; i++) members.push({ name: '', type: r.u32(d + i * 12), offset: r.u32(d + i * 12 + 4), size: r.u32(d + i * 12 + 8) });
      types.push({ id, kind, name, sizeOrType, array, members });
      o = d + extra;
    }
    return new Btf(types, str);
  }

  get(id: number, what: string): BtfType {
    const t = this.types[id];
    if (!t) throw new FormatError(`${what}: BTF type id ${id} does not exist`);
    return t;
  }

  /** The type after typedefs and const/volatile/restrict/type tags. */
  skipModifiers(id: number, what: string): BtfType {
    let t = this.get(id, what);
    for (let steps = 0; MODIFIERS.has(t.kind); steps++) {
      if (steps > this.types.length) throw new FormatError(`${what}: BTF type ${id} is a cycle of typedefs`);
      t = this.get(t.sizeOrType, what);
    }
    return t;
  }

  /** The size in bytes of a type (as the C compiler laid it out). */
  sizeOf(id: number, what: string, depth = 0): number {
    if (depth > 64) throw new FormatError(`${what}: BTF type ${id} nests too deeply`);
    const t = this.skipModifiers(id, what);
    switch (t.kind) {
      case BtfKind.INT: case BtfKind.ENUM: case BtfKind.ENUM64: case BtfKind.STRUCT: case BtfKind.UNION:
      case BtfKind.FLOAT: case BtfKind.DATASEC:
        return t.sizeOrType;
      case BtfKind.PTR:
        return 8;
      case BtfKind.VAR:
        return this.sizeOf(t.sizeOrType, what, depth + 1);
      case BtfKind.ARRAY: {
        const n = t.array!.nelems * this.sizeOf(t.array!.type, what, depth + 1);
        if (n > 0xffffffff) throw new FormatError(`${what}: array type ${id} is larger than 4 GiB`);
        return n;
      }
      default:
        throw new FormatError(`${what}: BTF type ${id} (kind ${t.kind}) has no size`);
    }
  }

  /** The variables of the data section `name` (e.g. ".maps"): name, type and the VAR's type. */
  datasecVars(name: string): { name: string; type: number }[] {
    const sec = this.types.find((t) => t?.kind === BtfKind.DATASEC && t.name === name);
    if (!sec) return [];
    return sec.members.map((m) => {
      const v = this.get(m.type, `${name} variable`);
      if (v.kind !== BtfKind.VAR) throw new FormatError(`${name}: member type ${m.type} is not a variable`);
      return { name: v.name, type: v.sizeOrType };
    });
  }
}
