// Test utility run as a child process: opens a kernel session on argv[2] (program argv[3]), says
// "open", then either exits without closing ("exit"), throws ("throw"), or waits for a signal.
import { KernelEngine, bareObject } from '../../simulator/kernel/index.js';

const [file, program, how] = process.argv.slice(2);
const session = await new KernelEngine().open(bareObject(file), program);
await session.run({ packet: new Uint8Array(64) });
process.stdout.write(`open ${session.info.netns}\n`);
if (how === 'exit') process.exit(0);
if (how === 'throw') setTimeout(() => {
  throw new Error('uncaught on purpose');
}, 10);
if (how === 'wait') setInterval(() => undefined, 1000);
