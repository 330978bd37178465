// Min, mean, percentiles and max of a sample (nearest-rank percentiles), for cycles and latency.

export interface Summary {
  min: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(xs: Float64Array): Summary {
  if (xs.length === 0) return { min: 0, mean: 0, p50: 0, p99: 0, max: 0 };
  const s = Float64Array.from(xs).sort();
  const rank = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { min: round(s[0]), mean: round(s.reduce((a, b) => a + b, 0) / s.length), p50: round(rank(0.5)), p99: round(rank(0.99)), max: round(s[s.length - 1]) };
}
