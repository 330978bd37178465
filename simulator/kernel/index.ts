// The kernel oracle's public surface: the engine, its session, the CPU baseline and its errors.

export { KernelEngine, NAME_PREFIX, PIN_ROOT } from './engine.js';
export { KernelSession } from './session.js';
export type { SessionParts } from './session.js';
export { kernelBaseline, bareObject } from './baseline.js';
export type { BaselineResult } from './baseline.js';
export { KernelError, VerifierError, verifierExcerpt } from './errors.js';
export { BatchCommandError } from './batch.js';
export { kernelUnavailable } from './probe.js';
export { liveResources } from './cleanup.js';
export { listNetns, MAX_IFINDEX, RX_QUEUES } from './netns.js';
export type { KernelMap } from './maps.js';
