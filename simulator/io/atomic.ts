// Atomic file output: data goes to `<target>.tmp-<pid>-<rand>` and is renamed over the target only
// when complete. Open temp files are removed on exit, SIGINT and SIGTERM; after SIGKILL they
// remain, and the next writer of the same target sweeps those of dead processes.

import { closeSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Temp files of this process not yet committed or aborted. */
const OPEN_TEMPS = new Set<string>();
let handlersInstalled = false;

function removeOpenTemps(): void {
  for (const p of OPEN_TEMPS) {
    try {
      unlinkSync(p);
    } catch {
      // already gone
    }
  }
  OPEN_TEMPS.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  removeOpenTemps();
  // When nobody else handles the signal, restore the default action (terminate) and re-raise.
  if (process.listenerCount(sig) === 1) {
    process.removeListener(sig, onSignal);
    process.kill(process.pid, sig);
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', removeOpenTemps);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Tracks `path` as an open temp file, removed if the process exits before release. */
export function trackTemp(path: string): void {
  installHandlers();
  OPEN_TEMPS.add(path);
}

export function releaseTemp(path: string): void {
  OPEN_TEMPS.delete(path);
}

/** A fresh temp name beside `target`. */
export function tempPathFor(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<target>.tmp-<pid>-*` files left by processes that no longer exist; returns them. */
export function sweepStaleTemps(target: string): string[] {
  const dir = dirname(target);
  const prefix = `${basename(target)}.tmp-`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]+$/.exec(n.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, n));
      removed.push(join(dir, n));
    } catch {
      // raced with another sweeper
    }
  }
  return removed;
}

/** A file being written under a temp name; `commit()` renames it to the target. */
export class AtomicFile {
  private done = false;

  private constructor(readonly target: string, readonly tempPath: string, private fh: FileHandle) {}

  static async open(target: string): Promise<AtomicFile> {
    sweepStaleTemps(target);
    const tmp = tempPathFor(target);
    trackTemp(tmp);
    try {
      return new AtomicFile(target, tmp, await open(tmp, 'wx'));
    } catch (e) {
      releaseTemp(tmp);
      throw e;
    }
  }

  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await this.fh.write(data, off, data.length - off);
      off += bytesWritten;
    }
  }

  /** Closes the temp file and renames it over the target. */
  async commit(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.fh.close();
      await rename(this.tempPath, this.target);
    } catch (e) {
      await unlink(this.tempPath).catch(() => undefined);
      throw e;
    } finally {
      releaseTemp(this.tempPath);
    }
  }

  /** Closes and removes the temp file; the target is untouched. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.fh.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
    releaseTemp(this.tempPath);
  }
}

/** Writes `data` to `path` atomically: readers see the old content or the new, never a part. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const f = await AtomicFile.open(path);
  try {
    await f.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  } catch (e) {
    await f.abort();
    throw e;
  }
  await f.commit();
}

/** The synchronous form of writeFileAtomic. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  sweepStaleTemps(path);
  const tmp = tempPathFor(path);
  trackTemp(tmp);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  } finally {
    releaseTemp(tmp);
  }
}
