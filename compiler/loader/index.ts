// The loader's entry points: read a file, recognise its format by content (ELF object, llvm-objdump
// listing, raw bytecode) and load it into a LoadedObject; every bad input becomes a LoadError.

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { FormatError } from './bytes.js';
import { isElf } from './elf.js';
import { looksLikeListing, loadListing } from './listing.js';
import { loadElf } from './object.js';
import { loadRaw, looksLikeRaw } from './raw.js';
import { checkStructure } from './structure.js';
import { LoadError } from './types.js';
import type { LoadedObject } from './types.js';

export * from './types.js';
export { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG } from './maps.js';

/** Inputs larger than this are refused before they are read. */
export const MAX_INPUT_BYTES = 256 << 20;

export function loadFile(path: string): LoadedObject {
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new LoadError(path, 'is a directory');
    if (st.size > MAX_INPUT_BYTES) throw new LoadError(path, `is ${st.size} bytes, more than the ${MAX_INPUT_BYTES} this loader reads`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof LoadError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new LoadError(path, 'no such file');
    if (err.code === 'EACCES') throw new LoadError(path, 'permission denied');
    throw new LoadError(path, `cannot read: ${err.message}`);
  }
  return loadBytes(bytes, path);
}

/** Loads `bytes`; `name` is the file name used in errors and for programs of raw bytecode. */
export function loadBytes(bytes: Uint8Array, name: string): LoadedObject {
  try {
    const loaded = loadAny(bytes, name);
    for (const p of loaded.programs) checkStructure(p);
    return { file: name, ...loaded };
  } catch (e) {
    if (e instanceof FormatError) throw new LoadError(name, e.why, e.index);
    throw e;
  }
}

function loadAny(bytes: Uint8Array, name: string): Omit<LoadedObject, 'file'> {
  if (bytes.length === 0) throw new FormatError('empty file');
  if (isElf(bytes)) return loadElf(bytes);
  const text = asText(bytes);
  if (text !== undefined && looksLikeListing(text)) return loadListing(text, programName(name));
  if (text === undefined && looksLikeRaw(bytes)) return loadRaw(bytes, programName(name));
  throw new FormatError('not an ELF object, an llvm-objdump listing or raw bytecode');
}

/** The bytes as text when they look like text: UTF-8 without NULs or other control bytes. */
function asText(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A program name from a file name: its base name without extension. */
function programName(file: string): string {
  return basename(file).replace(/\.[^.]*$/, '') || 'prog';
}
