// The OOM killer (kernel/mm/oom_kill.ts): with nothing left to reclaim, the process with the highest
// oom_badness() is killed with SIGKILL and Linux's message, its memory comes back at once, and the
// rest go on; init is never chosen, and a machine with only init left ends as Linux's panic would.
// The invariant checker runs after every system call and fault throughout (runElf's default).

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { touch } from "./reclaim-helpers.js";
import { mmap, runSwap, sc, show } from "./swap-helpers.js";

/** Wait for any child; print its pid, si_code and si_status (waitid's siginfo: 12, 8, 20). */
const waitShow = `  la a0, vec\n  call sys_waitid_any\n  la t0, vec\n  lw a0, 12(t0)\n${show}  la t0, vec\n  lw a0, 8(t0)\n${show}  la t0, vec\n  lw a0, 20(t0)\n${show}`;

const CLD_EXITED = 1, CLD_KILLED = 2, SIGKILL = 9;

/** Linux's kill line (mm/oom_kill.c __oom_kill_process), for process `pid` named t. */
const killLine = (pid: number): RegExp =>
  new RegExp(`^Out of memory: Killed process ${pid} \\(t\\) total-vm:\\d+kB, anon-rss:(\\d+)kB, file-rss:\\d+kB, shmem-rss:0kB, UID:0 pgtables:\\d+kB oom_score_adj:0$`);

/** 1 MiB of RAM and no swap: anonymous memory cannot go anywhere. */
const NO_SWAP = { mem: 1 << 20, swap: 0 };

describe("the OOM killer", () => {
  it("kills a child that takes all memory, with Linux's message; the parent goes on and sees SIGKILL in waitid", () => {
    const { r, out } = runSwap(`${mmap(0, 20 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0\n${touch("s1", 20)}
  call sys_fork
  bnez a0, 8f
${mmap(0, 1000 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0\n${touch("s1", 1000)}  li a0, 0
  call sys_exit
8:${waitShow}${touch("s1", 20)}`, NO_SWAP);
    expect(out).toEqual([2, CLD_KILLED, SIGKILL]);
    expect(r.status).toBe(0); // the parent (init) finished
    const kills = r.log.filter((l) => l.startsWith("Out of memory:"));
    expect(kills).toHaveLength(1);
    const m = killLine(2).exec(kills[0]!);
    expect(m, kills[0]).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(600); // most of the machine was the child's
    // Before it, Linux's report: who asked, and the candidates (init is not one of them).
    expect(r.log[0]).toBe("t invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0");
    expect(r.log).toContain("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
    expect(r.log.filter((l) => /^\[ +\d+\]/.test(l)).map((l) => l.split(/\s+/).at(-1))).toEqual(["t"]);
    // The victim was the faulting task itself: it dies on its way back to user mode, no reaper needed.
    expect(r.log.some((l) => l.startsWith("oom_reaper:"))).toBe(false);
    expect(r.kernel.zone.lruvec.events.oom_kill).toBe(1);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("chooses the process with the highest badness, not the one whose allocation failed", () => {
    // A takes 150 pages and sleeps on a pipe; B then asks for 100. When memory runs out it is B's
    // fault, but A holds more: A dies, and B finishes.
    const { r, out } = runSwap(`${sc(59, "&pi", 0)}
  call sys_fork
  bnez a0, 7f
${mmap(0, 150 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0\n${touch("s1", 150)}  la t0, pi
  lw a0, 0(t0)
${sc(63, "a0", "&catbuf", 1)}  li a0, 1
  call sys_exit
7:${show}
  call sys_fork
  bnez a0, 8f
${mmap(0, 100 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0\n${touch("s1", 100)}  li a0, 0
  call sys_exit
8:${show}${waitShow}${waitShow}`, NO_SWAP);
    const [a, b, ...waits] = out;
    expect([a, b]).toEqual([2, 3]);
    expect(waits).toEqual([2, CLD_KILLED, SIGKILL, 3, CLD_EXITED, 0]);
    expect(r.log.filter((l) => l.startsWith("Out of memory:")).map((l) => killLine(2).test(l))).toEqual([true]);
    expect(r.log[0]).toMatch(/^t invoked oom-killer:/); // B asked
    // A was asleep: its memory was taken back at once, so B's allocation could go on.
    expect(r.log).toContain("oom_reaper: reaped process 2 (t), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
    expect(r.status).toBe(0);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("never chooses init: alone, it gets Linux's panic line and SIGKILL, and the run ends with 137", () => {
    const { r } = runSwap(`${mmap(0, 1000 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0\n${touch("s1", 1000)}`, NO_SWAP);
    expect(r.log).toContain("Kernel panic - not syncing: Out of memory and no killable processes...");
    expect(r.log.some((l) => l.startsWith("Out of memory:"))).toBe(false);
    expect(r.status).toBe(137);
    expect(r.reason).toBe("signal");
    expect(r.kernel.zone.lruvec.events.oom_kill).toBe(0); // Linux panics before counting a kill
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("leaves the system alive after a fork bomb in a tight memory: init waits for everyone and exits 0", () => {
    // Every process forks 7 times (128 processes if the limits allowed: max_threads is 20 here),
    // then writes 32 pages of its own (more than the machine has for all of them), keeps them a while
    // and reaps its children. Forks fail with -EAGAIN, and the OOM killer takes the biggest processes.
    const { r } = runSwap(`  li s3, 1
  li s0, 7
  ${mmap(0, 32 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
1: call sys_fork
  bltz a0, 2f
  bnez a0, 4f
  li s3, 0
4: addi s0, s0, -1
  bnez s0, 1b
2:${touch("s1", 32)}  li t0, 100000
6: addi t0, t0, -1
  bnez t0, 6b
3: la a0, vec
  call sys_waitid_any
  bgez a0, 3b
  beqz s3, 5f
  li a0, 0x600d
${show}5: li a0, 0
  call sys_exit
`, { ...NO_SWAP, maxSteps: 20_000_000 });
    expect(r.reason).toBe("exit");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("0x0000600d");
    expect(r.kernel.zone.lruvec.events.oom_kill).toBeGreaterThan(0);
    expect(r.kernel.tasks.size).toBe(1); // only init's zombie: every other process was reaped
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});
