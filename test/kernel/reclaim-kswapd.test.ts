// kswapd0 (kernel/mm/kswapd.ts): a kernel thread the scheduler runs, woken by an allocation that finds
// free memory at the low watermark and reclaiming until it is above the high one; direct reclaim when
// an allocation would go below min. What the trace, /proc and kill() show of it.

import { describe, expect, it } from "vitest";
import { kswapd_state } from "../../kernel/mm/kswapd.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { cat } from "../helpers/proc.js";
import { touch } from "./reclaim-helpers.js";
import { FORK, mmap, runSwap, sc, show } from "./swap-helpers.js";

/** Dump the /proc file whose path is at `label` between "<<" and ">>" (runSwap collects it). */
const dumpPath = (label: string): string => `  la a0, s_open\n  call print_str\n${cat(label)}  la a0, s_close\n  call print_str\n`;

/** 1 MiB of RAM (min 32, low 40, high 48 pages) and 4 MiB of swap: 300 pages of anon need reclaim. */
const PRESSURE = { mem: 1 << 20, swap: 4 << 20 };

describe("kswapd", () => {
  it("wakes when an allocation finds free memory at the low watermark and sleeps once it is above high", () => {
    // 400 pages written twice: the second pass brings them back from swap, sending others out.
    const { r } = runSwap(`${mmap(0, 400 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0\n${touch("s1", 400, 2)}`,
      { ...PRESSURE, trace: ["vmscan"] });
    expect(r.status).toBe(0);
    const wakes = [...r.trace.matchAll(/wakeup_kswapd: kswapd0\[(\d+)\] woken \(free (\d+) <= low 40, high 48\)/g)];
    const sleeps = [...r.trace.matchAll(/kswapd0\[(\d+)\] sleeps \(free (\d+), high 48\)/g)];
    expect(wakes.length).toBeGreaterThan(0);
    expect(sleeps.length).toBeGreaterThan(0);
    for (const w of wakes) expect(Number(w[2])).toBeLessThanOrEqual(40);
    for (const s of sleeps) expect(Number(s[2])).toBeGreaterThan(48); // pgdat_balanced: above high
    expect(new Set([...wakes, ...sleeps].map((m) => m[1]))).toEqual(new Set(["2"])); // its own pid, after init's
    // Its reclaim is in the trace under its pid, and counted as Linux counts it.
    expect(r.trace).toMatch(/pid 2 .*\| balance_pgdat\(free=\d+ high=48\) \{/);
    const ev = r.kernel.zone.lruvec.events;
    expect(ev.pageoutrun).toBe([...r.trace.matchAll(/balance_pgdat\(/g)].length);
    expect(ev.pgscan_kswapd).toBeGreaterThan(0);
    expect(ev.pgsteal_kswapd).toBeGreaterThan(0);
    expect(ev.pgsteal_kswapd).toBeLessThanOrEqual(ev.pgscan_kswapd);
    expect(kswapd_state(r.kernel).task!.stime_cycles).toBeGreaterThan(0); // reclaim costs it time
    // Everything comes back: frames, and swap slots.
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
    expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
  });

  it("leaves direct reclaim to an allocation that would go below min: allocstall, pgscan_direct", () => {
    const { r } = runSwap(`${mmap(0, 300 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0\n${touch("s1", 300)}`,
      { ...PRESSURE, trace: ["vmscan"] });
    const ev = r.kernel.zone.lruvec.events;
    expect(ev.allocstall_normal).toBeGreaterThan(0);
    expect(ev.allocstall_normal).toBe([...r.trace.matchAll(/pid 1 .*\| try_to_free_pages\(free=\d+ min=32\) \{/g)].length);
    expect(ev.pgsteal_direct).toBeGreaterThan(0);
    expect(ev.pgsteal_direct + ev.pgsteal_kswapd).toBe(ev.pgsteal_anon + ev.pgsteal_file);
    expect(ev.pgscan_direct + ev.pgscan_kswapd).toBe(ev.pgscan_anon + ev.pgscan_file);
  });

  it("is a kernel thread: in /proc with no memory, deaf to kill(), and no reason to keep the run going", () => {
    // Init (pid 1) makes kswapd start (pid 2), shows its status and maps, kills it, shows it again.
    const { r, out, files } = runSwap(`${mmap(0, 300 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${touch("s1", 300)}${dumpPath("p_k_status")}${dumpPath("p_k_maps")}${sc(129, 2, 9)}${show}${dumpPath("p_k_status")}
  .data\np_k_status: .asciz "/proc/2/status"\np_k_maps: .asciz "/proc/2/maps"\n  .text\n`, PRESSURE);
    expect(r.status).toBe(0);
    expect(out).toEqual([0]); // kill(2, SIGKILL) succeeds and does nothing, as for a Linux kthread
    expect(files[0]).toMatch(/^Name:\tkswapd0\n/);
    expect(files[0]).toMatch(/\nPid:\t2\n/);
    expect(files[0]).not.toMatch(/VmRSS|VmSize/); // no mm: no memory lines
    expect(files[1]).toBe(""); // and no mappings
    expect(files[2]).toMatch(/^Name:\tkswapd0\n/); // still there after the SIGKILL
    const t = kswapd_state(r.kernel).task!;
    expect(t.pid).toBe(2);
    expect(t.mm).toBeNull();
    expect(t.state).toBe("EXIT_DEAD"); // stopped when init exited, not killed before
    expect(r.kernel.tasks.size).toBe(1); // only init's zombie is left
  });

  it("does not exist in a run that never runs short: the first child is still pid 2", () => {
    const { r, out } = runSwap(`${FORK}  beqz a0, 9f\n${show}  j 8f\n9: li a0, 0\n  call sys_exit\n8:\n`, PRESSURE);
    expect(r.status).toBe(0);
    expect(out[0]).toBe(2);
    expect(kswapd_state(r.kernel).task).toBeNull();
  });

  it("does not hide a deadlock: with kswapd asleep and init blocked for ever, the run stops", () => {
    // A pipe read with its own write end open and no other process: nothing can ever wake init.
    const { r } = runSwap(`${mmap(0, 300 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${touch("s1", 300)}${sc(59, "&vec", 0)}  la t0, vec\n  lw a0, 0(t0)\n${sc(63, "a0", "&catbuf", 1)}`, PRESSURE);
    expect(kswapd_state(r.kernel).task).not.toBeNull();
    expect(r.reason).toBe("deadlock");
    expect(r.status).toBe(125);
  });
});
