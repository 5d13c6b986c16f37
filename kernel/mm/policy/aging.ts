// Aging: an LRU approximation in software from the referenced bit alone. Each resident page has an
// 8-bit shift register. On every tick() each register shifts right one bit and the page's R bit
// (read and cleared) enters at the left: 0b1000_0000 means "used in the last tick only",
// 0b0000_0001 "used eight ticks ago and not since". Read as numbers, a smaller register means a
// longer time since the last use (to the resolution of one tick, and forgetting anything older than
// eight), so the victim is the page with the smallest register; ties go to the page resident
// longest. A page that arrived since the last tick counts as used in the current tick, above every
// register, so it cannot be evicted before it has been sampled once. Registers change only at ticks,
// which rebuild a heap of the pages by register, so a fault costs O(log frames), not a scan.
// Source: Tanenbaum & Bos, Modern Operating Systems, 4th ed., §3.4.7 (Figure 3-17).

import { KeyHeap } from "./heap.js";
import type { PolicyOptions, ReplacementPolicy } from "./types.js";

const REGISTER_BITS = 8;
const TOP = 1 << (REGISTER_BITS - 1); // 0b1000_0000

export function aging(_o: PolicyOptions): ReplacementPolicy {
  const register = new Map<number, number>(); // sampled pages -> register
  const arrival = new Map<number, number>(); // every page -> arrival order, for ties
  let arrivals = 0;
  // Pages that arrived since the last tick: their fault is a use not yet shifted in, above every
  // register. Oldest first (a Set keeps insertion order).
  const fresh = new Set<number>();
  // Sampled pages, smallest register first. Registers change only at ticks, which rebuild it.
  const heap = new KeyHeap((a, b) => {
    const ra = register.get(a)!;
    const rb = register.get(b)!;
    return ra < rb || (ra === rb && arrival.get(a)! < arrival.get(b)!);
  });

  function forget(key: number): void {
    register.delete(key);
    arrival.delete(key);
    fresh.delete(key);
  }

  return {
    name: "aging",
    get size() {
      return arrival.size;
    },
    insert(key) {
      if (arrival.has(key)) throw new Error(`aging: key ${key} is already resident`);
      arrival.set(key, arrivals++);
      fresh.add(key);
    },
    remove(key) {
      heap.remove(key);
      forget(key);
    },
    tick(host) {
      for (const key of arrival.keys()) {
        const used = host.referenced(key) || fresh.has(key);
        register.set(key, ((register.get(key) ?? 0) >>> 1) | (used ? TOP : 0));
      }
      fresh.clear();
      heap.rebuild(arrival.keys());
    },
    victim() {
      const key = heap.pop() ?? fresh.values().next().value;
      if (key === undefined) return null;
      forget(key);
      return key;
    },
  };
}
