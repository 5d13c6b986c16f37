// LFU (least frequently used): evict the resident page with the fewest references since it arrived,
// on the theory that heavy use so far means heavy use to come. Its weaknesses are the classic ones:
// a page used intensely once (initialisation) stays forever, and a newly arrived page, with a count
// of 1, is the first to go. Counts are forgotten on eviction (in-memory LFU). Ties go to the page
// resident longest. The pages wait in a heap ordered by count, so a fault costs O(log frames).
// Where the counts come from: when the host calls access() on every reference (the simulator) they
// are exact. When access() never comes (the kernel, which runs LFU without the reference clock) they are
// sampled: every tick() and every victim() adds 1 for each page whose R bit is set (and clears it),
// so a count is the number of sampling periods in which the page was used.
// MFU (mfu.ts) is the same bookkeeping with the opposite choice.
// Source: Silberschatz, Operating System Concepts, 10th ed., §10.4.6 (counting-based replacement);
// Tanenbaum & Bos, Modern Operating Systems, 4th ed., §3.4.7 (NFU, the sampled form).

import { KeyHeap } from "./heap.js";
import type { PolicyHost, PolicyOptions, ReplacementPolicy } from "./types.js";

/** LFU (`prefer` = "least") or MFU (`prefer` = "most"): the shared reference-count bookkeeping. */
export function countingPolicy(name: string, prefer: "least" | "most"): ReplacementPolicy {
  const counts = new Map<number, number>();
  const arrival = new Map<number, number>(); // for ties
  let arrivals = 0;
  let exact = false; // access() has been called: counts are exact and R bits are not sampled
  const heap = new KeyHeap((a, b) => {
    const ca = counts.get(a)!;
    const cb = counts.get(b)!;
    return (prefer === "least" ? ca < cb : ca > cb) || (ca === cb && arrival.get(a)! < arrival.get(b)!);
  });

  function count(key: number): void {
    counts.set(key, counts.get(key)! + 1);
    heap.update(key);
  }

  function sample(host: PolicyHost): void {
    if (exact) return;
    for (const key of counts.keys()) if (host.referenced(key)) count(key);
  }

  return {
    name,
    get size() {
      return heap.size;
    },
    insert(key) {
      counts.set(key, 1); // the fault is its first reference
      arrival.set(key, arrivals++);
      heap.push(key);
    },
    access(key) {
      exact = true;
      count(key);
    },
    remove(key) {
      heap.remove(key);
      counts.delete(key);
      arrival.delete(key);
    },
    tick: sample,
    victim(host) {
      sample(host);
      const key = heap.pop();
      if (key === undefined) return null;
      counts.delete(key);
      arrival.delete(key);
      return key;
    },
  };
}

export function lfu(_o: PolicyOptions): ReplacementPolicy {
  return countingPolicy("lfu", "least");
}
