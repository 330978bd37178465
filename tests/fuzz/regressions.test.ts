// Regression tests for what the fuzzers found, one per bug, each with the smallest input that
// showed it (the fuzz harnesses keep searching; these keep the fixes).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBytes } from '../../compiler/loader/index.js';
import { AsmError, assemble, parseDataFile, dataFileProgram } from '../../isa/index.js';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import { FixtureError, parseFixture } from '../../simulator/maps/fixture.js';
import { OutputError, writeFileAtomic, writeFileAtomicSync } from '../../simulator/io/atomic.js';
import { buildElf, code, mapDef } from '../loader/elf-builder.js';
import { judgeRun, runMain } from './capture.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-regress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `r1 = map; exit` in section xdp with one legacy map definition. */
function objectWithMap(type: number, keySize: number, valueSize: number, maxEntries: number): Uint8Array {
  return buildElf(
    [{ name: 'xdp', data: code('1801000000000000', '0000000000000000', 'b700000002000000', '9500000000000000') },
      { name: 'maps', flags: 3, data: mapDef(type, keySize, valueSize, maxEntries) }],
    [{ name: 'prog', section: 0, size: 32 }, { name: 'big', section: 1, type: 1, size: 20 }],
    [{ section: 0, offset: 0, type: 1, symbol: 1 }],
  );
}

writeFileSync(join(dir, 'ok.o'), objectWithMap(14, 4, 4, 64));

describe('maps sized by an unchecked max_entries (was: heap out of memory in new Array(max_entries))', () => {
  // devmap (14), prog array (3): the types whose storage is allocated up front
  // ... and hashes past the kernel's 2^28 buckets (the LRU hashes' nodes were preallocated: out of memory)
  it.each([[14, 4, 4, 0xffffffff], [3, 4, 4, 0x7fffffff], [9, 8, 16, 0xfffffff7], [1, 4, 8, 0x10000001]])(
    'type %i key %i value %i max_entries %i: a RunInputError naming the file and the map', (type, k, v, max) => {
      const obj = loadBytes(objectWithMap(type, k, v, max), 'big.o');
      expect(() => new InterpreterSession(obj, 'prog', undefined)).toThrow(RunInputError);
      expect(() => new InterpreterSession(obj, 'prog', undefined)).toThrow(/^big\.o: map big: /);
    });

  // arrays (2) are stored sparsely since issue 10: they load and run, allocating only what is touched
  // ... and the LRU hashes, whose nodes are created when first used
  it.each([[2, 4, 8, 0x10000000], [2, 4, 0x10000, 0x10000], [6, 4, 8, 0xffffffff], [10, 4, 8, 0x2000000], [9, 8, 16, 0x10000000]])('type %i key %i value %i max_entries %i: loads and runs without allocating its entries', (type, k, v, max) => {
    const obj = loadBytes(objectWithMap(type, k, v, max), 'big.o');
    const before = process.memoryUsage().rss;
    expect(new InterpreterSession(obj, 'prog', undefined).runSync({ packet: new Uint8Array(64) }).action).toBe('XDP_PASS');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  });

  it('an array with a key size other than 4 (was: 8 s and a gigabyte of snapshots for a 43352-byte key)', () => {
    const obj = loadBytes(objectWithMap(2, 43352, 43352, 976), 'key.o');
    expect(() => new InterpreterSession(obj, 'prog', undefined)).toThrow('key.o: map big: key size 43352: array maps take 4-byte keys (the kernel refuses others)');
  });

  it('a modest map still runs', () => {
    const obj = loadBytes(objectWithMap(14, 4, 4, 64), 'ok.o');
    expect(new InterpreterSession(obj, 'prog', undefined).runSync({ packet: new Uint8Array(64) }).action).toBe('XDP_PASS');
  });

  it('xdp2hw run: one line, exit 1', async () => {
    const p = join(dir, 'big.o');
    writeFileSync(p, objectWithMap(14, 4, 4, 0xffffffff));
    const r = await runMain(['run', p, '--packet', '00'.repeat(60)]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: `xdp2hw: ${p}: map big: max_entries 4294967295 is more than the 1048576 entries the interpreter models for a devmap` });
    expect(r.code).toBe(1);
  });
});

describe('--help in-process (was: yargs called process.exit from inside main())', () => {
  it.each([['--help'], ['info', '--help'], ['traffic', '--help'], ['run', '--help']])('%s %s returns 0 with the help on stdout', async (...argv) => {
    const r = await runMain(argv.filter(Boolean));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^xdp2hw /);
  });
});

describe('assembler: a carriage return inside a line (was: TypeError reading null)', () => {
  it.each(['mov %r0, 1\rx', 'lock add\r [%r1+0], %r2', 'l:\rexit'])('%j gives an AsmError or assembles', (src) => {
    try {
      assemble(src);
    } catch (e) {
      expect(e).toBeInstanceOf(AsmError);
    }
  });

  it('in a .data file', () => {
    expect(() => dataFileProgram(parseDataFile('-- asm\nmov %r0, 1\r2\nexit\n'))).toThrow(AsmError);
  });
});

