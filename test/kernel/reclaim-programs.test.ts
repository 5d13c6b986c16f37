// The reclaim demo programs (programs/sweep.s, randomaccess.s, mlock.s, forkpressure.s) on a machine
// far too small for them, under every replacement policy `vmos run --policy` accepts: nothing is lost
// under swapping (each prints exactly what it prints with plenty of RAM), every frame and swap slot is
// free again after exit, mlocked pages never go to swap, and when RAM and swap together are too small
// the OOM killer takes the child with the most badness while the others finish.
// The policy list is reclaim_policy_names(): a policy added there is tested here without a change.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assemble } from "../../src/asm/index.js";
import { fileIncludeResolver } from "../../src/cli/include.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { check_lru } from "../../kernel/mm/swap.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { reclaim_policy_names } from "../../kernel/mm/vmscan_policy.js";
import { runElf, type RunOptions, type RunResult } from "../helpers/kernel.js";

/** 512 KiB of RAM: 128 frames, about 80 of them left for programs above the watermarks. */
const SMALL = { mem: 512 << 10, swap: 4 << 20 };
/** Plenty of RAM: nothing is ever reclaimed. */
const PLENTY = { mem: 16 << 20 };

interface Program {
  name: string;
  args: string[];
  /** Pages the small machine must at least write to swap, so that the run proves something. */
  minSwapOut: number;
}

/** Sizes chosen for 2-5x the small machine's free frames and a fraction of a second per run. */
const PROGRAMS: Program[] = [
  { name: "sweep", args: ["256", "2"], minSwapOut: 400 },
  { name: "randomaccess", args: ["384", "1000"], minSwapOut: 800 },
  { name: "mlock", args: ["2", "128", "3"], minSwapOut: 200 },
  { name: "forkpressure", args: ["3", "96"], minSwapOut: 100 },
];

const LOCKED_PAGES = 16; // mlock.s's LOCKED

/** programs/NAME.s assembled once: its executable and the address of each of its symbols. */
const assembled = new Map<string, { elf: Uint8Array; symbols: Map<string, number> }>();
function program(name: string): { elf: Uint8Array; symbols: Map<string, number> } {
  let p = assembled.get(name);
  if (p === undefined) {
    const path = `programs/${name}.s`;
    const r = assemble([{ name: path, text: readFileSync(path, "utf8") }], { include: fileIncludeResolver() });
    if (!r.elf) throw new Error(`${path} does not assemble`);
    p = { elf: r.elf, symbols: new Map(r.image!.symbols.map((s) => [s.name, s.value])) };
    assembled.set(name, p);
  }
  return p;
}

/** Run programs/NAME.s as init ("./NAME ARGS...") without the per-fault invariant checker (too slow here). */
function run(name: string, args: string[], o: RunOptions): RunResult {
  return runElf(program(name).elf, `./${name}`, { env: [], check: false, maxSteps: 0, quantum: 100_000, args, ...o });
}

/** What each program prints with plenty of RAM, computed once. */
const baselines = new Map<string, { stdout: string; status: number }>();
function baseline(p: Program): { stdout: string; status: number } {
  let b = baselines.get(p.name);
  if (b === undefined) {
    const r = run(p.name, p.args, PLENTY);
    expect(r.kernel.vm_events.pswpout, `${p.name} with plenty of RAM`).toBe(0);
    b = { stdout: r.stdout, status: r.status };
    expect(b.status, `${p.name} with plenty of RAM:\n${b.stdout}`).toBe(0);
    baselines.set(p.name, b);
  }
  return b;
}

/** Everything a run held is free again: frames, swap slots; and the LRU lists are consistent. */
function expectAllFree(r: RunResult, what: string): void {
  expect(nr_free_pages(r.kernel.zone), `${what}: free frames after exit`).toBe(r.kernel.boot_free_pages);
  expect(nr_swap_pages(r.kernel), `${what}: free swap slots after exit`).toBe(total_swap_pages(r.kernel));
  expect(check_lru(r.kernel.zone.lruvec, r.kernel.mem_map), what).toBeNull();
}

/** The addresses the trace says try_to_unmap took a page from (`try_to_unmap pfn P from NAME at A`). */
function unmappedAddresses(trace: string): number[] {
  return [...trace.matchAll(/try_to_unmap pfn 0x[0-9a-f]+ from \S+ at (0x[0-9a-f]+)/g)].map((m) => Number(m[1]));
}

