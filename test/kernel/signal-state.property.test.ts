// The per-task signal state as data: 64-bit signal sets and sigprocmask against a model (a Set of
// numbers), and what fork (copy_signal_handlers) and exec (flush_signal_handlers) do to it.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  copy_signal_handlers, do_sigaction, flush_signal_handlers, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, sigprocmask,
} from "../../kernel/proc/sigaction.js";
import {
  k_sigaction, SA_RESTART, SIG_IGN, SIGKILL, SIGSTOP, sigaddset, sigdelset, sigismember, sigset_bytes, sigset_from,
  sigset_t,
} from "../../kernel/proc/signal_types.js";
import { task_struct } from "../../kernel/proc/task.js";

const signal = fc.integer({ min: 1, max: 64 });
const setOf = (sigs: number[]): sigset_t => {
  const s = new sigset_t();
  for (const sig of sigs) sigaddset(s, sig);
  return s;
};
const members = (s: sigset_t): number[] => Array.from({ length: 64 }, (_, i) => i + 1).filter((sig) => sigismember(s, sig));

describe("sigset_t", () => {
  it("behaves like a set of signal numbers 1..64 under add and delete", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), signal)), (ops) => {
      const s = new sigset_t();
      const model = new Set<number>();
      for (const [add, sig] of ops) {
        if (add) {
          sigaddset(s, sig);
          model.add(sig);
        } else {
          sigdelset(s, sig);
          model.delete(sig);
        }
      }
      expect(members(s)).toEqual([...model].sort((a, b) => a - b));
      expect(members(sigset_from(sigset_bytes(s)))).toEqual(members(s));
    }));
  });

  it("sigprocmask blocks, unblocks and sets like set union, difference and replacement, never SIGKILL or SIGSTOP", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK), fc.array(signal))), (ops) => {
      const t = new task_struct(1, "t");
      let model = new Set<number>();
      for (const [how, sigs] of ops) {
        expect(sigprocmask(t, how, setOf(sigs))).toBe(0);
        if (how === SIG_BLOCK) model = new Set([...model, ...sigs]);
        else if (how === SIG_UNBLOCK) model = new Set([...model].filter((x) => !sigs.includes(x)));
        else model = new Set(sigs);
        model.delete(SIGKILL);
        model.delete(SIGSTOP);
      }
      expect(members(t.sig.blocked)).toEqual([...model].sort((a, b) => a - b));
    }));
    expect(sigprocmask(new task_struct(1, "t"), 3, new sigset_t())).toBe(-22);
  });
});

describe("fork and exec", () => {
  it("copy_signal_handlers gives the child copies of handlers, mask and alternate stack, and nothing pending", () => {
    const parent = new task_struct(1, "p"), child = new task_struct(2, "c");
    do_sigaction(parent, 10, new k_sigaction(0x1234, SA_RESTART, setOf([12])));
    sigaddset(parent.sig.blocked, 15);
    parent.sig.pending.list.push({ si_signo: 15, si_errno: 0, si_code: 0 });
    sigaddset(parent.sig.pending.signal, 15);
    parent.sig.sas_ss_sp = 0x5000;
    parent.sig.sas_ss_size = 8192;
    parent.sig.sas_ss_flags = 0;
    copy_signal_handlers(parent, child);
    expect(child.sig.action[10]).toEqual(parent.sig.action[10]);
    expect(child.sig.action[10]).not.toBe(parent.sig.action[10]);
    expect(members(child.sig.blocked)).toEqual([15]);
    expect(child.sig.pending.list).toEqual([]);
    expect(members(child.sig.pending.signal)).toEqual([]);
    expect([child.sig.sas_ss_sp, child.sig.sas_ss_size]).toEqual([0x5000, 8192]);
    // Later changes stay apart.
    do_sigaction(child, 10, new k_sigaction(SIG_IGN));
    expect(parent.sig.action[10]!.handler).toBe(0x1234);
  });

  it("flush_signal_handlers resets caught signals to SIG_DFL, keeps SIG_IGN, clears flags and masks, forgets the alternate stack", () => {
    const t = new task_struct(1, "t");
    do_sigaction(t, 10, new k_sigaction(0x1234, SA_RESTART, setOf([12])));
    do_sigaction(t, 12, new k_sigaction(SIG_IGN, SA_RESTART, setOf([10])));
    sigaddset(t.sig.blocked, 15);
    t.sig.sas_ss_size = 8192;
    flush_signal_handlers(t);
    expect(t.sig.action[10]).toEqual(new k_sigaction());
    expect(t.sig.action[12]).toEqual(new k_sigaction(SIG_IGN));
    expect(members(t.sig.blocked)).toEqual([15]);
    expect(t.sig.sas_ss_size).toBe(0);
  });
});
