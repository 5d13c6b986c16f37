// Properties of every policy on random reference strings (fast-check), in the simulator and driven
// as the kernel will drive them (evictions without a fault, pages removed for reasons of their own).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POLICIES, policyNames } from "../../../kernel/mm/policy/index.js";
import { refString } from "../../../src/sim/refs.js";
import { simulate } from "../../../src/sim/simulate.js";
import { run, ScriptedHost } from "./helpers.js";

const refs = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 80 });
const frames = fc.integer({ min: 1, max: 9 });
const distinct = (r: number[]): number => new Set(r).size;

describe("stack algorithms", () => {
  for (const policy of ["lru", "opt"]) {
    it(`${policy} never faults more with more frames (no Belady's anomaly)`, () => {
      fc.assert(fc.property(refs, frames, (r, n) => run(policy, r, n + 1).faults <= run(policy, r, n).faults));
    });
  }
});

describe("every policy", () => {
  it("faults at least as often as OPT and at least once per distinct page, and only that with room for all", () => {
    fc.assert(
      fc.property(refs, frames, fc.nat(), (r, n, seed) => {
        const best = run("opt", r, n).faults;
        for (const policy of policyNames) {
          const f = run(policy, r, n, { seed, tickEvery: 1 + (seed % 4) }).faults;
          if (f < best || f < distinct(r)) return false;
          if (n >= distinct(r) && f !== distinct(r)) return false;
        }
        return true;
      }),
    );
  });

  it("counts a write-back for every dirty page it evicts, and none on a string without writes", () => {
    const withWrites = fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.boolean()), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(withWrites, frames, (r, n) => {
        const pages = r.map(([p]) => p);
        for (const policy of policyNames) {
          const dirty = simulate(refString(pages, r.map(([, w]) => w)), { policy, frames: n });
          const clean = simulate(refString(pages), { policy, frames: n });
          if (clean.writebacks !== 0 || dirty.writebacks > dirty.faults) return false;
          if (!r.some(([, w]) => w) && dirty.writebacks !== 0) return false;
        }
        return true;
      }),
    );
  });
});

describe("clock and second-chance", () => {
  it("make the same choices (CLOCK is Second Chance without moving pages)", () => {
    fc.assert(fc.property(refs, frames, (r, n) => run("clock", r, n).victims.join() === run("second-chance", r, n).victims.join()));
  });
});

type Op =
  | { kind: "insert" }
  | { kind: "remove"; pick: number }
  | { kind: "victim" }
  | { kind: "touch"; pick: number; write: boolean }
  | { kind: "tick" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ kind: "insert" as const }), weight: 4 },
  { arbitrary: fc.nat().map((pick) => ({ kind: "remove" as const, pick })), weight: 1 },
  { arbitrary: fc.constant({ kind: "victim" as const }), weight: 3 },
  { arbitrary: fc.tuple(fc.nat(), fc.boolean()).map(([pick, write]) => ({ kind: "touch" as const, pick, write })), weight: 4 },
  { arbitrary: fc.constant({ kind: "tick" as const }), weight: 1 },
);

describe("driven as the kernel drives them", () => {
  for (const name of policyNames) {
    it(`${name} keeps its count and only ever names a resident page`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 1, max: 8 }), (ops, n) => {
          const host = Object.assign(new ScriptedHost(), { position: () => host.time });
          const policy = POLICIES[name]!({ frames: n, seed: 1, tau: 3, future: [] });
          const resident: number[] = [];
          let nextKey = 100;
          for (const o of ops) {
            host.time++;
            if (o.kind === "insert") {
              const key = nextKey++;
              resident.push(key);
              host.R.add(key);
              policy.insert(key, host);
            } else if (o.kind === "remove" && resident.length > 0) {
              policy.remove(resident.splice(o.pick % resident.length, 1)[0]!);
            } else if (o.kind === "victim") {
              const v = policy.victim(host);
              if (v === null) {
                if (resident.length !== 0) return false;
              } else {
                const i = resident.indexOf(v);
                if (i < 0) return false;
                resident.splice(i, 1);
                host.D.delete(v);
              }
            } else if (o.kind === "touch" && resident.length > 0) {
              const key = resident[o.pick % resident.length]!;
              host.R.add(key);
              if (o.write) host.D.add(key);
              policy.access?.(key, host);
            } else if (o.kind === "tick") policy.tick?.(host);
            if (policy.size !== resident.length) return false;
          }
          return true;
        }),
      );
    });
  }
});

describe("the registry", () => {
  it("names every policy the issue lists, each constructing one that reports its name", () => {
    expect([...policyNames].sort()).toEqual(
      ["aging", "clock", "clock-pro", "enhanced-clock", "fifo", "lfu", "linux", "lru", "mfu", "opt", "random", "second-chance", "wsclock"],
    );
    for (const name of policyNames) expect(POLICIES[name]!({ frames: 4, seed: 0, future: [] }).name).toBe(name);
  });
});
