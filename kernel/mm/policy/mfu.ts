// MFU (most frequently used): evict the resident page with the most references since it arrived, on
// the argument that a page with a small count was probably just brought in and has yet to be used.
// It does badly on most real workloads (the heavily used pages are exactly the ones to keep) and is
// here, as in the textbooks, for contrast with LFU. Counts as in LFU: exact from access(), or
// sampled from R bits on tick() and victim() when access() never comes; ties go to the page
// resident longest.
// Source: Silberschatz, Operating System Concepts, 10th ed., §10.4.6.

import { countingPolicy } from "./lfu.js";
import type { PolicyOptions, ReplacementPolicy } from "./types.js";

export function mfu(_o: PolicyOptions): ReplacementPolicy {
  return countingPolicy("mfu", "most");
}
