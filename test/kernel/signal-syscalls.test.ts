// The signal system calls' contracts, errors included: rt_sigaction, rt_sigprocmask, rt_sigpending,
// kill, tkill and tgkill, with Linux's order of checks.

import { describe, expect, it } from "vitest";
import { exit, runSource, START } from "../helpers/kernel.js";
import {
  bit, blocked, LIB, raise, SA_SIGINFO, show, shown, sigaction, sigprocmask, SIG_BLOCK, SIG_UNBLOCK, SIGKILL,
  SIGSTOP, SIGTERM, SIGUSR1, SIGUSR2, sys,
} from "../helpers/signal.js";

/** Run `body`, which leaves results in s1..s{n}, and return them as signed numbers. */
function results(body: string, n: number, tail = ""): number[] {
  const shows = Array.from({ length: n }, (_, i) => show(`s${i + 1}`)).join("");
  const r = runSource(`${START}${body}${shows}${exit(0)}${tail}${LIB}`);
  expect(r.status, r.log.join("\n")).toBe(0);
  return shown(r.stdout).map((v) => v | 0);
}

/** Each call's a0, in order (at most 11: they are kept in s1..s11). */
const each = (calls: string[], tail = ""): number[] => results(calls.map((c, i) => `${c}  mv s${i + 1}, a0\n`).join(""), calls.length, tail);

/** rt_sigaction(sig, act, oact, size) with raw arguments (labels or numbers). */
const rt_sigaction = (sig: number, act: string | number, oact: string | number, size = 8): string =>
  sys(134, `  li a0, ${sig}\n  ${typeof act === "string" ? `la a1, ${act}` : `li a1, ${act}`}\n  ${typeof oact === "string" ? `la a2, ${oact}` : `li a2, ${oact}`}\n  li a3, ${size}\n`);

const ACTS = `  .data
  .align 2
act: .word handler, ${SA_SIGINFO | 0x400}, 0xffffffff, 0xffffffff
oact: .zero 16
hit: .word 0
  .text
handler:
  la t0, hit
  li t1, 1
  sw t1, 0(t0)
  ret
`;

describe("rt_sigaction", () => {
  it("rejects a sigsetsize other than 8, signals outside 1..64, and changing SIGKILL or SIGSTOP (-EINVAL)", () => {
    expect(each([
      rt_sigaction(SIGUSR1, "act", 0, 4), rt_sigaction(0, "act", 0), rt_sigaction(65, "act", 0), rt_sigaction(-1, 0, "oact"),
      rt_sigaction(SIGKILL, "act", 0), rt_sigaction(SIGSTOP, "act", 0), rt_sigaction(SIGKILL, 0, "oact"),
    ], ACTS)).toEqual([-22, -22, -22, -22, -22, -22, 0]); // querying SIGKILL is fine
  });

  it("returns -EFAULT for an unreadable act (nothing changes) and for an unwritable oact (after installing act)", () => {
    expect(results(`${rt_sigaction(SIGUSR1, 0x100, 0)}  mv s1, a0
${rt_sigaction(SIGUSR1, "act", 0x100)}  mv s2, a0
${raise(SIGUSR1)}  la t0, hit
  lw s3, 0(t0)
`, 3, ACTS)).toEqual([-14, -14, 1]);
  });

  it("reports the old action before installing the new one (act and oact may be the same buffer)", () => {
    expect(results(`${rt_sigaction(SIGUSR1, "act", 0)}${rt_sigaction(SIGUSR1, "act", "act")}  la t0, act
  lw s1, 4(t0)
  lw s2, 8(t0)
  lw s3, 12(t0)
`, 3, ACTS)).toEqual([
      SA_SIGINFO, // the unknown flag 0x400 (SA_UNSUPPORTED) was dropped, so a program can tell
      ~(bit(SIGKILL) | bit(SIGSTOP)) | 0, // SIGKILL and SIGSTOP are never in sa_mask
      -1,
    ]);
  });

  it("setting SIG_IGN discards a pending instance of the signal, even a blocked one (POSIX)", () => {
    expect(results(`${sigprocmask(SIG_BLOCK, bit(SIGUSR1))}${raise(SIGUSR1)}${sigaction(SIGUSR1, 1)}${sys(136, "  la a0, set\n  li a1, 8\n")}  la t0, set
  lw s1, 0(t0)
`, 1, "  .data\n  .align 2\nset: .zero 8\n  .text\n")).toEqual([0]);
  });
});

