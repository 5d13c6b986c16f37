// FIFO: evict the page that has been resident longest, whatever its use. Cheap (a queue, no
// reference information at all) and the textbook example of what goes wrong without it: a page in
// constant use is thrown out as readily as one touched once, and FIFO suffers Belady's anomaly, more
// faults with more frames on some reference strings (1,2,3,4,1,2,5,1,2,3,4,5: 9 faults with 3
// frames, 10 with 4).
// Source: L. A. Belady, R. A. Nelson, G. S. Shedler, "An anomaly in space-time characteristics of
// certain programs running in a paging machine", CACM 12(6), 1969; Silberschatz, Operating System
// Concepts, 10th ed., §10.4.2.

import { KeyList } from "./keylist.js";
import type { PolicyOptions, ReplacementPolicy } from "./types.js";

export function fifo(_o: PolicyOptions): ReplacementPolicy {
  const queue = new KeyList(); // head = newest, tail = first in
  return {
    name: "fifo",
    get size() {
      return queue.size;
    },
    insert(key) {
      queue.pushHead(key);
    },
    remove(key) {
      queue.remove(key);
    },
    victim() {
      return queue.popTail() ?? null;
    },
  };
}
