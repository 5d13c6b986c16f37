// Second Chance, CLOCK, Enhanced CLOCK, WSClock and CLOCK-Pro, worked by hand. In the simulator a
// page's R bit is set by every reference, including the one that faulted it in ("7*" below: R = 1);
// "^" marks the hand.

import { describe, expect, it } from "vitest";
import { clockPro } from "../../../kernel/mm/policy/clock-pro.js";
import { enhancedClock } from "../../../kernel/mm/policy/enhanced-clock.js";
import { wsclock } from "../../../kernel/mm/policy/wsclock.js";
import type { PolicyHost } from "../../../kernel/mm/policy/types.js";
import { generate } from "../../../src/sim/patterns.js";
import { simulate } from "../../../src/sim/simulate.js";
import { run, ScriptedHost } from "./helpers.js";

const SILBERSCHATZ = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];

describe("clock and second-chance", () => {
  it("give a referenced page another turn: 14 faults on Silberschatz's string with 3 frames", () => {
    // ^7* 0* 1* | 2: clear 7 0 1, evict 7: 2* ^0 1 | (0) 2* ^0* 1 | 3: clear 0, evict 1: ^2* 0 3* |
    // (0) ^2* 0* 3* | 4: clear 2 0 3, evict 2: 4* ^0 3 | 2: evict 0: 4* 2* ^3 | (3) 4* 2* ^3* |
    // 0: clear 3 4 2, evict 3: ^4 2 0* | 3: evict 4: 3* ^2 0* | (2) 3* ^2* 0* |
    // 1: clear 2 0 3, evict 2: 3 1* ^0 | 2: evict 0: ^3 1* 2* | 0: evict 3: 0* ^1* 2* | (1) |
    // 7: clear 1 2 0, evict 1: 0 7* ^2 | (0) | 1: evict 2: ^0* 7* 1*
    const victims = [7, 1, 2, 0, 3, 4, 2, 0, 3, 1, 2];
    expect(run("clock", SILBERSCHATZ, 3)).toEqual({ faults: 14, victims, writebacks: 0 });
    expect(run("second-chance", SILBERSCHATZ, 3)).toEqual({ faults: 14, victims, writebacks: 0 });
  });

  it("fall back to FIFO when every page is referenced, anomaly included (9 faults with 3 frames, 10 with 4)", () => {
    const belady = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
    expect(run("clock", belady, 3).faults).toBe(9);
    expect(run("clock", belady, 4).faults).toBe(10);
  });
});

describe("enhanced-clock", () => {
  it("prefers a clean page to a dirty one of the same age", () => {
    // ^1w* 2* 3* | 4: (a) no class 0; (b) no class 1, clearing 1 2 3; (a) 1 is dirty, 2 is class 0:
    // evict 2: 1w 4* ^3 | 5: (a) 3 is class 0: evict 3: ^1w 4* 5* | 6: (a) 4 and 5 referenced;
    // (b) 1 is class 1: evict 1 (a write-back): 6* ^4 5
    expect(run("enhanced-clock", ["1w", 2, 3, 4, 5, 6], 3)).toEqual({ faults: 6, victims: [2, 3, 1], writebacks: 1 });
    // CLOCK takes them in order of arrival.
    expect(run("clock", ["1w", 2, 3, 4, 5, 6], 3).victims).toEqual([1, 2, 3]);
  });

  it("takes the lowest class first: (0,0), then (0,1) clearing R on the way, then what is left", () => {
    const host = new ScriptedHost();
    const p = enhancedClock({ frames: 4, seed: 0 });
    for (const k of [1, 2, 3, 4]) p.insert(k, host);
    host.R.add(1).add(2);
    host.D.add(1).add(3);
    // classes: 1 (R,M) = 3, 2 (R) = 2, 3 (M) = 1, 4 () = 0
    expect(p.victim(host)).toBe(4);
    p.insert(5, host); // class 0, in 4's slot behind the hand
    expect(p.victim(host)).toBe(5); // (a) finds it after 1 2 3
    expect(p.victim(host)).toBe(3); // (a) fails; (b) clears 1 and 2, takes 3 (class 1)
    expect(p.victim(host)).toBe(2); // R of 1 and 2 now 0: (a) finds 2 (class 0)
    expect(p.victim(host)).toBe(1);
    expect(p.victim(host)).toBeNull();
  });
});

