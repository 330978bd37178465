// Runs a sweep's points on worker threads (worker.ts), `jobs` at a time, handing each record to
// the caller as it arrives; with one job or one point, in this thread. Workers load from dist/ as
// JavaScript, or, when this module runs from TypeScript source (vitest, tsx), through tsx's loader.

import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { runPoint } from './run-point.js';
import type { PointRecord } from './run-point.js';
import type { PointSpec } from './points.js';

export type FromWorker =
  | { readonly kind: 'record'; readonly record: PointRecord }
  | { readonly kind: 'user-error'; readonly message: string }
  | { readonly kind: 'bug'; readonly message: string };

/** A worker thread running worker.ts (or worker.js beside this file in dist/). */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here));
  const tsx = import.meta.resolve('tsx/esm/api');
  const self = new URL('./worker.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`, { eval: true });
}

/** Runs every point; `onRecord` is called once per point, in completion order. */
export async function runPoints(points: readonly PointSpec[], jobs: number, onRecord: (r: PointRecord) => void): Promise<void> {
  if (jobs <= 1 || points.length <= 1) {
    for (const p of points) onRecord(runPoint(p));
    return;
  }
  const workers = Array.from({ length: Math.min(jobs, points.length) }, spawnWorker);
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (!failed) reject(e);
        failed = true;
      };
      const feed = (w: Worker) => {
        if (failed) return;
        if (next < points.length) {
          running++;
          w.postMessage(points[next++]);
        } else if (running === 0) resolve();
      };
      for (const w of workers) {
        w.on('message', (m: FromWorker) => {
          running--;
          if (m.kind === 'record') {
            try {
              onRecord(m.record);
            } catch (e) {
              return fail(e as Error);
            }
            feed(w);
          } else fail(m.kind === 'user-error' ? new UserError(m.message) : new Error(`in a sweep worker: ${m.message}`));
        });
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a sweep worker exited with code ${code}`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
