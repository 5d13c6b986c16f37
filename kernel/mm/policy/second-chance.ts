// Second Chance: FIFO that looks at the referenced bit before evicting. The oldest page is taken
// from the front of the queue; if its R bit is set, the bit is cleared and the page goes to the back
// of the queue as if it had just arrived (its second chance), and the next oldest is examined. A
// page that was used since it last came to the front survives; when every page is referenced the
// scan goes round once and falls back to pure FIFO. CLOCK (clock.ts) makes the same choices without
// moving pages between list ends.
// Source: Tanenbaum & Bos, Modern Operating Systems, 4th ed., §3.4.4; the idea is from Multics
// (F. J. Corbató, "A paging experiment with the Multics system", 1968).

import { KeyList } from "./keylist.js";
import type { PolicyOptions, ReplacementPolicy } from "./types.js";

export function secondChance(_o: PolicyOptions): ReplacementPolicy {
  const queue = new KeyList(); // head = back of the queue (newest), tail = front (oldest)
  return {
    name: "second-chance",
    get size() {
      return queue.size;
    },
    insert(key) {
      queue.pushHead(key);
    },
    remove(key) {
      queue.remove(key);
    },
    victim(host) {
      // At most one full pass clears every bit; the guard keeps a host that sets bits during the
      // scan from looping forever.
      for (let looked = 0; queue.size > 0; looked++) {
        const key = queue.tail()!;
        if (looked >= 2 * queue.size || !host.referenced(key)) {
          queue.remove(key);
          return key;
        }
        queue.moveToHead(key);
      }
      return null;
    },
  };
}
