// Aging, LFU, MFU and Random, worked by hand.

import { describe, expect, it } from "vitest";
import { aging } from "../../../kernel/mm/policy/aging.js";
import { lfu } from "../../../kernel/mm/policy/lfu.js";
import { mfu } from "../../../kernel/mm/policy/mfu.js";
import { below, splitmix32 } from "../../../kernel/mm/policy/prng.js";
import { random } from "../../../kernel/mm/policy/random.js";
import { run, ScriptedHost } from "./helpers.js";

describe("aging", () => {
  it("evicts the page with the smallest shift register", () => {
    // A tick before every reference shifts R in at the left (registers in binary, 8 bits).
    // t1: 1=10000000 | t2: 1=01000000 2=10000000 | t3: 1=00100000 2=01000000 3=10000000 |
    // t4 (1 was used): 1=10010000 2=00100000 3=01000000 | t5 (2 used): 1=01001000 2=10010000
    // 3=00100000 | 4 faults: evict 3 (smallest) | t6: 1=00100100 2=01001000 4=10000000 |
    // 5 faults: evict 1. (Exact LRU makes the same two choices here.)
    expect(run("aging", [1, 2, 3, 1, 2, 4, 5], 3, { tickEvery: 1 })).toEqual({ faults: 5, victims: [3, 1], writebacks: 0 });
    expect(run("lru", [1, 2, 3, 1, 2, 4, 5], 3).victims).toEqual([3, 1]);
  });

  it("cannot order uses within one tick: ties go to the page resident longest", () => {
    // tick every 3 references: 1 2 2 | tick: 1=10000000 2=10000000 | 1 (hit) 3 faults: a tie;
    // 1 arrived first and goes, though LRU would evict 2.
    expect(run("aging", [1, 2, 2, 1, 3], 2, { tickEvery: 3 }).victims).toEqual([1]);
    expect(run("lru", [1, 2, 2, 1, 3], 2).victims).toEqual([2]);
  });

  it("never evicts a page that arrived since the last tick before the others", () => {
    const host = new ScriptedHost();
    const p = aging({ frames: 3, seed: 0 });
    p.insert(1, host);
    host.R.add(1);
    p.tick!(host); // 1 = 10000000
    p.insert(2, host); // not yet sampled, but just used
    expect(p.victim(host)).toBe(1);
  });
});

describe("lfu and mfu", () => {
  it("lfu evicts the least used page, mfu the most used", () => {
    // counts when 4 faults: 1:3 2:2 3:1. LFU evicts 3; then 3 faults with 1:3 2:2 4:1: evicts 4;
    // 1 hits. MFU evicts 1 (3 uses); 3 hits (3:2); 1 faults with 2:2 3:2 4:1: a tie, 2 arrived first.
    const refs = [1, 1, 1, 2, 2, 3, 4, 3, 1];
    expect(run("lfu", refs, 3)).toEqual({ faults: 5, victims: [3, 4], writebacks: 0 });
    expect(run("mfu", refs, 3)).toEqual({ faults: 5, victims: [1, 2], writebacks: 0 });
  });

  it("count sampled R bits when access() never comes", () => {
    const host = new ScriptedHost();
    const least = lfu({ frames: 3, seed: 0 });
    const most = mfu({ frames: 3, seed: 0 });
    for (const p of [least, most]) {
      for (const k of [1, 2, 3]) p.insert(k, host); // counts 1 1 1
      host.R.add(1).add(2);
      p.tick!(host); // 2 2 1
      host.R.add(1);
      p.tick!(host); // 3 2 1
    }
    expect(least.victim(host)).toBe(3);
    expect(least.victim(host)).toBe(2);
    expect(most.victim(host)).toBe(1);
  });
});

describe("random", () => {
  it("draws its victim from SplitMix32 with the seed", () => {
    for (const seed of [0, 1, 42]) {
      const host = new ScriptedHost();
      const p = random({ frames: 3, seed });
      for (const k of [10, 20, 30]) p.insert(k, host);
      expect(p.victim(host)).toBe([10, 20, 30][below(splitmix32(seed), 3)]);
    }
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const refs = Array.from({ length: 200 }, (_, i) => (i * 7919) % 13);
    const a = run("random", refs, 5, { seed: 7 });
    expect(run("random", refs, 5, { seed: 7 })).toEqual(a);
    const others = [1, 2, 3].map((seed) => run("random", refs, 5, { seed }).victims.join());
    expect(others.some((v) => v !== a.victims.join())).toBe(true);
  });

  it("SplitMix32 gives the same numbers everywhere", () => {
    const next = splitmix32(0);
    expect([next(), next(), next()]).toEqual([SPLITMIX_0[0], SPLITMIX_0[1], SPLITMIX_0[2]]);
  });
});

/**
 * SplitMix32's first three outputs for seed 0: MurmurHash3's fmix32 of k * 0x9e3779b9 for k = 1, 2, 3
 * (a change here changes every random run and every generated reference string).
 */
const SPLITMIX_0 = [2462723854, 1020716019, 454327756];
