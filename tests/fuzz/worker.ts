// A fuzz worker thread: runs batches of indexed inputs of one format and reports each verdict
// (ok, clean, failure with its label) to the main thread, which watches for hangs (run.ts).

import { parentPort, workerData } from 'node:worker_threads';
import type fc from 'fast-check';
import { setSandboxBase } from './cli-options.js';
import { harness } from './formats.js';
import { inputAt } from './harness.js';
import type { FuzzInput } from './harness.js';
import { SLOW_MS } from './oracle.js';

export interface Batch {
  readonly format: string;
  readonly seed: number;
  readonly start: number;
  readonly end: number;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly format: string }
  | { readonly type: 'result'; readonly format: string; readonly index: number; readonly kind: 'ok' | 'clean' | 'failure'; readonly why?: string; readonly label?: string }
  | { readonly type: 'done' };

/** A call that leaves this much more in ArrayBuffers than before allocated by an unchecked size. */
export const ALLOC_LIMIT = 512 << 20;

const port = parentPort!;
const arbs = new Map<string, Promise<fc.Arbitrary<FuzzInput<unknown>>>>();
setSandboxBase((workerData as { sandbox: string }).sandbox);

async function runBatch(b: Batch): Promise<void> {
  const h = harness(b.format);
  let arb = arbs.get(b.format);
  if (!arb) arbs.set(b.format, (arb = h.inputs()));
  const inputs = await arb;
  port.postMessage({ type: 'ready', format: b.format } satisfies WorkerMessage);
  for (let index = b.start; index < b.end; index++) {
    const input = inputAt(inputs, b.seed, index);
    const buffers = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    let v = await h.check(input.value);
    const ms = performance.now() - t0;
    const grew = process.memoryUsage().arrayBuffers - buffers;
    if (v.kind !== 'failure' && ms > SLOW_MS) v = { kind: 'failure', why: `took ${ms.toFixed(0)} ms (bound ${SLOW_MS} ms)` };
    if (v.kind !== 'failure' && grew > ALLOC_LIMIT) v = { kind: 'failure', why: `kept ${(grew / 2 ** 20).toFixed(0)} MB of buffers after one input` };
    const msg: WorkerMessage = v.kind === 'failure'
      ? { type: 'result', format: b.format, index, kind: v.kind, why: v.why, label: input.label }
      : { type: 'result', format: b.format, index, kind: v.kind };
    port.postMessage(msg);
  }
  port.postMessage({ type: 'done' } satisfies WorkerMessage);
}

let chain = Promise.resolve();
port.on('message', (b: Batch) => {
  chain = chain.then(() => runBatch(b));
});
