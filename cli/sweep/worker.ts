// A sweep worker thread: runs the points the main thread sends, one at a time, and posts each
// record back (pool.ts). A refusal is a record; a bad input or our bug is a message that stops the sweep.

import { parentPort } from 'node:worker_threads';
import { isUserFacing } from '../errors.js';
import { runPoint } from './run-point.js';
import type { PointSpec } from './points.js';
import type { FromWorker } from './pool.js';

const port = parentPort!;
port.on('message', (p: PointSpec) => {
  let msg: FromWorker;
  try {
    msg = { kind: 'record', record: runPoint(p) };
  } catch (e) {
    msg = isUserFacing(e) ? { kind: 'user-error', message: e.message } : { kind: 'bug', message: (e as Error)?.stack ?? String(e) };
  }
  port.postMessage(msg);
});
