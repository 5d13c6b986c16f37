// Running a policy over a small reference string in the simulator (which plays the MMU: R set on
// every reference and on the fault, M on writes) and a scripted host for driving a policy by hand.

import type { PolicyHost } from "../../../kernel/mm/policy/types.js";
import { refString } from "../../../src/sim/refs.js";
import { simulate, type SimOptions } from "../../../src/sim/simulate.js";

export interface Run {
  faults: number;
  /** The evicted pages, in order. */
  victims: number[];
  writebacks: number;
}

/**
 * `policy` over `refs` with `frames` frames. A reference is a page number, or "Nw" for a write to
 * page N. `tickEvery` defaults to "never" so that hand-worked examples need not count ticks.
 */
export function run(policy: string, refs: readonly (number | string)[], frames: number, o: Partial<SimOptions> = {}): Run {
  const pages = refs.map((r) => (typeof r === "number" ? r : parseInt(r, 10)));
  const writes = refs.map((r) => typeof r === "string" && r.endsWith("w"));
  const victims: number[] = [];
  const s = simulate(refString(pages, writes), { tickEvery: Number.MAX_SAFE_INTEGER, ...o, policy, frames }, (r) => {
    if (r.evicted !== null) victims.push(r.evicted);
  });
  return { faults: s.faults, victims, writebacks: s.writebacks };
}

/** Faults only. */
export const faults = (policy: string, refs: readonly (number | string)[], frames: number, o: Partial<SimOptions> = {}): number =>
  run(policy, refs, frames, o).faults;

/** A host whose bits the test sets by hand; referenced() clears, as the hardware's test-and-clear. */
export class ScriptedHost implements PolicyHost {
  readonly R = new Set<number>();
  readonly D = new Set<number>();
  readonly F = new Set<number>();
  time = 0;
  readonly written: number[] = [];

  referenced(key: number): boolean {
    return this.R.delete(key);
  }
  dirty(key: number): boolean {
    return this.D.has(key);
  }
  file(key: number): boolean {
    return this.F.has(key);
  }
  now(): number {
    return this.time;
  }
  writeback(key: number): void {
    this.written.push(key);
    this.D.delete(key);
  }
}
