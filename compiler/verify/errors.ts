// What the prover cannot encode (an instruction or pointer use outside the model): one line,
// "instruction N: why". A wrong program is not an error: it gets a counterexample.

export class VerifyError extends Error {
  constructor(
    /** the instruction index in the program it concerns, -1 for the program as a whole */
    readonly index: number,
    readonly why: string,
    /** which program: 'original' or 'compiled' */
    readonly side = '',
  ) {
    super(`${side ? `${side}: ` : ''}${index >= 0 ? `instruction ${index}: ` : ''}${why}`);
    this.name = 'VerifyError';
  }
}
