/**
 * The traffic: a fixed ranking of the catalogue's runtime versions (a seeded shuffle) and a request
 * sequence drawn from a Zipf law over it. Seeded, so that every run of the bench sends the same
 * requests in the same order and two runs compare; the same sequence serves every concurrency.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher-Yates shuffle of a copy of `items`. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  return shuffled;
}

/** The probability of each rank (0 = most popular) under Zipf with exponent `s`. */
export function zipfShares(count: number, s: number): number[] {
  const weights = Array.from({ length: count }, (_, rank) => 1 / (rank + 1) ** s);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** `length` ranks drawn from `shares` (inverse of the cumulative distribution). */
export function drawRanks(shares: readonly number[], length: number, seed: number): number[] {
  const random = seededRandom(seed);
  const cumulative: number[] = [];
  let sum = 0;
  for (const share of shares) cumulative.push((sum += share));
  return Array.from({ length }, () => {
    const u = random() * sum;
    const rank = cumulative.findIndex((bound) => u < bound);
    return rank < 0 ? shares.length - 1 : rank;
  });
}
