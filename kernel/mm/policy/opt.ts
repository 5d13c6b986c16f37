// OPT (Belady's MIN): evict the resident page whose next use lies furthest in the future, or one that
// is never used again. No policy has fewer faults on any reference string, so OPT is the yardstick
// for the others, and, like LRU, a stack algorithm (no Belady's anomaly). It needs the future, which
// a real system does not have, so it takes the whole reference string in PolicyOptions.future, and
// it must hear of every reference (insert() for a fault, access() for the rest) to know each page's
// next use: the position in the string comes from host.position() if the host has it, else
// host.now() (the simulator's now() is the number of references so far, which is exactly that
// position). The page names in the string are host.identity(key) if the host has it, else the keys
// themselves. The resident pages wait in a heap ordered by next use, so a fault costs O(log frames);
// ties (pages never used again) go to the page resident longest.
//
// How the kernel uses it: vmos is deterministic (simulated time, seeded randomness, no host clock),
// so the same program with the same input makes the same references in the same order.
// `vmos run --policy opt` therefore runs the program twice. The first run is silent, with a read-only
// root, and records the page-granular reference string through the board's reference clock
// (src/hw/refclock.ts; kernel/mm/refclock.ts names the pages). The second run gives OPT that string
// as `future`. position() is the clock's count; identity() maps a frame to the recording's name for
// its page; before each reclaim, access() is called for each page used since the last one.
// The cost: two runs with the clock on (every access takes the MMU's slow path), and 8 bytes per
// reference (the string and next[]). The replay is exact for one process. For several, whose
// interleaving depends on fault timing, it is an approximation (docs/policies.md).
// Source: L. A. Belady, "A study of replacement algorithms for a virtual-storage computer", IBM
// Systems Journal 5(2), 1966; R. L. Mattson et al., IBM Systems Journal 9(2), 1970 (optimality).

import { KeyHeap } from "./heap.js";
import type { PolicyHost, PolicyOptions, ReplacementPolicy } from "./types.js";

/**
 * For each position i of `refs`, the next position j > i with refs[j] === refs[i], or refs.length if
 * there is none. One backwards pass.
 */
export function nextUses(refs: ArrayLike<number>): Int32Array {
  const next = new Int32Array(refs.length);
  const seen = new Map<number, number>();
  for (let i = refs.length - 1; i >= 0; i--) {
    next[i] = seen.get(refs[i]!) ?? refs.length;
    seen.set(refs[i]!, i);
  }
  return next;
}

export function opt(o: PolicyOptions): ReplacementPolicy {
  const future = o.future;
  if (future === undefined) throw new Error("opt: needs the reference string in advance (PolicyOptions.future)");
  const end = future.length;
  const next = nextUses(future);
  // name -> a position of its last known use, walked forward along next[] as the run advances: each
  // position is passed once in the whole run.
  const cursor = new Map<number, number>();
  for (let i = end - 1; i >= 0; i--) cursor.set(future[i]!, i);
  const nextUse = new Map<number, number>(); // resident key -> position of its next use (end: never)
  const arrival = new Map<number, number>(); // resident key -> arrival order, for ties
  let arrivals = 0;
  const heap = new KeyHeap((a, b) => {
    const ua = nextUse.get(a)!;
    const ub = nextUse.get(b)!;
    return ua > ub || (ua === ub && arrival.get(a)! < arrival.get(b)!);
  });

  /** The position of `name`'s first use at or after `from` (end when never). */
  function firstUse(name: number, from: number): number {
    let at = cursor.get(name);
    if (at === undefined) return end;
    while (at < from && at < end) at = next[at]!;
    cursor.set(name, at);
    return at;
  }

  /** The page is being referenced now: its next use is the first one after now. */
  function used(key: number, host: PolicyHost): void {
    const now = host.position?.() ?? host.now();
    nextUse.set(key, firstUse(host.identity?.(key) ?? key, now + 1));
  }

  return {
    name: "opt",
    get size() {
      return heap.size;
    },
    insert(key, host) {
      arrival.set(key, arrivals++);
      used(key, host);
      heap.push(key);
    },
    access(key, host) {
      used(key, host);
      heap.update(key);
    },
    remove(key) {
      heap.remove(key);
      nextUse.delete(key);
      arrival.delete(key);
    },
    victim() {
      const key = heap.pop();
      if (key === undefined) return null;
      nextUse.delete(key);
      arrival.delete(key);
      return key;
    },
  };
}
