// Nothing crashes, nothing hangs: memory exhaustion kills the program with Linux's message, a runaway
// program is stopped, and the same run gives the same result, byte for byte.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { runProgram, runSource, START } from "../helpers/kernel.js";

describe("limits and determinism", () => {
  it("out of memory with only init to blame: Linux's OOM report and panic, the run ends killed, memory comes back", () => {
    // 4 MiB of bss written page by page on a 1 MiB machine without swap. Init is never an OOM
    // victim (is_global_init), so Linux panics: vmos says so in Linux's words and kills init.
    const r = runSource(`${START}  la t0, buf\n  li t2, 4096\n1: sw t2, 0(t0)\n  add t0, t0, t2\n  j 1b\n  .bss\nbuf: .zero 4 << 20\n`, { mem: 1 << 20 });
    expect(r.status).toBe(137); // SIGKILL
    expect(r.log[0]).toBe("t invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0");
    expect(r.log.at(-1)).toBe("Kernel panic - not syncing: Out of memory and no killable processes...");
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("stops a program that never exits at --max-steps, with status 124", () => {
    const r = runSource(`${START}1: j 1b\n`, { maxSteps: 100_000 });
    expect(r.reason).toBe("max-steps");
    expect(r.status).toBe(124);
    expect(r.kernel.instructions).toBe(100_000);
  });

  it("gives the same output, cycles and trace on every run", () => {
    const a = runProgram("demand.s", { args: ["20"], trace: ["fault", "syscall", "tlb"] });
    const b = runProgram("demand.s", { args: ["20"], trace: ["fault", "syscall", "tlb"] });
    expect(a.trace.length).toBeGreaterThan(1000);
    expect(b.trace).toBe(a.trace);
    expect(b.kernel.machine.clock.cycles).toBe(a.kernel.machine.clock.cycles);
  });

  it("computes the same result whatever the scheduling quantum", () => {
    const results = [1, 7, 1000, 1_000_000].map((quantum) => runProgram("stack.s", { args: ["300"], quantum, check: false }).stdout);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toContain("sum 1..depth = 45150");
  });

  it("keeps running correctly with a TLB of one entry (every access re-walks)", () => {
    const tiny = runProgram("demand.s", { args: ["50"], tlb: 1 });
    const normal = runProgram("demand.s", { args: ["50"] });
    expect(tiny.stdout).toBe(normal.stdout);
    expect(tiny.stdout).toMatch(/^touched 50 pages\nchecksum \d+\n$/);
    expect(tiny.kernel.machine.tlb.misses).toBeGreaterThan(normal.kernel.machine.tlb.misses);
  });
});
