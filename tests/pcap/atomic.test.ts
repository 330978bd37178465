// Nothing half-written: atomic writes replace the target whole, and a writer killed mid-write
// (SIGKILL, SIGINT, SIGTERM) never leaves a partial target. SIGINT/SIGTERM remove the temp file;
// after SIGKILL the next writer of the target sweeps it.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepStaleTemps, writeFileAtomic, writeFileAtomicSync } from '../../simulator/io/atomic.js';
import { PcapWriter, readPcapFile } from '../../simulator/pcap/index.js';
import { ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLI = join(ROOT, 'dist/cli/xdp2hw.js');
const temps = (target: string): string[] => readdirSync(dir).filter((n) => n.startsWith(`${target.split('/').pop()}.tmp-`));

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => c.on('exit', r));
  return c.pid!;
}

describe('writeFileAtomic', () => {
  it('replaces the content whole and leaves no temp file', async () => {
    const f = join(dir, 'a.json');
    writeFileSync(f, 'old');
    await writeFileAtomic(f, '{"new":true}');
    expect(readFileSync(f, 'utf8')).toBe('{"new":true}');
    writeFileAtomicSync(f, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(f)]).toEqual([1, 2, 3]);
    expect(temps(f)).toEqual([]);
  });

  it('a failed write leaves the old content and no temp file', async () => {
    const f = join(dir, 'sub-does-not-exist', 'b.json');
    await expect(writeFileAtomic(f, 'x')).rejects.toThrow(/ENOENT/);
    expect(existsSync(f)).toBe(false);
  });

  it('sweeps temp files of dead processes only', async () => {
    const f = join(dir, 'c.pcap');
    const dead = join(dir, `c.pcap.tmp-${await deadPid()}-00ff00ff`);
    const alive = join(dir, `c.pcap.tmp-${process.ppid}-11aa11aa`);
    const other = join(dir, `c.pcapx.tmp-1-22bb22bb`);
    for (const p of [dead, alive, other]) writeFileSync(p, 'partial');
    expect(sweepStaleTemps(f)).toEqual([dead]);
    expect([existsSync(dead), existsSync(alive), existsSync(other)]).toEqual([false, true, true]);
    rmSync(alive);
  });
});

describe('PcapWriter', () => {
  it('nothing appears under the target before close(); abort() keeps the old target', async () => {
    const f = join(dir, 'w.pcap');
    writeFileSync(f, 'old');
    const w = await PcapWriter.create(f);
    await w.write(new Uint8Array(60));
    expect(existsSync(w.tempPath)).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe('old');
    await w.abort();
    expect(existsSync(w.tempPath)).toBe(false);
    expect(readFileSync(f, 'utf8')).toBe('old');
    const w2 = await PcapWriter.create(f);
    await w2.write(new Uint8Array(60));
    await w2.close();
    expect(readPcapFile(f)).toHaveLength(1);
    expect(temps(f)).toEqual([]);
  });
});

/** Starts a long `xdp2hw traffic` into `target` and resolves once its temp file holds 4 MB. */
async function startBigWrite(target: string): Promise<{ child: ReturnType<typeof spawn>; exited: Promise<{ code: number | null; signal: string | null }> }> {
  const child = spawn(process.execPath, [CLI, 'traffic', '--count', '5000000', '--out', target], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const t0 = Date.now();
  for (;;) {
    const t = temps(target).map((n) => join(dir, n));
    if (t.length === 1 && statSync(t[0]).size > 4 << 20) break;
    if (Date.now() - t0 > 30_000) throw new Error('the child wrote nothing in 30 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, exited };
}

describe('killing a writer mid-write', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: the temp file is removed and the target keeps its old content', async (sig) => {
    const target = join(dir, `sig-${sig}.pcap`);
    writeFileSync(target, 'old');
    const { child, exited } = await startBigWrite(target);
    child.kill(sig);
    const { signal } = await exited;
    expect(signal).toBe(sig);
    expect(temps(target)).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('SIGKILL: no partial target; the temp file remains until the next writer sweeps it', async () => {
    const target = join(dir, 'killed.pcap');
    const { child, exited } = await startBigWrite(target);
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(target)).toBe(false);
    expect(temps(target)).toHaveLength(1);
    const again = spawn(process.execPath, [CLI, 'traffic', '--count', '10', '--out', target], { stdio: 'ignore' });
    expect(await new Promise((r) => again.on('exit', r))).toBe(0);
    expect(temps(target)).toEqual([]);
    expect(readPcapFile(target)).toHaveLength(10);
  });
});
