// Signals between processes: kill from another process, waking a sleeper (and what happens to the
// system call it slept in), SIGCHLD when a child ends, what fork and exec do to handlers, and
// delivery in the middle of a computation, at the end of a scheduling quantum.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { elfOf, exit, runSource, START } from "../helpers/kernel.js";
import {
  bit, blocked, FORK, INFO, kill, LIB, raise, SA_RESTART, SA_SIGINFO, show, shown, sigaction, sigprocmask, SIG_BLOCK,
  SIGCHLD, SIGKILL, SIGSEGV, SIGTERM, SIGUSR1, SIGUSR2, spin, sys, WAIT,
} from "../helpers/signal.js";

/** After WAIT: si_code and si_status into s-registers `code`, `status`. */
const WAITED = (code: string, status: string): string => `  la t0, info\n  lw ${code}, 8(t0)\n  lw ${status}, 20(t0)\n`;
const HIT = "  .data\n  .align 2\nhit: .word 0\n  .text\nhandler:\n  la t0, hit\n  lw t1, 0(t0)\n  addi t1, t1, 1\n  sw t1, 0(t0)\n  ret\n";

describe("signals between processes", () => {
  it("kill ends another process; waitid reports CLD_KILLED and the signal", () => {
    const r = runSource(`${START}${FORK}  bnez a0, parent
1: j 1b
parent:
  mv s1, a0
${kill("s1", SIGTERM)}  mv s2, a0
${WAIT}${WAITED("s3", "s4")}${show("s2")}${show("s3")}${show("s4")}${exit(0)}${INFO}${LIB}`);
    expect(shown(r.stdout)).toEqual([0, 2 /* CLD_KILLED */, SIGTERM]);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  /**
   * The parent sleeps in waitid; its child signals it (SIGUSR1) and exits with 5 a while later.
   * Prints waitid's first result, the handler's count, and the status waitid finally reports.
   */
  const interruptedWait = (flags: number, o = {}) => runSource(`${START}${sigaction(SIGUSR1, "handler", flags)}${FORK}  bnez a0, parent
${spin(30000)}${sys(173)}${kill("a0", SIGUSR1)}${spin(30000)}${exit(5)}parent:
${WAIT}  mv s1, a0
  la t0, hit
  lw s2, 0(t0)
  bnez s1, 1f
  j 2f
1:${WAIT}2:${WAITED("s4", "s3")}${show("s1")}${show("s2")}${show("s3")}${exit(0)}${HIT}${INFO}${LIB}`, o);

  it("wakes a process asleep in waitid; without SA_RESTART the call returns -EINTR after the handler", () => {
    const r = interruptedWait(0, { trace: ["sched"] });
    expect(r.trace).toMatch(/pid 1 .*sleeps: waitid[\s\S]*wake_up_process t\[1\]/);
    expect(shown(r.stdout).map((v) => v | 0)).toEqual([-4, 1, 5]);
  });

  it("with SA_RESTART the interrupted waitid starts over after the handler and waits for the child", () => {
    expect(shown(interruptedWait(SA_RESTART).stdout)).toEqual([0, 1, 5]);
  });

  it("a blocked signal does not wake a sleeper: waitid goes on until the child exits", () => {
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}${sigprocmask(SIG_BLOCK, bit(SIGUSR1))}${FORK}  bnez a0, parent
${spin(30000)}${sys(173)}${kill("a0", SIGUSR1)}${spin(30000)}${exit(5)}parent:
${WAIT}  mv s1, a0
  la t0, hit
  lw s2, 0(t0)
${WAITED("s4", "s3")}${show("s1")}${show("s2")}${show("s3")}${exit(0)}${HIT}${INFO}${LIB}`);
    expect(shown(r.stdout)).toEqual([0, 0, 5]);
  });

  it("SIGKILL ends a process asleep in waitid", () => {
    // pid 2 waits for its own child (pid 3), which spins; init kills pid 2 while it sleeps.
    const r = runSource(`${START}${FORK}  bnez a0, parent
${FORK}  bnez a0, 1f
${spin(100000)}${exit(3)}1:
${WAIT}${exit(2)}parent:
  mv s1, a0
${spin(20000)}${kill("s1", SIGKILL)}${WAIT}${WAITED("s2", "s3")}${show("s2")}${show("s3")}${exit(0)}${INFO}${LIB}`);
    expect(shown(r.stdout)).toEqual([2, SIGKILL]);
  });

  it("kill(-1) signals every process but init and the caller; kill(0) the caller's group, which is everyone", () => {
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}${FORK}  bnez a0, 1f
2: j 2b
1:${FORK}  bnez a0, 3f
4: j 4b
3:${kill(-1, SIGTERM)}  mv s1, a0
${WAIT}${WAITED("s2", "s3")}${WAIT}${WAITED("s4", "s5")}${FORK}  bnez a0, 5f
${sigaction(SIGUSR1, 0)}6: j 6b
5:${spin(20000)}${kill(0, SIGUSR1)}  mv s6, a0
${WAIT}${WAITED("s7", "s8")}  la t0, hit
  lw s9, 0(t0)
${show("s1")}${show("s3")}${show("s5")}${show("s6")}${show("s8")}${show("s9")}${exit(0)}${HIT}${INFO}${LIB}`);
    // The third child set SIGUSR1 back to SIG_DFL and dies of it; init's own handler runs.
    expect(shown(r.stdout)).toEqual([0, SIGTERM, SIGTERM, 0, SIGUSR1, 1]);
  });
});

