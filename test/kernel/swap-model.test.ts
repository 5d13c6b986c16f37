// Swap against a model: random sequences of writes, reads, pageouts, forks, exits, MADV_DONTNEED and
// mprotect on private and shared anonymous memory, in a parent and possibly a child. Every read must
// see what the model says was last written there (nothing is lost on the way to swap and back, and
// copy-on-write still separates parent and child), the invariant checker must agree after every step
// (swap_map counts, the swap cache, MM_SWAPENTS, the rmap sets), and at the end every frame and every
// slot is free again.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check_kernel } from "../../kernel/mm/check.js";
import { do_madvise } from "../../kernel/mm/madvise.js";
import { do_mmap, exit_mmap } from "../../kernel/mm/mmap.js";
import { do_mprotect_pkey } from "../../kernel/mm/mprotect.js";
import type { mm_struct } from "../../kernel/mm/mm_types.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { pte_offset, pte_present, pte_special } from "../../kernel/mm/pgtable.js";
import { pageout_one } from "../../kernel/mm/swap_out.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { dup_mm } from "../../kernel/proc/fork.js";
import { task_struct } from "../../kernel/proc/task.js";
import { copy_from_user, copy_to_user } from "../../kernel/syscalls/uaccess.js";
import type { Kernel } from "../../kernel/kernel.js";
import { bootWithSwap, C } from "./swap-helpers.js";

const PRIV = 0x5000_0000, SHARED = 0x5100_0000, PAGES = 6;

type Op =
  | { kind: "write"; who: number; shared: boolean; page: number; value: number }
  | { kind: "read"; who: number; shared: boolean; page: number }
  | { kind: "pageout"; who: number; shared: boolean; page: number }
  | { kind: "fork" }
  | { kind: "exit" }
  | { kind: "dontneed"; who: number; page: number }
  | { kind: "protect"; who: number; page: number; writable: boolean };

const who = fc.integer({ min: 0, max: 1 });
const page = fc.integer({ min: 0, max: PAGES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ who, shared: fc.boolean(), page, value: fc.integer({ min: 1, max: 0x7fff_ffff }) }).map((o) => ({ kind: "write" as const, ...o })) },
  { weight: 4, arbitrary: fc.record({ who, shared: fc.boolean(), page }).map((o) => ({ kind: "read" as const, ...o })) },
  { weight: 6, arbitrary: fc.record({ who, shared: fc.boolean(), page }).map((o) => ({ kind: "pageout" as const, ...o })) },
  { weight: 1, arbitrary: fc.constant({ kind: "fork" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "exit" as const }) },
  { weight: 1, arbitrary: fc.record({ who, page }).map((o) => ({ kind: "dontneed" as const, ...o })) },
  { weight: 1, arbitrary: fc.record({ who, page, writable: fc.boolean() }).map((o) => ({ kind: "protect" as const, ...o })) },
);

/** One process of the model: its task, and what its private pages hold and allow. */
interface Proc {
  task: task_struct;
  priv: number[];
  writable: boolean[];
}

function boot(swapSlots: number) {
  const { k, task, mm } = bootWithSwap(swapSlots * 4096, 1 << 20, 16);
  expect(do_mmap(mm, task, PRIV, PAGES * 4096, C.PROT_RW!, C.MAP_ANON_PRIVATE! | C.MAP_FIXED!, 0)).toBe(PRIV);
  expect(do_mmap(mm, task, SHARED, PAGES * 4096, C.PROT_RW!, C.MAP_ANON_SHARED! | C.MAP_FIXED!, 0)).toBe(SHARED);
  return { k, parent: { task, priv: new Array<number>(PAGES).fill(0), writable: new Array<boolean>(PAGES).fill(true) } as Proc };
}

