// FIFO, LRU and OPT on the textbooks' reference strings, worked by hand in the comments: the frames
// after each fault (oldest arrival first for FIFO, least recently used first for LRU), "-N" for the
// page evicted.

import { describe, expect, it } from "vitest";
import { lru } from "../../../kernel/mm/policy/lru.js";
import { opt } from "../../../kernel/mm/policy/opt.js";
import { run, faults, ScriptedHost } from "./helpers.js";

/** Silberschatz, Operating System Concepts, 10th ed., §10.4: the string of its FIFO, OPT and LRU figures. */
const SILBERSCHATZ = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
/** Belady, Nelson and Shedler's string. */
const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];

describe("fifo", () => {
  it("evicts in order of arrival: 15 faults on Silberschatz's string with 3 frames", () => {
    // 7 | 7 0 | 7 0 1 | 0 1 2 -7 | (0 hit) 1 2 3 -0 | 2 3 0 -1 | 3 0 4 -2 | 0 4 2 -3 | 4 2 3 -0 |
    // 2 3 0 -4 | (3 2 hit) 3 0 1 -2 | 0 1 2 -3 | (0 1 hit) 1 2 7 -0 | 2 7 0 -1 | 7 0 1 -2
    expect(run("fifo", SILBERSCHATZ, 3)).toEqual({ faults: 15, victims: [7, 0, 1, 2, 3, 0, 4, 2, 3, 0, 1, 2], writebacks: 0 });
  });

  it("shows Belady's anomaly: 9 faults with 3 frames, 10 with 4", () => {
    // 3 frames: 1 | 1 2 | 1 2 3 | 2 3 4 -1 | 3 4 1 -2 | 4 1 2 -3 | 1 2 5 -4 | (1 2 hit) | 2 5 3 -1 |
    //           5 3 4 -2 | (5 hit): 9 faults
    expect(run("fifo", BELADY, 3)).toEqual({ faults: 9, victims: [1, 2, 3, 4, 1, 2], writebacks: 0 });
    // 4 frames: 1 2 3 4 | (1 2 hit) | 2 3 4 5 -1 | 3 4 5 1 -2 | 4 5 1 2 -3 | 5 1 2 3 -4 | 1 2 3 4 -5 |
    //           2 3 4 5 -1: 10 faults
    expect(run("fifo", BELADY, 4)).toEqual({ faults: 10, victims: [1, 2, 3, 4, 5, 1], writebacks: 0 });
  });
});

describe("lru", () => {
  it("evicts the least recently used page: 12 faults on Silberschatz's string with 3 frames", () => {
    // 7 | 7 0 | 7 0 1 | 0 1 2 -7 | (0) 1 2 0 | 2 0 3 -1 | (0) 2 3 0 | 3 0 4 -2 | 0 4 2 -3 | 4 2 3 -0 |
    // 2 3 0 -4 | (3 2) 0 3 2 | 3 2 1 -0 | (2) 3 1 2 | 1 2 0 -3 | (1) 2 0 1 | 0 1 7 -2 | (0 1)
    expect(run("lru", SILBERSCHATZ, 3)).toEqual({ faults: 12, victims: [7, 1, 2, 3, 0, 4, 0, 3, 2], writebacks: 0 });
  });

  it("has no anomaly on Belady's string: 10 faults with 3 frames, 8 with 4", () => {
    // 3 frames: 1 2 3 | 2 3 4 -1 | 3 4 1 -2 | 4 1 2 -3 | 1 2 5 -4 | (1 2) 5 1 2 | 1 2 3 -5 | 2 3 4 -1 |
    //           3 4 5 -2
    expect(run("lru", BELADY, 3)).toEqual({ faults: 10, victims: [1, 2, 3, 4, 5, 1, 2], writebacks: 0 });
    // 4 frames: 1 2 3 4 | (1 2) 3 4 1 2 | 4 1 2 5 -3 | (1 2) 4 5 1 2 | 5 1 2 3 -4 | 1 2 3 4 -5 |
    //           2 3 4 5 -1
    expect(run("lru", BELADY, 4)).toEqual({ faults: 8, victims: [3, 4, 5, 1], writebacks: 0 });
  });

  it("learns use only from access(): without it the order is arrival, as FIFO", () => {
    const host = new ScriptedHost();
    const p = lru({ frames: 3, seed: 0 });
    for (const k of [1, 2, 3]) p.insert(k, host);
    host.R.add(1); // an A bit is not a reference to exact LRU
    expect(p.victim(host)).toBe(1);
    p.insert(1, host);
    p.access!(2, host); // recency now (oldest first): 3 1 2
    expect(p.victim(host)).toBe(3);
  });
});

describe("opt", () => {
  it("evicts the page used furthest in the future: 9 faults on Silberschatz's string with 3 frames", () => {
    // next uses at each fault, the victim the furthest:
    // 2 (7:never 0:4 1:13) -7 | 3 (2:8 0:6 1:13) -1 | 4 (2:8 0:10 3:9) -0 | 0 (2:12 4:never 3:11) -4 |
    // 1 (2:14 0:15 3:never) -3 | 7 (2:never 0:18 1:19) -2
    expect(run("opt", SILBERSCHATZ, 3)).toEqual({ faults: 9, victims: [7, 1, 0, 4, 3, 2], writebacks: 0 });
    expect(faults("lru", SILBERSCHATZ, 3)).toBe(12);
    expect(faults("fifo", SILBERSCHATZ, 3)).toBe(15);
  });

  it("breaks ties between pages never used again by evicting the one resident longest", () => {
    // 3 frames: 1 2 3 | 4 (1:4 2:5 3:9) -3 | (1 2) | 5 (1:7 2:8 4:10) -4 | (1 2) |
    //           3 (1, 2 never; 5:11) -1 | 4 (2, 3 never; 5:11) -2 | (5): 7 faults
    expect(run("opt", BELADY, 3)).toEqual({ faults: 7, victims: [3, 4, 1, 2], writebacks: 0 });
    // 4 frames: 1 2 3 4 | (1 2) | 5 (1:7 2:8 3:9 4:10) -4 | (1 2 3) | 4 (1 2 3 never) -1 | (5): 6 faults
    expect(run("opt", BELADY, 4)).toEqual({ faults: 6, victims: [4, 1], writebacks: 0 });
  });

  it("reads the future by page name and position when the host's keys are frames (the kernel's replay)", () => {
    // The recorded string names pages 100..103; the kernel's keys are frames 0..2, and it reports
    // every reference (insert on a fault, access otherwise) at its position in the string.
    const future = [100, 101, 102, 100, 103, 102, 101];
    const names = new Map([[0, 100], [1, 101], [2, 102]]);
    let position = 0;
    const host = Object.assign(new ScriptedHost(), { identity: (k: number) => names.get(k)!, position: () => position });
    host.time = 123_456_789; // simulated cycles: not a position
    const p = opt({ frames: 3, seed: 0, future });
    for (const frame of [0, 1, 2]) {
      position = frame;
      p.insert(frame, host);
    }
    position = 3;
    p.access!(0, host); // 100 again
    position = 4; // the fault on 103: 100 is never used again, 102 at 5, 101 at 6
    expect(p.victim(host)).toBe(0);
    names.set(0, 103);
    p.insert(0, host);
    position = 5;
    p.access!(2, host); // 102 again, for the last time
    position = 6; // were a frame needed now: 101 is used at 6; 102 and 103 never, 102 resident longer
    expect(p.victim(host)).toBe(2);
  });

  it("refuses to start without the reference string", () => {
    expect(() => opt({ frames: 3, seed: 0 })).toThrow(/needs the reference string/);
  });
});
