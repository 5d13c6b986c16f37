// `vmos experiment thrash`: the thrashing curve, measured. For K = 1..N it boots one machine with
// RAM R and swap S, runs programs/thrash.s as init (K children, each making ROUNDS passes over W pages
// of its own), and records where the simulated time went (run.ts cpuTimes). Printed as a table and,
// with --svg, drawn as CPU utilisation against K: flat while K*W pages fit in RAM, collapsing once
// they do not, because then the CPU mostly waits for the swap disk (iowait). See docs/thrashing.md.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { run_init, start_kernel } from "../../kernel/main.js";
import type { Kernel } from "../../kernel/kernel.js";
import { Tracer } from "../../kernel/trace.js";
import { set_reclaim_policy } from "../../kernel/mm/vmscan_policy.js";
import { record_first_run } from "../../kernel/mm/refclock.js";
import { CYCLES_PER_SECOND } from "../hw/clock.js";
import { Machine } from "../hw/machine.js";
import { lineChart } from "../sim/svg.js";
import { assembleSources } from "./asm.js";
import { CliError } from "./errors.js";
import { writeOutput } from "./files.js";
import { cpuTimes, type CpuTimes } from "./run.js";
import { parseCount, parseSize } from "./size.js";
import { silentConsole } from "./host-console.js";

export interface ThrashOptions {
  mem: string;
  swap: string;
  pages: string;
  rounds: string;
  maxK: string;
  policy: string;
  svg?: string;
}

/** One machine's run in the experiment: K workers, how it ended, where the time went. */
export interface ThrashPoint extends CpuTimes {
  k: number;
  status: number;
}

/**
 * The program every point runs: programs/thrash.s of this checkout, found by walking up from this
 * file (src/cli when run through tsx, dist/src/cli when compiled).
 */
const THRASH_PROGRAM = findUp(import.meta.dirname, "programs/thrash.s");

function findUp(dir: string, rel: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, rel))) return join(d, rel);
    if (dirname(d) === d) return join(dir, "../..", rel); // not found: name the expected place in the error
  }
}

/**
 * Boot a fresh machine (`memBytes` RAM, `swapBytes` swap, `policy`) and run thrash.s with K workers
 * of `pages` pages and `rounds` passes each, its output discarded. Returns the run's time split.
 * Throws CliError for an unknown policy.
 */
export function thrashPoint(program: Uint8Array, k: number, pages: number, rounds: number,
  memBytes: number, swapBytes: number, policy: string): ThrashPoint {
  const argv = ["thrash.s", String(k), String(pages), String(rounds)];
  const boot = (dry: boolean): Kernel => {
    const machine = new Machine({ memBytes, tlbEntries: 64, checkTlb: false, root: ".", readOnlyRoot: dry, swapBytes: swapBytes || undefined });
    return start_kernel(machine, { quantum: 100_000, maxSteps: 0, check: false, seed: 0 }, new Tracer(), silentConsole());
  };
  // OPT replays the references of a first run (as `vmos run --policy opt`).
  const future = policy === "opt" ? record_first_run(() => boot(true), (kernel) => run_init(kernel, "thrash.s", program, argv, [])) : undefined;
  const kernel = boot(false);
  const machine = kernel.machine;
  const err = set_reclaim_policy(kernel, policy, future);
  if (err !== null) throw new CliError(`vmos: --policy ${policy}: ${err}`);
  const outcome = run_init(kernel, "thrash.s", program, argv, []);
  machine.swap?.close();
  return { k, status: outcome.status, ...cpuTimes(kernel) };
}

/** The experiment's table: one row per K. */
export function thrashTable(points: readonly ThrashPoint[], pages: number, frames: number): string {
  const ms = (c: number): string => ((c * 1000) / CYCLES_PER_SECOND).toFixed(2);
  const pct = (c: number, t: number): string => (t > 0 ? (100 * c) / t : 0).toFixed(1);
  const head = ["K", "K*W pages", "CPU util %", "user ms", "system ms", "iowait ms", "total ms", "major faults", "status"];
  const rows = points.map((p) => [
    String(p.k), `${p.k * pages}${p.k * pages > frames ? " >RAM" : ""}`, pct(p.user + p.system, p.total),
    ms(p.user), ms(p.system), ms(p.iowait), ms(p.total), String(p.majorFaults), String(p.status),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}

/** `vmos experiment thrash`: run the points, print the table, write the chart if asked. */
export function thrashCommand(o: ThrashOptions): void {
  const memBytes = parseSize(o.mem, "--mem");
  if (memBytes % 4096 !== 0 || memBytes < 256 << 10) throw new CliError(`vmos: --mem ${o.mem}: must be a multiple of 4 KiB, at least 256K`);
  const swapBytes = parseSize(o.swap, "--swap");
  if (swapBytes !== 0 && (swapBytes % 4096 !== 0 || swapBytes < 8192)) throw new CliError(`vmos: --swap ${o.swap}: must be 0 or a multiple of 4 KiB, at least 8K`);
  const pages = parseCount(o.pages, "--pages");
  const rounds = parseCount(o.rounds, "--rounds");
  const maxK = parseCount(o.maxK, "--max-k");
  if (maxK > 64) throw new CliError(`vmos: --max-k ${o.maxK}: at most 64 (thrash.s forks up to 64 workers)`);
  const program = assembleSources([THRASH_PROGRAM]);
  const frames = memBytes / 4096;
  process.stdout.write(`thrash: W = ${pages} pages per worker, ${rounds} passes; RAM ${frames} frames, swap ${swapBytes / 4096} pages, policy ${o.policy}\n`);
  const points: ThrashPoint[] = [];
  for (let k = 1; k <= maxK; k++) points.push(thrashPoint(program, k, pages, rounds, memBytes, swapBytes, o.policy));
  process.stdout.write(thrashTable(points, pages, frames));
  if (o.svg !== undefined) {
    writeOutput(o.svg, lineChart({
      title: `Thrashing: ${pages} pages per worker, RAM ${frames} frames, policy ${o.policy}`,
      xLabel: "degree of multiprogramming K (workers)",
      yLabel: "CPU utilisation",
      series: [{ name: "(user+system)/total", points: points.map((p) => [p.k, p.utilisation] as const) }],
      yMin: 0,
      yMax: 1,
      yFormat: (y) => `${Math.round(y * 100)}%`,
    }), "--svg");
  }
}
