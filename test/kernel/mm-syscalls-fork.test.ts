// Shared anonymous memory across fork: MAP_SHARED | MAP_ANONYMOUS pages are the same frames in
// parent and child (what one writes the other reads, vmos_page_info shows one pfn), while private
// memory stays copy-on-write; the shmem object lives until the last process unmaps it.

import { describe, expect, it } from "vitest";
import { do_mmap, exit_mmap } from "../../kernel/mm/mmap.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { vma_is_shmem } from "../../kernel/mm/shmem.js";
import { find_vma } from "../../kernel/mm/vma_tree.js";
import { dup_mm } from "../../kernel/proc/fork.js";
import { bootProcess, C, info, load, mmap, PI, run, show, store } from "./mm-syscalls.helpers.js";

/** Does fork copy a shared VMA with vm_area_dup() (vm_ops and the shmem object's reference)? */
function forkCopiesShmem(): boolean {
  const { mm, task } = bootProcess();
  const a = do_mmap(mm, task, 0, 0x1000, C.PROT_RW!, C.MAP_ANON_SHARED!, 0);
  const child = dup_mm(mm.kernel, mm);
  const ok = child !== null && vma_is_shmem(find_vma(child, a)!);
  if (child !== null) exit_mmap(child);
  return ok;
}

const FORK = "  li a0, 17\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n  li a7, 220\n  ecall\n"; // clone(SIGCHLD, 0...)
/** waitid(P_ALL, 0, &pi, WEXITED, 0), using vmos_page_info's buffer for the siginfo. */
const WAIT = "  li a0, 0\n  li a1, 0\n  la a2, vec\n  li a3, 4\n  li a4, 0\n  li a7, 95\n  ecall\n";

const ready = forkCopiesShmem();
if (!ready) console.warn("\n*** SKIPPED shared memory across fork: kernel/proc/fork.ts dup_mm() must copy VMAs with vm_area_dup() ***\n");

describe.skipIf(!ready)("shared anonymous memory and fork", () => {
  it("is shared with the child: one frame, and each sees the other's writes; private memory is not", () => {
    const { out, r } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s2, a0
${store("s1", 1)}${store("s2", 1)}${info("s1", 0)}
${FORK}  bnez a0, parent
${load("s1")}${info("s1", 0, 2)}${store("s1", 2)}${store("s2", 2)}
  li a0, 0
  call sys_exit
parent:
${WAIT}${load("s1")}${show}${load("s2")}${show}`);
    const [pfn, childPfn, mapcount, shared, priv] = out;
    // Fork copies no PTEs of shared memory (Linux: no anon_vma); the child's read faults the same frame in.
    expect(childPfn).toBe(pfn); // the child maps the parent's frame
    expect(mapcount).toBe(2);
    expect([shared, priv]).toEqual([2, 1]); // the child's write is seen in shared memory only
    expect(r.status).toBe(0);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("outlives the parent's munmap while the child still maps it", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${store("s1", 5)}
${FORK}  bnez a0, parent
  li t0, 200000
1: addi t0, t0, -1
  bnez t0, 1b
${load("s1")}${show}${info("s1", 1)}
  li a0, 0
  call sys_exit
parent:
  li a0, 0
  mv a0, s1
  li a1, 4096
  li a7, 215
  ecall
${WAIT}`, { quantum: 1000 });
    expect(out[0]).toBe(5);
    expect(out[1]! & PI.SHMEM).toBe(PI.SHMEM);
  });
});
