// `compile --prove`: proves the compiled program (after the passes, or the scheduled rows) equal to
// the original with compiler/verify (Z3), and prints the proof or the counterexample with the
// commands that replay it. Lives in cli/ beside validate.ts; no semantics of its own.

import type { RowProgram } from '../isa/index.js';
import type { LoadedObject } from '../compiler/loader/types.js';
import type { Compiled } from '../compiler/pipeline.js';
import { tailCallReachable } from '../compiler/schedule/index.js';
import { proveEquivalent, VerifyError } from '../compiler/verify/index.js';
import type { Answer, Proof } from '../compiler/verify/index.js';
import { UserError } from './errors.js';

export interface ProveRequest {
  readonly file: string;
  readonly obj: LoadedObject;
  readonly compiled: Compiled;
  /** the scheduled program, when compile scheduled one: then the rows are what is proved */
  readonly rows?: RowProgram;
  /** each obligation's time limit, seconds */
  readonly timeoutSeconds: number;
}

/** The proof that the translation (passes, and the schedule when there is one) keeps the program's meaning. */
export async function proveTranslation(req: ProveRequest): Promise<Proof> {
  const c = req.compiled;
  try {
    return await proveEquivalent(c.original, req.rows ?? c.optimized.program, {
      maps: req.obj.maps, minLength: c.options.minFrame, timeoutSeconds: req.timeoutSeconds,
      // a program a tail call may start begins in the frame the program before left
      tailCallTarget: tailCallReachable(req.obj, c.original.name),
      // scheduled: the passes' output, then its schedule (docs/VERIFY.md, "Through the passes' output")
      ...(req.rows ? { via: c.optimized.program } : {}),
    });
  } catch (e) {
    if (e instanceof VerifyError) throw new UserError(`${req.file}: ${c.original.name}: --prove: ${e.message}`);
    throw e;
  }
}

/** How to rerun the counterexample on both sides (the fixture goes to cex.json). */
export function replayCommands(file: string, program: string, p: Proof, schedule?: { lanes: number; strategy: string }): string[] {
  const x = p.counterexample;
  if (!x) return [];
  const run = `xdp2hw run ${file} --program ${program} --packet ${x.packet} --maps cex.json --ctx-ifindex ${x.ingressIfindex} --rx-queue ${x.rxQueueIndex}`;
  const rows = `--engine rows --passes --lanes ${schedule?.lanes ?? 1}${schedule ? ` --strategy ${schedule.strategy}` : ''}`;
  return [`echo '${JSON.stringify({ maps: x.maps })}' > cex.json`, run, `${run} ${rows}`];
}

/** The proof as text lines: status, seconds, each obligation, and a counterexample with its replay. */
export function formatProof(p: Proof, replay: readonly string[]): string[] {
  const out = [`proof: ${p.status} in ${p.seconds.toFixed(1)} s${p.region ? ` (time limit in ${p.region})` : ''}`,
    `  ${p.regions.map((r) => `${r.name} ${r.status} ${r.seconds.toFixed(2)} s`).join('; ')}`];
  const x = p.counterexample;
  if (!x) return out;
  const said = (a: Answer): string => (a.tailCall ? `a tail call through ${a.tailCall.map}[${a.tailCall.index}] after ${a.tailCall.tailCalls} tail calls` : `action ${a.action}`);
  out.push(`counterexample (${x.region}): original ${said(x.original)}, compiled ${said(x.compiled)}`,
    `  packet: ${x.packet}`, `  ingress ifindex ${x.ingressIfindex}, rx queue ${x.rxQueueIndex}`,
    `  maps: ${JSON.stringify(x.maps)}`, '  replay:', ...replay.map((l) => `    ${l}`));
  return out;
}