describe('fixture errors found when applying it name the fixture file (was: "map m entry 0: ..." only)', () => {
  const obj = () => loadBytes(objectWithMap(14, 4, 4, 64), 'ok.o');

  it.each([
    [{ maps: { big: { entries: [{ key: '0100', value: '02000000' }] } } }, 'map big entry 0: key is 2 bytes'],
    [{ maps: { nope: { entries: [] } } }, 'map nope: the object has no map of that name'],
    [{ maps: {}, fib: [{ dst: '10.0.0.300', ifindex: 2 }] }, 'fib route 0: "10.0.0.300" is not an IPv4 or IPv6 address'],
  ])('%j', (json, why) => {
    const f = parseFixture(json, 'f.json');
    expect(() => new InterpreterSession(obj(), 'prog', f)).toThrow(FixtureError);
    expect(() => new InterpreterSession(obj(), 'prog', f)).toThrow(`f.json: ${why}`);
  });

  it('xdp2hw run --maps: one line naming the fixture, exit 1', async () => {
    const o = join(dir, 'm.o');
    const f = join(dir, 'm.json');
    writeFileSync(o, objectWithMap(14, 4, 4, 64));
    writeFileSync(f, JSON.stringify({ maps: { big: { entries: [{ key: '00000000', value: '01' }] } } }));
    const r = await runMain(['run', o, '--packet', '00'.repeat(60), '--maps', f]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: `xdp2hw: ${f}: map big entry 0: value is 1 bytes, the map's value size is 4` });
  });
});

describe('output paths that cannot be renamed over (was: exit 70 after writing it all; /dev/null replaced by a file as root)', () => {
  it('--out a directory: one line, exit 1, nothing written', async () => {
    const d = join(dir, 'outdir');
    mkdirSync(d);
    const r = await runMain(['traffic', '--count', '5', '--out', d]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: `xdp2hw: ${d}: cannot write: it is a directory` });
    expect(readdirSync(dir).filter((n) => n.startsWith('outdir.tmp-'))).toEqual([]);
  });

  it('--out in a missing directory: one line, exit 1', async () => {
    const p = join(dir, 'missing', 'x.pcap');
    const r = await runMain(['traffic', '--count', '5', '--out', p]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: `xdp2hw: ${p}: cannot write (ENOENT): the directory ${join(dir, 'missing')} does not exist` });
  });

  it('writeFileAtomic / writeFileAtomicSync on a directory throw OutputError', async () => {
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow(OutputError);
    expect(() => writeFileAtomicSync(dir, 'x')).toThrow(OutputError);
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)('--out a character device (a null device made with mknod) writes through it and leaves it a device', async () => {
    const dev = join(dir, 'null');
    expect(spawnSync('mknod', [dev, 'c', '1', '3']).status).toBe(0);
    const r = await runMain(['traffic', '--count', '5', '--out', dev]);
    expect(r.code).toBe(0);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    writeFileAtomicSync(dev, 'abc');
    await writeFileAtomic(dev, 'abc');
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(existsSync(dev)).toBe(true);
  });
});

describe('a newline in a file name or argument (was: the message cut at it, or a usage error on two lines)', () => {
  it('xdp2hw info "a<newline>b": the whole name, escaped, on one line', async () => {
    const r = await runMain(['info', 'a\nb']);
    expect(r.stderr).toBe('xdp2hw: a\\nb: no such file\n');
  });

  it('an unknown argument with a newline: one line and the help hint', async () => {
    const r = await runMain(['info', 'x', 'a\nb']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('xdp2hw: Unknown argument: a\\nb\n(see xdp2hw --help)\n');
  });
});

describe('repeated and non-numeric options (was: arrays reaching handlers, TypeError exit 70; NaN read as a count)', () => {
  it('--packet twice: the last one counts', async () => {
    const r = await runMain(['run', join(dir, 'ok.o'), '--packet', '00'.repeat(60), '--packet', '11'.repeat(60)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('0000  11 11 11');
  });

  it('a number option given text is a usage error', async () => {
    const r = await runMain(['traffic', '--count', 'abc', '--out', join(dir, 'x.pcap')]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: 'xdp2hw: --count: expected a number' });
    expect(r.code).toBe(2);
  });
});

describe('arguments that set yargs\' "_" (was: TypeError inside yargs validation, exit 70)', () => {
  it.each([['-_'], ['-_=1'], ['--_', '1'], ['-a_b'], ['--program', '-=q_*^YU v']])('info x %s: usage error', async (...args) => {
    const r = await runMain(['info', join(dir, 'ok.o'), ...args]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: 'xdp2hw: no option is named "_" (an argument like -_ or -a_b sets it)' });
    expect(r.code).toBe(2);
  });

  it.each([['-_'], ['-a_b']])('info %s x (a positional after it): usage error', async (arg) => {
    const r = await runMain(['info', arg, join(dir, 'ok.o')]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: 'xdp2hw: no option is named "_" (an argument like -_ or -a_b sets it)' });
    expect(r.code).toBe(2);
  });

  it('after --, "-_" is a plain argument', async () => {
    expect((await runMain(['info', join(dir, 'ok.o'), '--', '-_'])).code).toBe(0);
    expect((await runMain(['traffic', '-o=my_file.pcap', '--print-spec', '-n', '3'])).code).toBe(0);
  });
});

describe('an assembler line of 300,000 words (was: RangeError, push(...words) overflowed the stack)', () => {
  it('is an AsmError', () => {
    expect(() => assemble(`lock ${'a '.repeat(300_000)}[%r1+0], %r2`)).toThrow(AsmError);
  });
});

describe('pcap-info --max-packets that is not a whole number (was: read as "stop at once", 0 packets reported)', () => {
  it.each(['-1', '1.5'])('%s is a usage error', async (v) => {
    const pcap = join(dir, 'one.pcap');
    writeFileSync(pcap, Buffer.concat([Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex'), Buffer.from('00000000000000003c0000003c000000', 'hex'), Buffer.alloc(60)]));
    expect((await runMain(['pcap-info', pcap])).stdout).toMatch(/^\S+: 1 packets/);
    const r = await runMain(['pcap-info', pcap, '--max-packets', v]);
    expect(judgeRun(r)).toEqual({ kind: 'clean', message: `xdp2hw: --max-packets ${v}: expected a whole number of 0 or more` });
    expect(r.code).toBe(2);
  });
});