describe.each(reclaim_policy_names())("reclaim programs in 512 KiB of RAM with 4 MiB of swap, --policy %s", (policy) => {
  for (const p of PROGRAMS) {
    it(`${p.name}.s ${p.args.join(" ")} prints what it prints with plenty of RAM, and leaves every frame and slot free`, () => {
      const mlock = p.name === "mlock";
      const r = run(p.name, p.args, { ...SMALL, policy, trace: mlock ? ["mm"] : undefined });
      expect({ stdout: r.stdout, status: r.status }).toEqual(baseline(p));
      expect(r.kernel.vm_events.pswpout, "pages written to swap").toBeGreaterThanOrEqual(p.minSwapOut);
      expect(r.kernel.vm_events.pswpin, "pages read from swap").toBeGreaterThan(0);
      expect(r.kernel.zone.lruvec.events.oom_kill).toBe(0);
      expectAllFree(r, `${p.name}.s --policy ${policy}`);
      if (mlock) {
        // The locked buffer's pages were never unmapped for swap, from the parent or from a worker
        // (which maps them too, copy-on-write, without the lock), while other pages were.
        const start = program("mlock").symbols.get("locked")!;
        const end = start + LOCKED_PAGES * 4096;
        const unmapped = unmappedAddresses(r.trace);
        expect(unmapped.length).toBeGreaterThanOrEqual(p.minSwapOut);
        expect(unmapped.filter((a) => a >= start && a < end).map((a) => a.toString(16))).toEqual([]);
        expect(r.kernel.zone.lruvec.events.unevictable_pgs_mlocked).toBeGreaterThanOrEqual(LOCKED_PAGES);
      }
    });
  }
});

/** One OOM report in the kernel log: the candidates' badness by pid (when printed) and the victim. */
interface OomReport {
  points: Map<number, number>;
  victim: number;
}

/**
 * The OOM reports in `log`: each "Tasks state" table row gives rss + swapents + page-table pages
 * (oom_badness() with oom_score_adj 0); each "Out of memory: Killed process N" ends a report. The
 * rate limit may leave a report without its table (points empty).
 */
function oomReports(log: string[]): OomReport[] {
  const reports: OomReport[] = [];
  let points = new Map<number, number>();
  for (const line of log) {
    const row = /^\[ *(\d+)\] +\d+ +\d+ +\d+ +(\d+) +(\d+) +(\d+) +-?\d+ /.exec(line);
    if (row !== null) points.set(Number(row[1]), Number(row[2]) + Number(row[4]) + Number(row[3]) / 4096);
    const kill = /^Out of memory: Killed process (\d+) /.exec(line);
    if (kill !== null) {
      reports.push({ points, victim: Number(kill[1]) });
      points = new Map();
    }
  }
  return reports;
}

describe("forkpressure.s when RAM and swap together cannot hold every child's copy", () => {
  // 80 free frames and 383 slots hold the parent's 128 pages and two children's copies, not three.
  const TIGHT = { mem: 512 << 10, swap: 1536 << 10 };

  it.each(reclaim_policy_names())("--policy %s: the OOM killer takes the child with the most badness, the others finish", (policy) => {
    const r = run("forkpressure", ["3", "128"], { ...TIGHT, policy });
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("parent: filled 128 pages, forking 3 children");
    const children = lines.slice(1, 4);
    const killed = children.filter((l) => /^child \d: killed by signal 9$/.test(l));
    const finished = children.filter((l) => /^child \d: saw the parent's data, wrote and verified its own copy$/.test(l));
    expect(killed.length + finished.length, r.stdout).toBe(3);
    expect(killed.length, r.stdout).toBeGreaterThanOrEqual(1);
    expect(finished.length, r.stdout).toBeGreaterThanOrEqual(1);
    expect(lines[4]).toBe("parent: all its words unchanged: 131072 words");
    // Each victim had the most points among the candidates, a later process winning a tie (Linux's
    // select_bad_process); init (pid 1) is never one of them.
    const reports = oomReports(r.log);
    expect(reports.length).toBe(killed.length);
    expect(r.kernel.zone.lruvec.events.oom_kill).toBe(killed.length);
    for (const { points, victim } of reports) {
      expect(victim).not.toBe(1);
      if (points.size === 0) continue;
      expect(points.has(1)).toBe(false);
      const best = Math.max(...points.values());
      expect(points.get(victim), r.log.join("\n")).toBe(best);
      expect(Math.max(...[...points].filter(([, v]) => v === best).map(([pid]) => pid))).toBe(victim);
    }
    expectAllFree(r, `forkpressure.s --policy ${policy} (OOM)`);
  });
});
