// Random: evict a resident page chosen uniformly at random. It uses no information at all, so it
// makes no systematic mistake: no access pattern defeats it the way a loop one page larger than
// memory defeats FIFO and LRU (every reference a fault). It is the baseline the other policies must
// beat. Deterministic for a given seed and sequence of calls (SplitMix32, never Math.random), so a
// vmos run or a simulation can be repeated exactly.
// Source: L. A. Belady, "A study of replacement algorithms for a virtual-storage computer", IBM
// Systems Journal 5(2), 1966 (RAND, with MIN and FIFO).

import { below, splitmix32 } from "./prng.js";
import type { PolicyOptions, ReplacementPolicy } from "./types.js";

export function random(o: PolicyOptions): ReplacementPolicy {
  const next = splitmix32(o.seed);
  const keys: number[] = []; // dense, for an O(1) uniform choice
  const index = new Map<number, number>(); // key -> position in keys

  function take(i: number): number {
    const key = keys[i]!;
    const last = keys.pop()!;
    if (i < keys.length) {
      keys[i] = last;
      index.set(last, i);
    }
    index.delete(key);
    return key;
  }

  return {
    name: "random",
    get size() {
      return keys.length;
    },
    insert(key) {
      if (index.has(key)) throw new Error(`random: key ${key} is already resident`);
      index.set(key, keys.length);
      keys.push(key);
    },
    remove(key) {
      const i = index.get(key);
      if (i !== undefined) take(i);
    },
    victim() {
      return keys.length === 0 ? null : take(below(next, keys.length));
    },
  };
}
