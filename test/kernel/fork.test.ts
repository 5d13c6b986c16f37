// fork with copy-on-write, exit and waitid: processes share frames until one writes, parents learn
// how children ended, orphans are reaped, and every frame comes back.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { exit, runSource, START } from "../helpers/kernel.js";

const FORK = "  li a0, 17\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n  li a7, 220\n  ecall\n"; // clone(SIGCHLD, 0...)
/** waitid(P_ALL, 0, &info, WEXITED, 0): info at label `info`. */
const WAIT = "  li a0, 0\n  li a1, 0\n  la a2, info\n  li a3, 4\n  li a4, 0\n  li a7, 95\n  ecall\n";
const INFO = "  .bss\n  .align 2\ninfo: .zero 128\n";

describe("fork and waitid", () => {
  it("returns the child's pid to the parent and 0 to the child; waitid reports CLD_EXITED and the status", () => {
    const r = runSource(`${START}${FORK}  bnez a0, parent\n${exit(42)}parent:\n  mv s0, a0\n${WAIT}  la t0, info\n  lw t1, 0(t0)\n  lw t2, 8(t0)\n  lw t3, 12(t0)\n  lw t4, 20(t0)\n  li t5, 17\n  bne t1, t5, bad\n  li t5, 1\n  bne t2, t5, bad\n  bne t3, s0, bad\n${exit("t4")}bad:\n${exit(1)}${INFO}`);
    expect(r.status).toBe(42);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("reports a child killed by a signal as CLD_KILLED with the signal number", () => {
    const r = runSource(`${START}${FORK}  bnez a0, parent\n  sw zero, 0(zero)\nparent:\n${WAIT}  la t0, info\n  lw t2, 8(t0)\n  lw t4, 20(t0)\n  slli t2, t2, 8\n  or a0, t2, t4\n${exit("a0")}${INFO}`);
    expect(r.status).toBe(((2 << 8) | 11) & 0xff); // CLD_KILLED (2) << 8 | SIGSEGV, low byte
    expect(r.log[0]).toMatch(/^t\[2\]: unhandled signal 11 \(SIGSEGV\)/);
  });

  it("shares pages copy-on-write: the child's write copies, the parent's later write reuses", () => {
    const r = runSource(`${START}  la s1, v\n  li t0, 1\n  sw t0, 0(s1)\n${FORK}  bnez a0, parent\n  li t0, 2\n  sw t0, 0(s1)\n  lw a0, 0(s1)\n${exit("a0")}parent:\n${WAIT}  lw t1, 0(s1)\n  li t0, 3\n  sw t0, 0(s1)\n  lw t2, 0(s1)\n  la t0, info\n  lw t3, 20(t0)\n  slli t1, t1, 4\n  slli t2, t2, 2\n  or a0, t1, t2\n  or a0, a0, t3\n${exit("a0")}  .data\nv: .word 0\n${INFO}`, { trace: ["fault"] });
    // parent still read 1 after the child wrote 2, then wrote 3; the child exited with 2.
    expect(r.status).toBe((1 << 4) | (3 << 2) | 2);
    expect(r.trace).toMatch(/pid 2 .*wp_page_copy pfn/);
    expect(r.trace).toMatch(/pid 1 .*wp_page_reuse pfn/);
  });

  it("can fork a process that uses more than half of RAM (impossible without copy-on-write)", () => {
    const touch = `  la t0, big\n  li t1, 600\n  li t2, 4096\n1: sw t1, 0(t0)\n  add t0, t0, t2\n  addi t1, t1, -1\n  bnez t1, 1b\n`;
    const r = runSource(`${START}${touch}${FORK}  bnez a0, parent\n  la t0, big\n  lw a0, 0(t0)\n  addi a0, a0, -600\n${exit("a0")}parent:\n${WAIT}  la t0, info\n  lw a0, 20(t0)\n${exit("a0")}  .bss\nbig: .zero 600 * 4096\n${INFO}`, { mem: 4 << 20 });
    expect(r.status).toBe(0);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("keeps three generations' writes to different parts of one buffer apart", () => {
    // Each generation writes its number into its own word, forks, and waits; the last checks all.
    const gen = (n: number): string => `  li t0, ${n}\n  sw t0, ${4 * n}(s1)\n${FORK}  bnez a0, 1f\n`;
    const r = runSource(`${START}  la s1, buf\n${gen(1)}${gen(2)}${gen(3)}  lw t1, 4(s1)\n  lw t2, 8(s1)\n  lw t3, 12(s1)\n  add a0, t1, t2\n  add a0, a0, t3\n${exit("a0")}1:\n${WAIT}  la t0, info\n  lw a0, 20(t0)\n  lw t1, 0(s1)\n  add a0, a0, t1\n${exit("a0")}  .data\nbuf: .word 0, 0, 0, 0\n${INFO}`);
    expect(r.status).toBe(6);
  });

  it("a kernel write into a copy-on-write page (getrandom in the child) copies it, leaving the parent's", () => {
    const r = runSource(`${START}  la s1, buf\n  sw zero, 0(s1)\n${FORK}  bnez a0, parent\n  mv a0, s1\n  li a1, 4\n  li a2, 0\n  li a7, 278\n  ecall\n${exit(0)}parent:\n${WAIT}  lw a0, 0(s1)\n${exit("a0")}  .data\nbuf: .word 0\n${INFO}`, { trace: ["fault"] });
    expect(r.status).toBe(0);
    expect(r.trace).toMatch(/pid 2 .*do_page_fault\(addr=0x[0-9a-f]+ write \(kernel\)\) \{[\s\S]*?wp_page_copy/);
  });

  it("waitid: ECHILD without children, EINVAL for bad options, WNOHANG reports nothing yet", () => {
    expect(runSource(`${START}${WAIT}  neg a0, a0\n${exit("a0")}${INFO}`).status).toBe(10);
    expect(runSource(`${START}${FORK}  bnez a0, 1f\n${exit(0)}1:\n  li a0, 0\n  li a1, 0\n  la a2, info\n  li a3, 0\n  li a4, 0\n  li a7, 95\n  ecall\n  neg a0, a0\n${exit("a0")}${INFO}`).status).toBe(22);
    const r = runSource(`${START}${FORK}  bnez a0, 1f\n  li t0, 100000\n2: addi t0, t0, -1\n  bnez t0, 2b\n${exit(0)}1:\n  la t0, info\n  li t1, -1\n  sw t1, 12(t0)\n  li a0, 0\n  li a1, 0\n  la a2, info\n  li a3, 5\n  li a4, 0\n  li a7, 95\n  ecall\n  la t0, info\n  lw t1, 12(t0)\n  add a0, a0, t1\n${exit("a0")}${INFO}`, { quantum: 100 });
    expect(r.status).toBe(0); // returned 0, and si_pid was zeroed: no child had exited
  });

  it("reparents orphans to init, which reaps them; memory returns after every fork and exit", () => {
    // The child forks a grandchild and exits at once; the grandchild outlives it.
    const r = runSource(`${START}${FORK}  bnez a0, parent\n${FORK}  bnez a0, 1f\n  li t0, 20000\n2: addi t0, t0, -1\n  bnez t0, 2b\n1:\n${exit(0)}parent:\n${WAIT}  li t0, 200000\n3: addi t0, t0, -1\n  bnez t0, 3b\n${exit(7)}${INFO}`, { quantum: 1000 });
    expect(r.status).toBe(7);
    expect(r.kernel.tasks.size).toBe(1); // only init's zombie is left
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("lets root fork past RLIMIT_NPROC, as Linux does (prlimit64 sets it, fork ignores it for root)", () => {
    const r = runSource(`${START}  la a2, lim\n  li a0, 0\n  li a1, 6\n  li a3, 0\n  li a7, 261\n  ecall\n  bnez a0, bad\n${FORK}  beqz a0, child\n${FORK}  beqz a0, child\n  bltz a0, failed\n${exit(0)}failed:\n  neg a0, a0\n${exit("a0")}child:\n1: j 1b\nbad:\n${exit(99)}  .data\n  .align 3\nlim: .word 2, 0, 2, 0\n`);
    expect(r.status).toBe(0); // the second fork succeeded though 2 tasks existed
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages); // init's exit ended the looping children
  });

  it("survives a fork bomb: forks fail with EAGAIN, the system stays responsive, and init finishes", () => {
    // Every process forks until fork fails, then exits; init counts its failures and reports.
    const r = runSource(`${START}  li s2, 0\n1:\n${FORK}  bltz a0, 2f\n  bnez a0, 1b\n  j 1b\n2:\n  li t0, 1\n  li a7, 172\n  ecall\n  bne a0, t0, 3f\n  li a0, 77\n  li a7, 93\n  ecall\n3:\n${exit(0)}`, { mem: 8 << 20, maxSteps: 20_000_000 });
    expect(r.status).toBe(77);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});

describe("SIGCHLD ignored", () => {
  it("reaps children at once (Linux's autoreap): waitid then reports ECHILD", () => {
    // rt_sigaction(SIGCHLD, {SIG_IGN}, NULL, 8), fork, child exits, parent waits for it.
    const r = runSource(`${START}  li a0, 17\n  la a1, act\n  li a2, 0\n  li a3, 8\n  li a7, 134\n  ecall\n${FORK}  bnez a0, 1f\n${exit(3)}1:\n${WAIT}  neg a0, a0\n${exit("a0")}  .data\n  .align 2\nact: .word 1, 0, 0, 0\n${INFO}`);
    expect(r.status).toBe(10); // ECHILD
    expect(r.kernel.tasks.size).toBe(1);
  });
});

describe("clone with thread flags", () => {
  it("returns -EINVAL and says once that threads are missing, however often it is tried", () => {
    const clone = "  li a0, 0x111\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n  li a7, 220\n  ecall\n"; // CLONE_VM | SIGCHLD
    const r = runSource(`${START}${clone}${clone}  neg a0, a0\n${exit("a0")}`);
    expect(r.status).toBe(22);
    expect(r.log).toEqual(["t[1]: clone flags 0x00000111 need threads, which vmos does not have yet: returning -EINVAL"]);
  });
});