function step(k: Kernel, procs: Proc[], shared: number[], o: Op): void {
  const p = procs[Math.min("who" in o ? o.who : 0, procs.length - 1)]!;
  const mm = p.task.mm!;
  const va = "page" in o ? ("shared" in o && o.shared ? SHARED : PRIV) + o.page * 4096 : 0;
  switch (o.kind) {
    case "write": {
      const b = new Uint8Array(new Uint32Array([o.value]).buffer);
      const left = copy_to_user(mm, p.task, va, b);
      if (!o.shared && !p.writable[o.page]) {
        expect(left).toBe(4); // read-only now: -EFAULT, nothing written
        return;
      }
      expect(left).toBe(0);
      if (o.shared) shared[o.page] = o.value;
      else p.priv[o.page] = o.value;
      return;
    }
    case "read": {
      const got = copy_from_user(mm, p.task, va, 4);
      expect(got, `read of ${va.toString(16)}`).not.toBeNull();
      expect(new Uint32Array(got!.buffer)[0], `value at ${va.toString(16)}`).toBe(o.shared ? shared[o.page] : p.priv[o.page]);
      return;
    }
    case "pageout": {
      // The first resident page of the region from o.page on (as reclaim would pick one).
      const ram = k.machine.ram;
      const base = o.shared ? SHARED : PRIV;
      for (let i = 0; i < PAGES; i++) {
        const at = base + ((o.page + i) % PAGES) * 4096;
        const ptep = pte_offset(ram, mm, at);
        const pte = ptep < 0 ? 0 : ram.read32(ptep);
        if (!pte_present(pte) || pte_special(pte)) continue;
        pageout_one(k, k.mem_map[pte >>> 10]!);
        return;
      }
      return;
    }
    case "fork": {
      if (procs.length > 1) return;
      const child = new task_struct(k.next_pid++, "child");
      child.mm = dup_mm(k, mm);
      expect(child.mm).not.toBeNull();
      k.tasks.set(child.pid, child);
      procs.push({ task: child, priv: [...p.priv], writable: [...p.writable] });
      return;
    }
    case "exit": {
      if (procs.length < 2) return;
      const child = procs.pop()!;
      exit_mmap(child.task.mm!);
      child.task.mm = null;
      k.tasks.delete(child.task.pid);
      return;
    }
    case "dontneed":
      expect(do_madvise(mm, p.task, va, 4096, C.MADV_DONTNEED!)).toBe(0);
      p.priv[o.page] = 0;
      return;
    case "protect":
      expect(do_mprotect_pkey(mm, p.task, va, 4096, o.writable ? C.PROT_RW! : C.PROT_READ!)).toBe(0);
      p.writable[o.page] = o.writable;
      return;
  }
}

describe("swap against a model", () => {
  for (const slots of [64, 4]) {
    it(`loses nothing and keeps every count right (${slots === 4 ? "swap nearly full: 3 slots" : "plenty of swap"})`, () => {
      const traffic = { out: 0, in: 0 };
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 60, size: "max" }), (ops) => {
          const { k, parent } = boot(slots);
          const procs = [parent];
          const shared = new Array<number>(PAGES).fill(0);
          for (const o of ops) {
            step(k, procs, shared, o);
            check_kernel(k);
          }
          for (const p of procs) for (let i = 0; i < PAGES; i++) step(k, procs, shared, { kind: "read", who: procs.indexOf(p), shared: false, page: i });
          for (const p of procs.reverse()) {
            exit_mmap(p.task.mm as mm_struct);
            p.task.mm = null;
            k.tasks.delete(p.task.pid);
          }
          check_kernel(k);
          expect(nr_swap_pages(k)).toBe(total_swap_pages(k));
          expect(nr_free_pages(k.zone)).toBe(k.boot_free_pages);
          traffic.out += k.vm_events.pswpout;
          traffic.in += k.vm_events.pswpin;
        }),
        { numRuns: 100 },
      );
      expect(traffic.out).toBeGreaterThan(150); // the runs did send pages out and read them back
      expect(traffic.in).toBeGreaterThan(50);
    });
  }
});
