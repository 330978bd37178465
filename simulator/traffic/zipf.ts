// A Zipf sampler over ranks 0..n-1: rank k is drawn with probability ∝ 1/(k+1)^s (s = 0 is
// uniform), by binary search in the cumulative weights.

import type { Prng } from './prng.js';

export class Zipf {
  private readonly cdf: Float64Array;

  constructor(readonly n: number, readonly s: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Zipf: n must be a positive integer, not ${n}`);
    if (!(s >= 0)) throw new RangeError(`Zipf: exponent must be ≥ 0, not ${s}`);
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      this.cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k] /= sum;
  }

  /** The probability of rank k. */
  p(k: number): number {
    return this.cdf[k] - (k === 0 ? 0 : this.cdf[k - 1]);
  }

  sample(rng: Prng): number {
    const u = rng.float();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
