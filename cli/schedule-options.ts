// The scheduling options `run --engine rows`, `compile` and `compare` share (--lanes, --strategy,
// --core, --time-limit), and turning them into a core and a scheduler; errors become one line.

import { existsSync, readFileSync } from 'node:fs';
import { compileObject, PipelineError, scheduleCompiled } from '../compiler/pipeline.js';
import type { Compiled } from '../compiler/pipeline.js';
import { scheduleObject, ScheduleError, STRATEGIES } from '../compiler/schedule/index.js';
import type { ScheduleOptions, ScheduleResult, Strategy } from '../compiler/schedule/index.js';
import type { LoadedObject } from '../compiler/loader/types.js';
import { checkCoreConfig, CORE_PRESETS, CoreConfigError } from '../isa/index.js';
import type { CoreConfig } from '../isa/index.js';
import { UserError } from './errors.js';
import { trafficProfileBeside } from './profile.js';

export const LANES = { type: 'number', describe: 'lanes per row, 1-8 (default: the core\'s)' } as const;
export const STRATEGY = { choices: STRATEGIES, default: 'list' as Strategy, describe: 'how rows are chosen' } as const;
export const CORE = { type: 'string', default: 'xdp2hw', describe: `core: ${Object.keys(CORE_PRESETS).join(', ')} or a JSON core file` } as const;
export const PASSES = { type: 'boolean', default: false, describe: 'run the compiler\'s passes (compiler/pipeline) before scheduling' } as const;
export const TIME_LIMIT = { type: 'number', default: 200, describe: 'optimal: search time per block, ms' } as const;

export interface ScheduleArgs {
  lanes?: number;
  strategy: Strategy;
  core: string;
  'time-limit': number;
}

/** A preset by name, or a JSON core file checked field by field. */
export function readCore(arg: string): CoreConfig {
  const preset = CORE_PRESETS[arg];
  if (preset) return preset;
  if (!existsSync(arg)) throw new UserError(`--core ${arg}: neither a preset (${Object.keys(CORE_PRESETS).join(', ')}) nor a file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(arg, 'utf8'));
  } catch (e) {
    throw new UserError(`--core ${arg}: not JSON: ${(e as Error).message}`);
  }
  try {
    return checkCoreConfig(json);
  } catch (e) {
    throw e instanceof CoreConfigError ? new UserError(`--core ${arg}: ${e.message}`) : e;
  }
}

export function checkLanes(lanes: number | undefined, option = 'lanes'): void {
  if (lanes !== undefined && (!Number.isInteger(lanes) || lanes < 1 || lanes > 8)) throw new UserError(`--${option}: lanes must be 1-8, not ${lanes}`);
}

export function scheduleOptions(a: ScheduleArgs): ScheduleOptions {
  checkLanes(a.lanes);
  if (!(a['time-limit'] > 0)) throw new UserError('--time-limit must be above 0');
  return { core: readCore(a.core), lanes: a.lanes, strategy: a.strategy, timeLimitMs: a['time-limit'] };
}

/**
 * The program scheduled, after the pipeline's passes when `passes` (rows per instruction still
 * count the original's); `passes` may be the program already compiled, which is then not compiled again.
 */
export function scheduleWith(obj: LoadedObject, program: string, given: ScheduleOptions, passes: boolean | Compiled): ScheduleResult {
  // superblock: the profile of the program's traffic beside the object (cli/profile.ts)
  const opts = given.strategy === 'superblock' && !given.profile ? { ...given, profile: trafficProfileBeside(obj, program) } : given;
  if (!passes) return scheduleObject(obj, program, opts);
  return scheduleCompiled(passes === true ? compileObject(obj, { program, core: opts.core }) : passes, obj, opts);
}

/** Schedules one program; a refusal is one line naming the file and instruction. */
export function scheduleOrFail(obj: LoadedObject, program: string, opts: ScheduleOptions, passes: boolean | Compiled = false): ScheduleResult {
  try {
    return scheduleWith(obj, program, opts, passes);
  } catch (e) {
    if (e instanceof PipelineError) throw new UserError(e.message);
    throw e instanceof ScheduleError ? new UserError(`${obj.file}: ${program}: ${e.message}`) : e;
  }
}
