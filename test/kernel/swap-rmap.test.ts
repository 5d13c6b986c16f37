// The reverse map, driven from the host on a booted kernel: rmap_walk finds every PTE of a page in
// every process (a forked child shares its parent's anon_vma), page_referenced reads and clears their
// accessed bits, try_to_unmap replaces them by the page's swap entry, and the sets rmap walks stay
// right while VMAs split, merge, move and go (the invariant checker verifies them).

import { describe, expect, it } from "vitest";
import { PTE_A } from "../../src/hw/sv32.js";
import { check_kernel } from "../../kernel/mm/check.js";
import { FAULT_FLAG_WRITE, handle_mm_fault } from "../../kernel/mm/memory.js";
import { do_mmap, do_munmap, exit_mmap } from "../../kernel/mm/mmap.js";
import { do_mprotect_pkey } from "../../kernel/mm/mprotect.js";
import { get_mm_counter, MM_ANONPAGES, MM_SWAPENTS, type mm_struct } from "../../kernel/mm/mm_types.js";
import { page_mapcount, type page } from "../../kernel/mm/page.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { pte_offset, pte_pfn } from "../../kernel/mm/pgtable.js";
import { anon_vma, page_referenced, rmap_walk, try_to_unmap, type referenced_info } from "../../kernel/mm/rmap.js";
import { pageout_one } from "../../kernel/mm/swap_out.js";
import { add_to_swap } from "../../kernel/mm/swap_state.js";
import { __swap_count, nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { is_swap_pte, pte_to_swp_entry } from "../../kernel/mm/swapops.js";
import { VM_LOCKED } from "../../kernel/mm/vma.js";
import { find_vma } from "../../kernel/mm/vma_tree.js";
import { dup_mm } from "../../kernel/proc/fork.js";
import { task_struct } from "../../kernel/proc/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { bootWithSwap, C, type Booted } from "./swap-helpers.js";

/** A kernel with 1 MiB of swap and one process (pid 1) that the test drives by calling kernel functions. */
const boot = (): Booted => bootWithSwap(1 << 20);

/** A forked copy of `mm`, registered as a task so the invariant checker walks it too. */
function fork(k: Kernel, mm: mm_struct): mm_struct {
  const child = dup_mm(k, mm)!;
  const t = new task_struct(k.next_pid++, "child");
  t.mm = child;
  k.tasks.set(t.pid, t);
  return child;
}

function pteOf(mm: mm_struct, va: number): number {
  const ram = mm.kernel.machine.ram;
  return ram.read32(pte_offset(ram, mm, va));
}

function pageAt(mm: mm_struct, va: number): page {
  return mm.kernel.mem_map[pte_pfn(pteOf(mm, va))]!;
}

function anonPage(b: Booted, pages = 1): number {
  const a = do_mmap(b.mm, b.task, 0, pages * 4096, C.PROT_RW!, C.MAP_ANON_PRIVATE!, 0);
  for (let i = 0; i < pages; i++) handle_mm_fault(find_vma(b.mm, a)!, a + i * 4096, FAULT_FLAG_WRITE, b.task);
  return a;
}

describe("rmap_walk and page_referenced", () => {
  it("find a copy-on-write page in the parent and the child, and clear their accessed bits", () => {
    const b = boot();
    const a = anonPage(b);
    const child = fork(b.k, b.mm);
    const p = pageAt(b.mm, a);
    const seen: mm_struct[] = [];
    rmap_walk(b.k, p, (vma, address) => {
      expect(address).toBe(a);
      seen.push(vma.vm_mm as mm_struct);
      return true;
    });
    expect(new Set(seen)).toEqual(new Set([b.mm, child]));
    // Linux/riscv maps pages young (A in _PAGE_BASE); fork's copy starts old (pte_mkold).
    expect(page_referenced(b.k, p)).toBe(1);
    expect(pteOf(b.mm, a) & PTE_A).toBe(0);
    expect(page_referenced(b.k, p)).toBe(0);
    const ram = b.k.machine.ram;
    ram.write32(pte_offset(ram, child, a), pteOf(child, a) | PTE_A); // the MMU marks an access
    expect(page_referenced(b.k, p)).toBe(1);
    check_kernel(b.k);
  });

  it("stop at a VM_LOCKED mapping and say so", () => {
    const b = boot();
    const a = anonPage(b);
    find_vma(b.mm, a)!.vm_flags |= VM_LOCKED;
    const info: referenced_info = { vm_flags: 0 };
    page_referenced(b.k, pageAt(b.mm, a), info);
    expect(info.vm_flags & VM_LOCKED).toBe(VM_LOCKED);
    expect(try_to_unmap(b.k, pageAt(b.mm, a))).toBe(false);
    find_vma(b.mm, a)!.vm_flags &= ~VM_LOCKED;
  });
});

describe("try_to_unmap", () => {
  it("turns every PTE of an anonymous page into its swap entry, counting each", () => {
    const b = boot();
    const a = anonPage(b);
    const child = fork(b.k, b.mm);
    const anon = get_mm_counter(b.mm, MM_ANONPAGES); // the page and the stack's
    const p = pageAt(b.mm, a);
    expect(page_mapcount(p)).toBe(2);
    expect(add_to_swap(b.k, p)).toBe(true);
    expect(try_to_unmap(b.k, p)).toBe(true);
    for (const mm of [b.mm, child]) {
      expect(is_swap_pte(pteOf(mm, a))).toBe(true);
      expect(pte_to_swp_entry(pteOf(mm, a))).toBe(p.private);
      expect([get_mm_counter(mm, MM_ANONPAGES), get_mm_counter(mm, MM_SWAPENTS)]).toEqual([anon - 1, 1]);
    }
    expect(__swap_count(b.k, p.private)).toBe(2);
    check_kernel(b.k); // the page is held by the swap cache alone now
    exit_mmap(child);
    for (const [pid, t] of b.k.tasks) if (t.mm === child) b.k.tasks.delete(pid);
    check_kernel(b.k);
  });

  it("with pageout_one, sends a page out and frees it; the slot is freed with the last swap PTE", () => {
    const b = boot();
    const a = anonPage(b, 3);
    const free = nr_free_pages(b.k.zone);
    expect(pageout_one(b.k, pageAt(b.mm, a + 4096))).toBe(true);
    expect(nr_free_pages(b.k.zone)).toBe(free + 1);
    expect(b.k.vm_events.pswpout).toBe(1);
    check_kernel(b.k);
    expect(do_munmap(b.mm, a, 3 * 4096)).toBe(0);
    check_kernel(b.k);
    expect(nr_swap_pages(b.k)).toBe(total_swap_pages(b.k));
  });
});

describe("the sets rmap walks", () => {
  it("follow VMAs through mprotect splits and merges, munmap and exit", () => {
    const b = boot();
    const a = anonPage(b, 4);
    const av = find_vma(b.mm, a)!.anon_vma as anon_vma;
    expect(do_mprotect_pkey(b.mm, b.task, a + 4096, 4096, C.PROT_READ!)).toBe(0);
    expect([...av.vmas].filter((v) => v.vm_mm === b.mm).length).toBe(3);
    check_kernel(b.k);
    expect(do_mprotect_pkey(b.mm, b.task, a + 4096, 4096, C.PROT_RW!)).toBe(0);
    expect([...av.vmas].filter((v) => v.vm_mm === b.mm).length).toBe(1);
    check_kernel(b.k);
    const child = fork(b.k, b.mm);
    expect([...av.vmas].filter((v) => v.vm_mm === child).length).toBe(1);
    expect(do_munmap(b.mm, a, 4 * 4096)).toBe(0);
    expect([...av.vmas].every((v) => v.vm_mm === child)).toBe(true);
    // The child's pages went to nobody else: sending one out unmaps it from the child alone.
    expect(pageout_one(b.k, pageAt(child, a))).toBe(true);
    check_kernel(b.k);
    exit_mmap(child);
    expect(av.vmas.size).toBe(0);
  });
});
