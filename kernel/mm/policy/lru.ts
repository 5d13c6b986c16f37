// LRU (exact): evict the page whose last use is furthest in the past, on the reasoning that the
// recent past predicts the near future (locality). Exact LRU must act on every reference, which
// hardware does not do for free: here every access() moves the page to the head of a list, and the
// victim is the tail. The simulator calls access() on every reference. The kernel switches on the
// board's reference clock (src/hw/refclock.ts: slow, and only when this policy is chosen), which
// stamps each frame's last use; before each reclaim it calls access() for the pages used since the
// last one, oldest stamp first, which leaves the list in exact order of last use.
// Without access() calls the list is the order of arrival and LRU degrades to FIFO. LRU is a stack
// algorithm, so it never shows Belady's anomaly: the pages resident with n frames are always among
// those resident with n + 1.
// Source: R. L. Mattson, J. Gecsei, D. R. Slutz, I. L. Traiger, "Evaluation techniques for storage
// hierarchies", IBM Systems Journal 9(2), 1970 (stack algorithms); Silberschatz, Operating System
// Concepts, 10th ed., §10.4.4.

import { KeyList } from "./keylist.js";
import type { PolicyOptions, ReplacementPolicy } from "./types.js";

export function lru(_o: PolicyOptions): ReplacementPolicy {
  const recency = new KeyList(); // head = most recently used, tail = least
  return {
    name: "lru",
    get size() {
      return recency.size;
    },
    insert(key) {
      recency.pushHead(key);
    },
    access(key) {
      recency.moveToHead(key);
    },
    remove(key) {
      recency.remove(key);
    },
    victim() {
      return recency.popTail() ?? null;
    },
  };
}