describe("rt_sigprocmask and rt_sigpending", () => {
  it("blocks, unblocks and sets; never blocks SIGKILL or SIGSTOP; reports the old mask", () => {
    const [a, b, c, d] = results(`${sigprocmask(SIG_BLOCK, 0xffffffff)}${blocked("s1")}${sigprocmask(SIG_UNBLOCK, bit(SIGUSR1), "old")}  la t0, old
  lw s2, 0(t0)
${blocked("s3")}${sigprocmask(2, bit(SIGTERM))}${blocked("s4")}`, 4, "  .data\n  .align 2\nold: .zero 8\n  .text\n");
    const all = ~(bit(SIGKILL) | bit(SIGSTOP)) | 0;
    expect([a, b, c, d]).toEqual([all, all, all & ~bit(SIGUSR1), bit(SIGTERM)]);
  });

  it("checks sigsetsize, how (only when a set is given) and pointers", () => {
    const mask = (how: number, set: string, oset: string, size = 8): string => sys(135, `  li a0, ${how}\n  ${set}\n  ${oset}\n  li a3, ${size}\n`);
    expect(each([
      mask(0, "li a1, 0", "li a2, 0", 4), mask(3, "la a1, set", "li a2, 0"), mask(3, "li a1, 0", "li a2, 0"),
      mask(0, "li a1, 0x100", "li a2, 0"), mask(0, "la a1, set", "li a2, 0x100"),
    ], `  .data\n  .align 2\nset: .word ${bit(SIGUSR2)}, 0\n  .text\n`)).toEqual([-22, -22, 0, -14, -14]);
    expect(results(`${sys(135, "  li a0, 0\n  la a1, set\n  li a2, 0x100\n  li a3, 8\n")}${blocked("s1")}`, 1,
      `  .data\n  .align 2\nset: .word ${bit(SIGUSR2)}, 0\n  .text\n`)).toEqual([bit(SIGUSR2)]); // applied despite -EFAULT for oset
  });

  it("a signal sent while blocked stays pending (rt_sigpending shows it) and is delivered as soon as it is unblocked", () => {
    expect(results(`${sigaction(SIGUSR1, "handler")}${sigprocmask(SIG_BLOCK, bit(SIGUSR1))}${raise(SIGUSR1)}  la t0, hit
  lw s1, 0(t0)
${sys(136, "  la a0, set\n  li a1, 8\n")}  la t0, set
  lw s2, 0(t0)
${sigprocmask(SIG_UNBLOCK, bit(SIGUSR1))}  la t0, hit
  lw s3, 0(t0)
${sys(136, "  la a0, set\n  li a1, 9\n")}  mv s4, a0
${sys(136, "  li a0, 0x100\n  li a1, 8\n")}  mv s5, a0
`, 5, `  .data\n  .align 2\nset: .zero 8\n  .text\n${ACTS}`)).toEqual([0, bit(SIGUSR1), 1, -22, -14]);
  });
});

describe("kill, tkill and tgkill", () => {
  /** kill(pid, sig). */
  const k = (pid: number, sig: number): string => sys(129, `  li a0, ${pid}\n  li a1, ${sig}\n`);

  it("signal 0 checks that a process exists; -ESRCH for none, -EINVAL for a bad signal (after the pid check, as Linux)", () => {
    expect(each([k(1, 0), k(99, 0), k(1, 65), k(99, 65), k(-1, 0), k(0, 0), k(-7, 0)]))
      .toEqual([0, -3, -22, -3, -3 /* -1 spares init and the caller: nobody left */, 0, -3 /* no group 7 */]);
  });

  it("tkill and tgkill take a thread id (the pid here) and check the thread group", () => {
    const tkill = (tid: number, sig: number): string => sys(130, `  li a0, ${tid}\n  li a1, ${sig}\n`);
    const tgkill = (tgid: number, tid: number, sig: number): string => sys(131, `  li a0, ${tgid}\n  li a1, ${tid}\n  li a2, ${sig}\n`);
    expect(each([tkill(0, 0), tkill(1, 0), tgkill(1, 1, 0), tgkill(2, 1, 0), tgkill(0, 1, 0), tgkill(1, 99, 0)]))
      .toEqual([-22, 0, 0, -3, -22, -3]);
  });

  const INFO_HANDLER = `handler:
  la t0, seen
  lw t1, 0(a1)
  sw t1, 0(t0)
  lw t1, 8(a1)
  sw t1, 4(t0)
  lw t1, 12(a1)
  sw t1, 8(t0)
  lw t1, 16(a1)
  sw t1, 12(t0)
  ret
  .data
  .align 2
seen: .zero 16
  .text
`;
  const SEEN = "  la t0, seen\n  lw s1, 0(t0)\n  lw s2, 4(t0)\n  lw s3, 8(t0)\n  lw s4, 12(t0)\n";

  it("kill fills si_code SI_USER, si_pid the sender, si_uid 0", () => {
    expect(results(`${sigaction(SIGUSR1, "handler", SA_SIGINFO)}${raise(SIGUSR1)}${SEEN}`, 4, INFO_HANDLER)).toEqual([SIGUSR1, 0, 1, 0]);
  });

  it("tgkill fills si_code SI_TKILL (-6)", () => {
    expect(results(`${sigaction(SIGUSR2, "handler", SA_SIGINFO)}${sys(131, `  li a0, 1\n  li a1, 1\n  li a2, ${SIGUSR2}\n`)}${SEEN}`, 4, INFO_HANDLER)).toEqual([SIGUSR2, -6, 1, 0]);
  });
});
