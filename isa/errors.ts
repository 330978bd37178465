// Typed ISA errors: an instruction index (slot) and the reason, printed as "<index>: <why>".

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