describe("SIGCHLD", () => {
  it("a waitid woken by the child's exit returns the child even with a SIGCHLD handler (no -EINTR)", () => {
    // Linux's do_wait() looks for a zombie again after waking, before it looks at signals: the
    // handler runs after waitid has returned 0 with the child's pid.
    const r = runSource(`${START}${sigaction(SIGCHLD, "handler")}${FORK}  bnez a0, 1f\n${spin(20000)}${exit(7)}1:\n  mv s6, a0\n${WAIT}  mv s1, a0\n${WAITED("s2", "s3")}  la t0, info\n  lw s4, 12(t0)\n${show("s1")}${show("s3")}  sub s4, s4, s6\n${show("s4")}${exit(0)}handler:\n  ret\n${INFO}${LIB}`);
    expect(shown(r.stdout)).toEqual([0, 7, 0]);
  });

  it("is ignored by default: a parent is not disturbed when its child exits", () => {
    const r = runSource(`${START}${FORK}  bnez a0, 1f\n${exit(3)}1:\n${spin(20000)}${WAIT}${WAITED("s1", "s2")}${exit("s2")}${INFO}`);
    expect(r.status).toBe(3);
  });

  it("reaches a handler with si_code CLD_EXITED or CLD_KILLED, si_pid and si_status", () => {
    const handler = `handler:
  la t0, seen
  lw t2, 12(t0)
  add t0, t0, t2
  lw t1, 8(a1)
  sw t1, 0(t0)
  lw t1, 12(a1)
  sw t1, 4(t0)
  lw t1, 20(a1)
  sw t1, 8(t0)
  la t0, seen
  addi t2, t2, 16
  sw t2, 12(t0)
  ret
  .data
  .align 2
seen: .zero 48
  .text
`;
    const r = runSource(`${START}${sigaction(SIGCHLD, "handler", SA_SIGINFO)}${FORK}  bnez a0, 1f\n${exit(42)}1:\n  mv s6, a0\n${WAIT}${FORK}  bnez a0, 2f\n  sw zero, 0(zero)\n2:\n  mv s7, a0\n${WAIT}  la s1, seen
${[0, 4, 8, 16, 20, 24].map((o) => `  lw s2, ${o}(s1)\n${show("s2")}`).join("")}${show("s6")}${show("s7")}${exit(0)}${handler}${INFO}${LIB}`);
    const [code1, pid1, status1, code2, pid2, status2, child1, child2] = shown(r.stdout);
    expect([code1, pid1, status1]).toEqual([1, child1, 42]);
    expect([code2, pid2, status2]).toEqual([2, child2, SIGSEGV]);
  });
});

