// Generated reference strings, deterministic for a seed (SplitMix32, as the Random policy):
//   loop    0, 1, ..., N-1, 0, 1, ...: a loop over N pages. With fewer than N frames, FIFO and LRU
//           fault on every reference; this is where CLOCK-Pro and OPT shine.
//   random  each reference uniform over N pages: no locality, every policy near frames/N.
//   zipf    page k (k = 0..N-1) with probability proportional to 1/(k+1)^s (s = --exponent,
//           default 1): a few hot pages and a long tail, like most real workloads.
//   scan    half the references uniform over a hot set (the first N/4 pages), half a sequential
//           scan through the other pages, in order and round again: the scan pages are used once
//           per pass, and a policy that lets them push out the hot set (LRU) loses.
// Writes: each reference is a write with probability --writes (default 0), from a second generator
// so that the pages do not depend on it.

import { below, splitmix32 } from "../../kernel/mm/policy/prng.js";
import type { RefString } from "./refs.js";

export const PATTERNS = ["loop", "random", "zipf", "scan"] as const;
export type PatternName = (typeof PATTERNS)[number];

export interface PatternOptions {
  pattern: PatternName;
  /** N: pages the pattern ranges over. */
  pages: number;
  /** References to generate. */
  length: number;
  seed: number;
  /** Zipf's exponent s (default 1). */
  exponent?: number;
  /** Probability that a reference writes (default 0). */
  writeRatio?: number;
}

/** The reference string `o` describes. */
export function generate(o: PatternOptions): RefString {
  const next = splitmix32(o.seed);
  const pages = new Int32Array(o.length);
  const fill = GENERATORS[o.pattern](o, next);
  for (let i = 0; i < o.length; i++) pages[i] = fill(i);
  let writes: Uint8Array | undefined;
  if ((o.writeRatio ?? 0) > 0) {
    const w = splitmix32(o.seed ^ 0x5bd1e995);
    const threshold = o.writeRatio! * 0x1_0000_0000;
    writes = new Uint8Array(o.length);
    for (let i = 0; i < o.length; i++) writes[i] = w() < threshold ? 1 : 0;
  }
  return { pages, ids: o.pages, writes, label: (id) => String(id) };
}

type Generator = (o: PatternOptions, next: () => number) => (i: number) => number;

const GENERATORS: Record<PatternName, Generator> = {
  loop: (o) => (i) => i % o.pages,
  random: (o, next) => () => below(next, o.pages),
  zipf: (o, next) => {
    const cdf = zipfCdf(o.pages, o.exponent ?? 1);
    return () => {
      const u = next() / 0x1_0000_0000;
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
  },
  scan: (o, next) => {
    const hotPages = Math.max(1, Math.round(o.pages / 4));
    const scanPages = o.pages - hotPages;
    let scanned = 0;
    return () => {
      if (scanPages === 0 || next() < 0x8000_0000) return below(next, hotPages);
      return hotPages + (scanned++ % scanPages);
    };
  },
};

/** Cumulative Zipf probabilities over `n` ranks with exponent `s`; the last entry is 1. */
function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, s);
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k] /= sum;
  cdf[n - 1] = 1;
  return cdf;
}
