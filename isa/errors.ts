// Typed ISA errors: an instruction index (slot) and the reason, printed as "<index>: <why>";
// assembler errors: a source line and the reason, printed as "line <n>: <why>".

export class IsaError extends Error {
  constructor(
    /** the slot index of the offending instruction, or -1 for the program as a whole */
    readonly index: number,
    readonly why: string,
  ) {
    super(index >= 0 ? `instruction ${index}: ${why}` : why);
    this.name = 'IsaError';
  }
}

/** An assembler error: a source line (1-based) and the reason, printed as "line <n>: <why>". */
export class AsmError extends Error {
  constructor(
    readonly line: number,
    readonly why: string,
  ) {
    super(`line ${line}: ${why}`);
    this.name = 'AsmError';
  }
}

/** A bad core configuration (a JSON core file): the field's path and the reason, "core config: <path>: <why>". */
export class CoreConfigError extends Error {
  constructor(
    /** e.g. `latency.load.packet`, `laneCaps[2].branch`; '' for the whole config */
    readonly path: string,
    readonly why: string,
  ) {
    super(`core config: ${path ? `${path}: ` : ''}${why}`);
    this.name = 'CoreConfigError';
  }
}
