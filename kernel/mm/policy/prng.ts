// SplitMix32: a small, fast, seeded pseudo-random generator (a 32-bit counter stepped by the golden
// ratio, then MurmurHash3's finaliser), so that the Random policy and the simulator's generated
// reference strings are the same on every run and every machine. Never Math.random().

/** A generator of uniform 32-bit unsigned integers from `seed`. */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A whole number in [0, n) from one draw of `next` (n at most 2^32). */
export function below(next: () => number, n: number): number {
  return Math.floor((next() / 0x1_0000_0000) * n);
}
