// A one-line progress bar on stderr, drawn only when stderr is a terminal (redrawn at most every
// 100 ms, erased at the end); on a pipe or file it prints nothing.

import type { WriteStream } from 'node:tty';

export interface Progress {
  /** `done` of `total` units (total undefined: unknown) */
  update(done: number, total: number | undefined): void;
  /** erases the bar */
  end(): void;
}

const WIDTH = 28;
const NOOP: Progress = { update: () => undefined, end: () => undefined };

function human(n: number): string {
  if (n < 1e3) return String(Math.round(n));
  const units = ['k', 'M', 'G', 'T'];
  let v = n;
  let u = -1;
  while (v >= 1e3 && u < units.length - 1) {
    v /= 1e3;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}${units[u]}`;
}

/** A bar labelled `label`, counting `unit` ("pkts", "B"); a no-op unless `out` is a TTY. */
export function createProgress(label: string, unit: string, out: NodeJS.WriteStream | WriteStream = process.stderr): Progress {
  if (!out.isTTY) return NOOP;
  const t0 = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < 100 && !(total !== undefined && done >= total)) return;
      lastDraw = now;
      const secs = (now - t0) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      let line = `${label} ${human(done)}${total !== undefined ? `/${human(total)}` : ''} ${unit}  ${human(rate)} ${unit}/s`;
      if (total) {
        const f = Math.min(1, done / total);
        const fill = Math.round(f * WIDTH);
        const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
        line = `${label} [${'#'.repeat(fill)}${'-'.repeat(WIDTH - fill)}] ${(f * 100).toFixed(0).padStart(3)}%  ${line.slice(label.length + 1)}  ETA ${eta.toFixed(0)}s`;
      }
      const cols = out.columns ?? 100;
      out.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length))}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) out.write('\r\x1b[K');
    },
  };
}
