// CLOCK-Pro: CLOCK with LIRS's idea of judging a page by its reuse distance (the time between two
// uses) rather than by the time since its last use, so that a one-time scan or a loop a little
// larger than memory does not wash out the pages that are really reused. Pages are hot (short reuse
// distance, kept) or cold (long, the only eviction candidates). A cold page gets a test period when
// it arrives; used again within it, it has shown a short reuse distance and becomes hot. Evicted
// cold pages still in their test period stay on the clock as non-resident entries (their names
// only), so a refault within the test period is recognised and the page comes back hot.
// All entries share one clock, ordered by recency; new and re-used entries go to its head, just
// behind HAND_hot. Three hands sweep it:
//   - HAND_cold (on a fault) looks for a resident cold page with R = 0 and evicts it, keeping it as
//     non-resident if it is in its test period. A cold page with R = 1 in its test period becomes
//     hot; with R = 1 outside it, it starts a new test period; both move to the head.
//   - HAND_hot (when hot pages exceed their share) turns the first hot page with R = 0 cold, clearing
//     R of the referenced ones it passes, and ends the test periods of the cold pages it passes.
//   - HAND_test (when non-resident entries exceed memory size m) ends test periods, removing the
//     non-resident entries: the history is bounded to about 2m entries.
// The memory for cold pages, m_c, adapts: +1 when a page is used within its test period (including a
// refault of a non-resident page), -1 when a test period ends unused; hot pages get m - m_c. There
// are no parameters to tune. The page's fault does not count as a use: insert() clears its R bit.
// In the kernel, whose keys are frame numbers, non-resident pages are remembered by
// host.identity(key), as Linux's shadow entries (mm/workingset.c) remember evicted pages.
// Source: S. Jiang, F. Chen, X. Zhang, "CLOCK-Pro: an effective improvement of the CLOCK
// replacement", USENIX ATC 2005; P. Zijlstra's description at linux-mm.org/PeterZClockPro2.

import type { PolicyHost, PolicyOptions, ReplacementPolicy } from "./types.js";

const NOT_RESIDENT = -1;

interface Entry {
  /** The resident page's key, or NOT_RESIDENT. */
  key: number;
  /** host.identity(key) when it became resident: how a refault is recognised. */
  name: number;
  hot: boolean;
  /** A cold page in its test period (non-resident entries always are). */
  test: boolean;
  prev: Entry;
  next: Entry;
}

export function clockPro(o: PolicyOptions): ReplacementPolicy {
  const m = Math.max(1, o.frames);
  const minCold = 1;
  const maxCold = Math.max(1, m - 1);
  let coldTarget = minCold; // m_c
  let hot = 0; // resident hot pages
  let cold = 0; // resident cold pages
  const resident = new Map<number, Entry>(); // key -> entry
  const nonResident = new Map<number, Entry>(); // name -> entry
  let handHot: Entry | null = null;
  let handCold: Entry | null = null;
  let handTest: Entry | null = null;

  /** Put `e` at the list head: just behind HAND_hot, the last place any hand will look. */
  function linkAtHead(e: Entry): void {
    if (handHot === null) {
      e.prev = e.next = e;
      handHot = handCold = handTest = e;
      return;
    }
    e.next = handHot;
    e.prev = handHot.prev;
    e.prev.next = e;
    handHot.prev = e;
  }

  /** Take `e` off the clock; a hand on it moves on to the next entry. */
  function unlink(e: Entry): void {
    if (e.next === e) {
      handHot = handCold = handTest = null;
      return;
    }
    if (handHot === e) handHot = e.next;
    if (handCold === e) handCold = e.next;
    if (handTest === e) handTest = e.next;
    e.prev.next = e.next;
    e.next.prev = e.prev;
  }

  function moveToHead(e: Entry): void {
    unlink(e);
    linkAtHead(e);
  }

  /** A test period ends unused: shrink the cold share, and forget a non-resident page. */
  function endTest(e: Entry): void {
    e.test = false;
    coldTarget = Math.max(minCold, coldTarget - 1);
    if (e.key === NOT_RESIDENT) {
      nonResident.delete(e.name);
      unlink(e);
    }
  }

  /** A page was used within its test period: it is hot now, and cold pages get more room. */
  function promote(e: Entry, host: PolicyHost): void {
    e.hot = true;
    e.test = false;
    hot++;
    coldTarget = Math.min(maxCold, coldTarget + 1);
    moveToHead(e);
    while (hot > m - coldTarget) runHandHot(host);
  }

  /** HAND_hot: turn one hot page cold, ending the test periods it passes. */
  function runHandHot(host: PolicyHost): void {
    if (hot === 0) return;
    for (;;) {
      const e = handHot!;
      if (e.hot) {
        if (!host.referenced(e.key)) {
          e.hot = false;
          hot--;
          cold++;
          handHot = e.next;
          return;
        }
      } else if (e.test) {
        endTest(e);
        if (e.key === NOT_RESIDENT) continue; // unlink already moved the hand
      }
      handHot = e.next;
    }
  }

  /** HAND_test: end one test period (removing its entry if it is non-resident). */
  function runHandTest(): void {
    for (;;) {
      const e = handTest!;
      if (!e.hot && e.test) {
        const gone = e.key === NOT_RESIDENT;
        endTest(e);
        if (!gone) handTest = e.next;
        return;
      }
      handTest = e.next;
    }
  }

  /** HAND_cold: find a resident cold page with R = 0, evict it and return its key. */
  function runHandCold(host: PolicyHost): number | null {
    // Give up on R bits after this many steps (only a host that sets them during the scan gets there).
    let patience = 4 * (resident.size + nonResident.size) + 8;
    for (;;) {
      if (cold === 0) runHandHot(host);
      if (cold === 0) return null;
      const e = handCold!;
      if (e.key === NOT_RESIDENT || e.hot) {
        handCold = e.next;
        continue;
      }
      if (--patience > 0 && host.referenced(e.key)) {
        if (e.test) {
          cold--;
          promote(e, host);
        } else {
          e.test = true;
          moveToHead(e);
        }
        continue;
      }
      handCold = e.next;
      cold--;
      resident.delete(e.key);
      const key = e.key;
      if (e.test) {
        e.key = NOT_RESIDENT;
        nonResident.set(e.name, e);
        while (nonResident.size > m) runHandTest();
      } else unlink(e);
      return key;
    }
  }

  return {
    name: "clock-pro",
    get size() {
      return resident.size;
    },
    insert(key, host) {
      if (resident.has(key)) throw new Error(`clock-pro: key ${key} is already resident`);
      host.referenced(key); // the faulting access is not a re-use
      const name = host.identity?.(key) ?? key;
      const ghost = nonResident.get(name);
      if (ghost !== undefined) {
        // A refault within the test period: a short reuse distance after all.
        nonResident.delete(name);
        ghost.key = key;
        resident.set(key, ghost);
        promote(ghost, host);
        return;
      }
      const e = { key, name, hot: false, test: true } as Entry;
      linkAtHead(e);
      resident.set(key, e);
      cold++;
    },
    remove(key) {
      const e = resident.get(key);
      if (e === undefined) return;
      resident.delete(key);
      if (e.hot) hot--;
      else cold--;
      unlink(e);
    },
    victim: runHandCold,
  };
}
