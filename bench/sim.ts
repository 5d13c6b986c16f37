// `vmos sim` throughput: references per second through each replacement policy on a 1M-reference
// Zipf string (10,000 pages, exponent 1, 1,000 frames: a hit rate of 60-80 %, so both the hit path
// and the victim search count), and 10 million references through CLOCK against the target.
// The peer for the ratio is CLOCK in the same run: the cheapest policy that uses R bits.
// Target (issue 6): 10 million references through CLOCK in under 2 seconds (>= 5M references/s).

import { policyNames } from "../kernel/mm/policy/index.js";
import { generate } from "../src/sim/patterns.js";
import { simulate } from "../src/sim/simulate.js";
import { report, timeBest, type BenchResult } from "./report.js";

const FRAMES = 1000;

export function benchSim(): BenchResult[] {
  const refs = generate({ pattern: "zipf", pages: 10_000, length: 1_000_000, seed: 1, exponent: 1 });
  const perSecond = (policy: string, runs: number): number =>
    refs.pages.length / timeBest(runs, () => simulate(refs, { policy, frames: FRAMES }));
  const clock = perSecond("clock", 3);
  const linux = perSecond("linux", 3);
  const results: BenchResult[] = [
    { name: "sim clock (1M zipf refs)", value: clock, unit: "refs/s", target: ">= 5000000 refs/s" },
    { name: "sim linux (1M zipf refs)", value: linux, unit: "refs/s" },
    { name: "linux time / clock time", value: clock / linux, unit: "x" },
  ];
  for (const policy of policyNames) {
    if (policy === "clock" || policy === "linux") continue;
    results.push({ name: `sim ${policy}`, value: perSecond(policy, 1), unit: "refs/s" });
  }
  const big = generate({ pattern: "zipf", pages: 10_000, length: 10_000_000, seed: 2, exponent: 1 });
  const seconds = timeBest(1, () => simulate(big, { policy: "clock", frames: FRAMES }));
  results.push({ name: "sim clock, 10M zipf refs", value: seconds, unit: "s", target: "< 2 s" });
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) report("vmos sim", benchSim());
