// Everything the kernel oracle creates outside the process (pins, temp dirs, network namespaces,
// helper processes) is registered here and released on close, on failure, and on process exit.

/** A release function must be synchronous: it may run inside an 'exit' hook. */
type Release = () => void;

const live = new Map<number, { what: string; release: Release }>();
let nextId = 1;
let hooked = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function releaseAll(): void {
  const all = [...live.entries()].reverse();
  live.clear();
  for (const [, r] of all) {
    try {
      r.release();
    } catch {
      // best effort at exit: the remaining resources still get their turn
    }
  }
}

function onExit(): void {
  releaseAll();
}

function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  unhook();
  // Re-raise so the default action (or another listener) decides what happens next.
  process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Registers a resource; returns a handle for `release`. */
export function track(what: string, release: Release): number {
  const id = nextId++;
  live.set(id, { what, release });
  hook();
  return id;
}

/** Releases one resource now (if still live); throws what its release threw. */
export function release(id: number): void {
  const r = live.get(id);
  if (!r) return;
  live.delete(id);
  if (live.size === 0) unhook();
  r.release();
}

/** What is still held (for tests and diagnostics). */
export function liveResources(): string[] {
  return [...live.values()].map((r) => r.what);
}

/** Releases every resource in reverse order of creation, collecting failures. */
export function releaseMany(ids: readonly number[]): Error[] {
  const errors: Error[] = [];
  for (const id of [...ids].reverse()) {
    try {
      release(id);
    } catch (e) {
      errors.push(e as Error);
    }
  }
  return errors;
}