describe("fork and exec", () => {
  it("a child inherits handlers and the blocked mask, but none of the parent's pending signals", () => {
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}${sigprocmask(SIG_BLOCK, bit(SIGUSR2))}${raise(SIGUSR2)}${FORK}  bnez a0, parent
${sys(136, "  la a0, set\n  li a1, 8\n")}  la t0, set
  lw s1, 0(t0)
${blocked("s2")}${raise(SIGUSR1)}  la t0, hit
  lw s3, 0(t0)
${show("s1")}${show("s2")}${show("s3")}${exit(0)}parent:
${WAIT}${sys(136, "  la a0, set\n  li a1, 8\n")}  la t0, set
  lw s1, 0(t0)
${show("s1")}${exit(0)}  .data\n  .align 2\nset: .zero 8\n  .text\n${HIT}${INFO}${LIB}`);
    expect(shown(r.stdout)).toEqual([0, bit(SIGUSR2), 1, bit(SIGUSR2)]);
  });

  it("exec resets caught signals to SIG_DFL and keeps ignored ones ignored, and the blocked mask", () => {
    // The new program sends itself SIGUSR2 (ignored before exec: still ignored), reports its mask,
    // then sends SIGUSR1 (caught before exec: now SIG_DFL, so it dies of it).
    const target = elfOf(`${START}${raise(SIGUSR2)}${blocked("s1")}${show("s1")}${raise(SIGUSR1)}${exit(0)}${LIB}`);
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}${sigaction(SIGUSR2, 1)}${sigprocmask(SIG_BLOCK, bit(SIGTERM))}  la a0, path
  la a1, argv
  li a2, 0
${sys(221)}${exit(99)}handler:
  ret
  .data
path: .asciz "/t"
  .align 2
argv: .word path, 0
`, { programs: { "/t": target } });
    expect(shown(r.stdout)).toEqual([bit(SIGTERM)]);
    expect(r.status).toBe(128 + SIGUSR1);
  });
});

describe("delivery at the end of a quantum", () => {
  it("interrupts a computation anywhere, and the computation's result is unchanged", () => {
    // The child sums 1..N with its loop state in many registers; the parent keeps signalling it.
    // Each signal arrives between two arbitrary instructions (when the child's quantum ends).
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}${FORK}  bnez a0, parent
  li s1, 0
  li s2, 200000
  li s3, 0
  li a5, 7
  li t5, 11
1: addi s3, s3, 1
  add s1, s1, s3
  xor a5, a5, s3
  add t5, t5, a5
  bne s3, s2, 1b
  mv s5, t5
  la t0, count
  lw s4, 0(t0)
${show("s1")}${show("s5")}${show("s4")}${exit(0)}parent:
  mv s1, a0
  li s2, 20
2:${kill("s1", SIGUSR1)}${spin(300)}  addi s2, s2, -1
  bnez s2, 2b
${WAIT}${exit(0)}handler:
  li a5, 0
  li t5, 0
  li s3, 0
  la t0, count
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  ret
  .data
count: .word 0
${INFO}${LIB}`, { quantum: 997 });
    let a5 = 7, t5 = 11;
    for (let i = 1; i <= 200000; i++) {
      a5 = (a5 ^ i) >>> 0;
      t5 = (t5 + a5) >>> 0;
    }
    const [sum, t5Seen, handled] = shown(r.stdout);
    expect(sum).toBe((200000 * 200001 / 2) >>> 0);
    expect(t5Seen).toBe(t5);
    expect(handled).toBeGreaterThan(5);
  });
});
