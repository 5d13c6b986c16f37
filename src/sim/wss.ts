// Denning's working set W(t, tau): the distinct pages a process referenced in its last tau
// references, times t - tau + 1 .. t of its *virtual time* (a clock that ticks once per reference of
// that process, so that other processes running and the process waiting for the disk do not age its
// pages). Times count from 1; before t reaches tau the window is the whole string so far.
//
// Its size over time shows a program's phases of locality: flat while the program works in one
// locality, a bump at each change of phase (for a while the window holds the old pages and the new),
// and the mean s(tau) is roughly the memory the program needs at that window to run without
// thrashing. Denning, "The working set model for program behavior", CACM 11(5), 1968; "Working sets
// past and present", IEEE TSE 6(1), 1980.
//
// One pass, O(length + pages): lastUse[p] is the time page p was last referenced, and `size` counts
// the pages whose last use is inside the window. At time t the reference made at time t - tau leaves
// the window, and its page leaves W only if that was its last use. The string itself is the queue of
// expiries, so nothing is allocated per reference.
//
// `# vmos refs v1` traces interleave processes; processRefs() cuts out one of them, whose position in
// the result is then its virtual time.

import type { RefString } from "./refs.js";

export interface WorkingSetSizes {
  tau: number;
  /** References between two samples. */
  sampleEvery: number;
  /** Sample times: sampleEvery, 2 * sampleEvery, ..., and the last reference's time. */
  times: Int32Array;
  /** |W(t, tau)| at each of `times`. */
  sizes: Int32Array;
  /** Mean |W(t, tau)| over every t = 1..length, not only the samples (0 for an empty string). */
  mean: number;
  /** Largest |W(t, tau)| over every t (0 for an empty string). */
  max: number;
  /** The first t at which `max` is reached (0 for an empty string). */
  maxAt: number;
}

/** Samples for a string of `length` references unless asked: every reference up to 100, else about 100. */
export function defaultSampleEvery(length: number): number {
  return Math.max(1, Math.ceil(length / 100));
}

/**
 * |W(t, tau)| for t = 1..length of `refs` (one process's references, in its order), sampled every
 * `sampleEvery` references and at the end, plus its mean and maximum over every t. Throws RangeError
 * if tau or sampleEvery is not a whole number >= 1 (the CLI checks before calling).
 */
export function workingSetSizes(refs: RefString, tau: number, sampleEvery = defaultSampleEvery(refs.pages.length)): WorkingSetSizes {
  if (!Number.isInteger(tau) || tau < 1) throw new RangeError(`workingSetSizes: tau must be a whole number >= 1, not ${tau}`);
  if (!Number.isInteger(sampleEvery) || sampleEvery < 1) {
    throw new RangeError(`workingSetSizes: sampleEvery must be a whole number >= 1, not ${sampleEvery}`);
  }
  const { pages } = refs;
  const n = pages.length;
  const lastUse = new Int32Array(refs.ids); // 0: never referenced (times count from 1)
  const times = new Int32Array(Math.ceil(n / sampleEvery));
  const sizes = new Int32Array(times.length);
  let size = 0;
  let sum = 0;
  let max = 0;
  let maxAt = 0;
  let s = 0;
  for (let t = 1; t <= n; t++) {
    const leaving = t - tau; // the time whose reference drops out of the window now
    if (leaving >= 1 && lastUse[pages[leaving - 1]!] === leaving) size--;
    const p = pages[t - 1]!;
    const last = lastUse[p]!;
    if (last === 0 || last <= leaving) size++; // never referenced, or last before the window
    lastUse[p] = t;
    sum += size;
    if (size > max) [max, maxAt] = [size, t];
    if (t % sampleEvery === 0 || t === n) {
      times[s] = t;
      sizes[s++] = size;
    }
  }
  return { tau, sampleEvery, times, sizes, mean: n > 0 ? sum / n : 0, max, maxAt };
}

// ---- One process of a `# vmos refs v1` trace ------------------------------------------------------

/** The pids that reference pages in `refs`, in order of their first reference (`pids`: refs.pids). */
export function pidsInOrder(refs: RefString, pids: Int32Array): number[] {
  const pageSeen = new Uint8Array(refs.ids);
  const order = new Set<number>();
  for (const p of refs.pages) {
    if (pageSeen[p] === 1) continue;
    pageSeen[p] = 1;
    order.add(pids[p]!);
  }
  return [...order];
}

/**
 * The references of process `pid` alone, in order: position i in the result is its virtual time
 * i + 1. Page ids, labels and file-backing are kept; an unknown pid gives an empty string.
 */
export function processRefs(refs: RefString, pids: Int32Array, pid: number): RefString {
  const { pages, writes } = refs;
  let n = 0;
  for (let i = 0; i < pages.length; i++) if (pids[pages[i]!] === pid) n++;
  const own = new Int32Array(n);
  const ownWrites = writes === undefined ? undefined : new Uint8Array(n);
  for (let i = 0, j = 0; i < pages.length; i++) {
    if (pids[pages[i]!] !== pid) continue;
    if (ownWrites !== undefined) ownWrites[j] = writes![i]!;
    own[j++] = pages[i]!;
  }
  return { pages: own, ids: refs.ids, writes: ownWrites, fileBacked: refs.fileBacked, pids, label: refs.label };
}
