// WSClock: the working-set policy run by a clock hand. A page is in its process's working set if it
// was used within the last tau time units (Denning's window); pages outside it are the ones to
// replace. Every resident page sits on one circular list with its R bit, its M (dirty) bit and the
// time of its last use, learnt from R: whenever R is found set (by the hand, or by tick() sampling)
// it is cleared and the time of last use becomes now. On a fault the hand examines page after page:
//   - R = 1: clear R, time of last use = now, advance;
//   - R = 0, age > tau, clean: evict this page;
//   - R = 0, age > tau, dirty: schedule a write-back (host.writeback, up to MAX_WRITES per fault)
//     and advance: the page will be clean, hence cheap to take, when the hand comes round again.
// If the hand comes all the way round: if a write was scheduled, keep going until a clean old page
// appears (in the simulator writes finish at once, so the second turn finds it); if none was, every
// page is in a working set, so take a clean page (Tanenbaum: "any"; here the one with the oldest
// time of last use, first from the hand on ties), or failing that the page under the hand, which the
// host writes out. Carr and Hennessy add load control on top (suspend a process rather
// than thrash); that is a scheduler decision, not this policy's.
// tau is in the host's time units (now()): references in the simulator, simulated cycles in the
// kernel. Without PolicyOptions.tau the window is `frames` time units, which suits the simulator
// (a window as long in references as memory is in pages) and not the kernel, which passes its own.
// Source: R. W. Carr and J. L. Hennessy, "WSCLOCK — a simple and effective algorithm for virtual
// memory management", SOSP 1981, pp. 87–95; Tanenbaum & Bos, Modern Operating Systems, 4th ed.,
// §3.4.9; P. J. Denning, "The working set model for program behavior", CACM 11(5), 1968.

import { ClockRing, EMPTY } from "./ring.js";
import type { PolicyHost, PolicyOptions, ReplacementPolicy } from "./types.js";

/** Write-backs one fault may schedule, so that a fault does not flood the disk. */
export const MAX_WRITES = 8;

export function wsclock(o: PolicyOptions): ReplacementPolicy {
  const tau = o.tau ?? o.frames;
  const ring = new ClockRing();
  const lastUse: number[] = []; // slot -> time of last use

  /** One turn from the hand; returns the evicted key, or null after a whole turn. */
  function turn(host: PolicyHost, now: number, writes: { scheduled: number }): number | null {
    for (let n = ring.keys.length; n > 0; n--) {
      const s = ring.hand;
      const key = ring.keys[s]!;
      if (key !== EMPTY) {
        if (host.referenced(key)) lastUse[s] = now;
        else if (now - lastUse[s]! > tau) {
          if (!host.dirty(key)) return ring.evictAtHand();
          if (host.writeback !== undefined && writes.scheduled < MAX_WRITES) {
            host.writeback(key);
            writes.scheduled++;
          }
        }
      }
      ring.advance();
    }
    return null;
  }

  return {
    name: "wsclock",
    get size() {
      return ring.size;
    },
    insert(key, host) {
      lastUse[ring.place(key)] = host.now();
    },
    remove(key) {
      ring.remove(key);
    },
    tick(host) {
      const now = host.now();
      ring.keys.forEach((key, s) => {
        if (key !== EMPTY && host.referenced(key)) lastUse[s] = now;
      });
    },
    victim(host) {
      if (ring.size === 0) return null;
      const now = host.now();
      const writes = { scheduled: 0 };
      const found = turn(host, now, writes) ?? (writes.scheduled > 0 ? turn(host, now, writes) : null);
      if (found !== null) return found;
      // Every page is in a working set (or its write is still under way): the oldest clean page.
      let oldest = -1;
      for (let n = ring.keys.length; n > 0; n--) {
        const key = ring.keys[ring.hand]!;
        if (key !== EMPTY && !host.dirty(key) && (oldest < 0 || lastUse[ring.hand]! < lastUse[oldest]!)) oldest = ring.hand;
        ring.advance();
      }
      if (oldest >= 0) ring.hand = oldest;
      else ring.seekPage();
      return ring.evictAtHand();
    },
  };
}
