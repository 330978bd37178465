// Reading the input files commands share besides the object (map fixture, packet): each failure is
// one line naming the file, worded as the loader words a missing object ("<file>: no such file").

import { existsSync, readFileSync, statSync } from 'node:fs';
import { readProblem } from '../simulator/io/files.js';
import { parseJson } from '../simulator/io/json.js';
import { hexToBytes, parseFixture } from '../simulator/maps/fixture.js';
import type { MapFixture } from '../simulator/maps/fixture.js';
import { UserError } from './errors.js';

/** A map fixture (--maps): read, parsed (syntax errors by line and column) and checked. */
export function readFixture(path: string): MapFixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: ${readProblem(e)}`);
  }
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (e) {
    throw new UserError(`${path}: not JSON: ${(e as Error).message}`);
  }
  return parseFixture(json, path);
}

/** The packet argument: an existing file's bytes, else hex text ("0x", spaces and colons allowed). */
export function readPacket(arg: string): Uint8Array {
  if (existsSync(arg) && statSync(arg).isFile()) return readFileSync(arg);
  const hex = arg.replace(/^0x/i, '').replace(/[\s:]+/g, '');
  if (/\.(bin|raw|pkt)$/i.test(arg) || arg.includes('/')) throw new UserError(`${arg}: no such file`);
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new UserError(`--packet: neither a file nor hex bytes: "${arg.length > 40 ? arg.slice(0, 40) + '...' : arg}"`);
  return hexToBytes(hex);
}
