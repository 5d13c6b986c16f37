// CLOCK: Second Chance with the pages on a circular list and a hand instead of a moving queue. On a
// fault the hand examines the page it points at: referenced (R = 1) means clear R and advance;
// R = 0 means evict it. The new page takes the victim's place, just behind the hand, so it gets a
// full turn before it is examined. Each page's R bit is set by the hardware on every access, so
// nothing is done per reference: the cost is paid only at faults, which is why CLOCK (and its
// descendants, down to Linux's lists) approximates LRU in real kernels.
// Source: F. J. Corbató, "A paging experiment with the Multics system", MIT Project MAC report
// MAC-M-384, 1968; Tanenbaum & Bos, Modern Operating Systems, 4th ed., §3.4.5.

import { ClockRing, EMPTY } from "./ring.js";
import type { PolicyOptions, ReplacementPolicy } from "./types.js";

export function clock(_o: PolicyOptions): ReplacementPolicy {
  const ring = new ClockRing();
  return {
    name: "clock",
    get size() {
      return ring.size;
    },
    insert(key) {
      ring.place(key);
    },
    remove(key) {
      ring.remove(key);
    },
    victim(host) {
      if (ring.size === 0) return null;
      // One turn clears every R bit, so the second turn evicts; past two turns (a host that sets
      // bits during the scan) the page under the hand goes regardless.
      const limit = 2 * ring.keys.length;
      for (let looked = 0; ; looked++) {
        const key = ring.keys[ring.hand]!;
        if (key !== EMPTY && (looked > limit || !host.referenced(key))) return ring.evictAtHand();
        ring.advance();
      }
    },
  };
}
