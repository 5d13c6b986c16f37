// Enhanced CLOCK (NRU classes on a clock): pages fall into four classes by their referenced (R) and
// modified (M) bits, and the victim comes from the lowest non-empty class:
//   class 0: R = 0, M = 0  not recently used, clean        (best victim: free to drop)
//   class 1: R = 0, M = 1  not recently used, dirty        (needs a write first)
//   class 2: R = 1, M = 0  recently used, clean
//   class 3: R = 1, M = 1  recently used, dirty
// The scan: (a) from the hand, one turn looking for class 0, changing nothing; (b) failing that, one
// turn looking for class 1, clearing R of every page passed over; (c) failing that, every R is now
// 0, so repeat (a) and, if needed, (b), which must succeed. Class 1 above class 2 looks odd but is
// right: R says "used since the hand last cleared it", M only "costs a write". (Tanenbaum's NRU
// clears R on every clock interrupt instead and picks at random within the class; on a clock the
// sweep does the clearing, and the first page of the class from the hand is the choice.)
// Reading the hardware bit clears it, so the policy keeps it in a soft bit per slot: step (a) must
// look without clearing.
// Source: Tanenbaum & Bos, Modern Operating Systems, 4th ed., §3.4.2 (NRU); Silberschatz, Operating
// System Concepts, 10th ed., §10.4.5.3; Stallings, Operating Systems, 9th ed., §8.2 (the scan).

import { ClockRing, EMPTY } from "./ring.js";
import type { PolicyHost, PolicyOptions, ReplacementPolicy } from "./types.js";

export function enhancedClock(_o: PolicyOptions): ReplacementPolicy {
  const ring = new ClockRing();
  const softRef: boolean[] = []; // slot -> R as last read from the host, until the policy clears it

  /** The page's R bit (the hardware's folded into the soft bit), without clearing it. */
  const referenced = (s: number, key: number, host: PolicyHost): boolean =>
    (softRef[s] = softRef[s]! || host.referenced(key));

  /** One turn from the hand for a page with R = 0 and M = `dirty`; clears R on the way if asked. */
  function sweep(host: PolicyHost, dirty: boolean, clearR: boolean): number | null {
    for (let n = ring.keys.length; n > 0; n--) {
      const s = ring.hand;
      const key = ring.keys[s]!;
      if (key !== EMPTY) {
        if (!referenced(s, key, host) && host.dirty(key) === dirty) return ring.evictAtHand();
        if (clearR) softRef[s] = false;
      }
      ring.advance();
    }
    return null;
  }

  return {
    name: "enhanced-clock",
    get size() {
      return ring.size;
    },
    insert(key) {
      softRef[ring.place(key)] = false; // the host's R bit from the fault is read at the next scan
    },
    remove(key) {
      ring.remove(key);
    },
    victim(host) {
      if (ring.size === 0) return null;
      const found = sweep(host, false, false) ?? sweep(host, true, true) ?? sweep(host, false, false) ?? sweep(host, true, true);
      if (found !== null) return found;
      ring.seekPage(); // only if the host set R bits during the scan
      return ring.evictAtHand();
    },
  };
}