describe("wsclock", () => {
  it("evicts a page outside the working set (unused for more than tau), else the oldest clean page", () => {
    // tau = 2, a tick before every reference (time of last use = time of the tick that saw R).
    // t0 1, t1 2, t2 3 fill frames ^1 2 3 (last use 1, 2, 3 after the ticks); t3 1 hits;
    // t4 4: ages 1:0 2:2 3:1, none > 2, nothing to write: the oldest clean page, 2: 1 4 ^3;
    // t5 1 hits; t6 5: 3 is R = 0, age 3 > 2: evict 3.
    expect(run("wsclock", [1, 2, 3, 1, 4, 1, 5], 3, { tau: 2, tickEvery: 1 })).toEqual({ faults: 5, victims: [2, 3], writebacks: 0 });
  });

  it("schedules the write of an old dirty page and takes the next old clean one", () => {
    // tau = 0: every page not referenced since the last tick is old. t3 4: 1 is old and dirty:
    // write it (it stays, now clean); 2 is old and clean: evict. t4 5: evict 3. t5 6: evict 1, clean.
    expect(run("wsclock", ["1w", 2, 3, 4, 5, 6], 3, { tau: 0, tickEvery: 1 })).toEqual({ faults: 6, victims: [2, 3, 1], writebacks: 1 });
  });

  it("with writes scheduled, goes round again for the cleaned page; without host.writeback, takes a dirty one", () => {
    const host = new ScriptedHost();
    const p = wsclock({ frames: 2, seed: 0, tau: 10 });
    p.insert(1, host);
    p.insert(2, host);
    host.D.add(1).add(2);
    host.time = 100;
    expect(p.victim(host)).toBe(1); // turn 1 writes 1 and 2; turn 2 finds 1 clean and old
    expect(host.written).toEqual([1, 2]);
    expect(p.victim(host)).toBe(2);

    const noWrites: PolicyHost = { referenced: () => false, dirty: () => true, file: () => false, now: () => 100 };
    const q = wsclock({ frames: 2, seed: 0, tau: 10 });
    q.insert(1, { ...noWrites, now: () => 0 });
    q.insert(2, { ...noWrites, now: () => 0 });
    expect(q.victim(noWrites)).toBe(1); // no clean page anywhere: the one under the hand
  });
});

describe("clock-pro", () => {
  it("works a small loop by hand: 11 faults for 1..4 three times with 3 frames", () => {
    // Clock from HAND_hot; c = cold in its test period, C = cold, h = hot, (n) = non-resident in test.
    // A fault does not set R here (insert clears it). m = 3, cold target m_c starts at 1.
    // 1 2 3: 1c 2c 3c | 4: HAND_cold evicts 1, kept as (1): (1) 2c 3c 4c |
    // 1: evicts 2 -> (2); 1 refaults in its test: hot, m_c = 2: (2) 3c 4c 1h |
    // 2: evicts 3 -> (3); 2 refaults: hot; 2 hot > m - m_c = 1, so HAND_hot runs: ends (3)'s test
    //    (removed, m_c = 1), ends 4's, demotes 1: 2h 4C 1C |
    // 3: evicts 4 (no test: forgotten): 2h 1C 3c | 4: evicts 1: 2h 3c 4c |
    // 1: evicts 3 -> (3): 2h (3) 4c 1c | 2: hit | 3: evicts 4 -> (4); 3 refaults: hot, m_c = 2;
    //    HAND_hot spares 2 (R = 1), removes (4), ends 1's test, demotes 3 | 4: evicts 1
    expect(run("clock-pro", [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], 3)).toEqual({ faults: 11, victims: [1, 2, 3, 4, 1, 3, 4, 1], writebacks: 0 });
  });

  it("brings a page that refaults within its test period back hot, and evicts cold pages before it", () => {
    const host = new ScriptedHost();
    const p = clockPro({ frames: 2, seed: 0 });
    p.insert(1, host);
    p.insert(2, host);
    expect(p.victim(host)).toBe(1); // kept as a non-resident test entry
    p.insert(1, host); // refault in the test period: hot
    expect(p.victim(host)).toBe(2);
    p.insert(3, host);
    expect(p.victim(host)).toBe(3); // FIFO or LRU would take 1 here
    expect(p.size).toBe(1);
  });

  it("recognises a refault by host.identity() when the key (a frame) has changed", () => {
    const names = new Map([[10, 500], [11, 501]]);
    const host = Object.assign(new ScriptedHost(), { identity: (k: number) => names.get(k)! });
    const p = clockPro({ frames: 2, seed: 0 });
    p.insert(10, host);
    p.insert(11, host);
    expect(p.victim(host)).toBe(10); // page 500 leaves frame 10
    names.set(12, 500);
    p.insert(12, host); // page 500 comes back in frame 12: hot
    expect(p.victim(host)).toBe(11);
  });

  it("keeps most of a loop a little larger than memory, where LRU and CLOCK fault every time", () => {
    const loop = generate({ pattern: "loop", pages: 12, length: 1200, seed: 0 });
    expect(simulate(loop, { policy: "lru", frames: 10 }).faults).toBe(1200);
    expect(simulate(loop, { policy: "clock", frames: 10 }).faults).toBe(1200);
    expect(simulate(loop, { policy: "clock-pro", frames: 10 }).hitRate).toBeGreaterThan(0.6);
  });

  it("resists a scan: the hot set survives pages used once", () => {
    const scan = generate({ pattern: "scan", pages: 200, length: 20_000, seed: 3 });
    const lru = simulate(scan, { policy: "lru", frames: 60 }).hitRate;
    expect(simulate(scan, { policy: "clock-pro", frames: 60 }).hitRate).toBeGreaterThan(lru + 0.15);
  });
});
