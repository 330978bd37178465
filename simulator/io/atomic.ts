// Atomic file output: data goes to `<target>.tmp-<pid>-<rand>` and is renamed over the target only
// when complete (devices and pipes are written directly). Open temp files are removed on exit,
// SIGINT and SIGTERM; after SIGKILL they remain, and the next writer of the target sweeps them.

import { closeSync, existsSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** An output file that cannot be written (a directory, a missing directory, no permission, a full disk). */
export class OutputError extends Error {
  constructor(readonly file: string, readonly why: string) {
    super(`${file}: ${why}`);
    this.name = 'OutputError';
  }
}

const REASONS: Readonly<Record<string, (target: string) => string>> = {
  ENOENT: (t) => (existsSync(dirname(t)) ? `cannot create files in ${dirname(t)}` : `the directory ${dirname(t)} does not exist`),
  ENOTDIR: (t) => `${dirname(t)} is not a directory`,
  EISDIR: () => 'it is a directory',
  EACCES: () => 'permission denied',
  EPERM: () => 'operation not permitted',
  EROFS: () => 'read-only file system',
  ENOSPC: () => 'no space left on device',
};

/** A file system error on `target` as an OutputError (other values are returned as they are). */
function outputError(target: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || e instanceof OutputError) return e;
  return new OutputError(target, `cannot write (${code}): ${REASONS[code]?.(target) ?? (e as Error).message.split('\n')[0]}`);
}

/**
 * How `target` is written: 'atomic' (temp file and rename) when it is absent or a regular file,
 * 'direct' when it is a device, pipe or socket (renaming over /dev/null would replace the device);
 * a directory is an OutputError.
 */
function outputKind(target: string): 'atomic' | 'direct' {
  let st;
  try {
    st = statSync(target);
  } catch {
    return 'atomic';
  }
  if (st.isDirectory()) throw new OutputError(target, 'cannot write: it is a directory');
  return st.isFile() ? 'atomic' : 'direct';
}

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
function trackTemp(path: string): void {
  installHandlers();
  OPEN_TEMPS.add(path);
}

function releaseTemp(path: string): void {
  OPEN_TEMPS.delete(path);
}

/** A fresh temp name beside `target`. */
function tempPathFor(target: string): string {
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

/**
 * A file being written under a temp name; `commit()` renames it to the target. A device or pipe
 * target (/dev/null, a FIFO) is written directly (tempPath is the target) and never removed.
 * File system errors are OutputErrors naming the target.
 */
export class AtomicFile {
  private done = false;

  private constructor(readonly target: string, readonly tempPath: string, private fh: FileHandle, private readonly direct = false) {}

  static async open(target: string): Promise<AtomicFile> {
    if (outputKind(target) === 'direct') {
      try {
        return new AtomicFile(target, target, await open(target, 'w'), true);
      } catch (e) {
        throw outputError(target, e);
      }
    }
    sweepStaleTemps(target);
    const tmp = tempPathFor(target);
    trackTemp(tmp);
    try {
      return new AtomicFile(target, tmp, await open(tmp, 'wx'));
    } catch (e) {
      releaseTemp(tmp);
      throw outputError(target, e);
    }
  }

  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    try {
      while (off < data.length) {
        const { bytesWritten } = await this.fh.write(data, off, data.length - off);
        off += bytesWritten;
      }
    } catch (e) {
      throw outputError(this.target, e);
    }
  }

  /** Closes the temp file and renames it over the target. */
  async commit(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.fh.close();
      if (!this.direct) await rename(this.tempPath, this.target);
    } catch (e) {
      if (!this.direct) await unlink(this.tempPath).catch(() => undefined);
      throw outputError(this.target, e);
    } finally {
      releaseTemp(this.tempPath);
    }
  }

  /** Closes and removes the temp file; the target is untouched. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.fh.close().catch(() => undefined);
    if (!this.direct) await unlink(this.tempPath).catch(() => undefined);
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

/** Opens `file` with `flags`, writes all of `bytes` and closes it. */
function writeAllSync(file: string, flags: 'w' | 'wx', bytes: Uint8Array): void {
  const fd = openSync(file, flags);
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}

/** The synchronous form of writeFileAtomic. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (outputKind(path) === 'direct') {
    try {
      writeAllSync(path, 'w', bytes);
    } catch (e) {
      throw outputError(path, e);
    }
    return;
  }
  sweepStaleTemps(path);
  const tmp = tempPathFor(path);
  trackTemp(tmp);
  try {
    writeAllSync(tmp, 'wx', bytes);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw outputError(path, e);
  } finally {
    releaseTemp(tmp);
  }
}
