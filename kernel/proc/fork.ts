// Linux: kernel/fork.c. copy_process() makes the child task; dup_mm()/dup_mmap() give it a copy of
// the parent's address space: anonymous pages are shared copy-on-write (mm/memory.c copy_page_range),
// file and shared-memory pages are left for the child to fault in from the page cache or shmem.
// A failed fork undoes everything it did: free memory is exactly what it was before.

import { hex } from "../trace.js";
import type { Kernel } from "../kernel.js";
import { copy_page_range } from "../mm/copy_page_range.js";
import { exit_mmap, mm_alloc } from "../mm/mmap.js";
import { vm_stat_account, type mm_struct } from "../mm/mm_types.js";
import { flush_tlb_mm } from "../mm/pgtable.js";
import { VM_DONTCOPY, VM_LOCKED, VM_LOCKONFAULT, VM_WIPEONFORK, vma_pages } from "../mm/vma.js";
import { vm_area_dup } from "../mm/vma_merge.js";
import { vma_link } from "../mm/vma_tree.js";
import { enqueue_task } from "../sched/core.js";
import { EAGAIN, EINVAL, ENOMEM } from "../syscalls/errno.js";
import { put_user32 } from "../syscalls/uaccess.js";
import { max_threads_for } from "./rlimit.js";
import { task_struct } from "./task.js";

// Linux: include/uapi/linux/sched.h clone flags.
export const CSIGNAL = 0xff;
const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_VFORK = 0x4000;
const CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000;
const CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000, CLONE_CHILD_SETTID = 0x1000000;
/** Flags that need threads or shared state vmos does not have yet. */
const UNSUPPORTED = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | CLONE_THREAD;

/**
 * Linux: dup_mmap(): the child's VMAs; those with anonymous pages get the parent's PTEs copied
 * (copy-on-write for private writable memory), the others start empty (copy_page_range). VM_DONTCOPY
 * VMAs are left out, VM_WIPEONFORK ones start empty, and the child does not inherit mlock. Returns
 * null if memory runs out (nothing is left allocated).
 */
export function dup_mm(k: Kernel, oldmm: mm_struct): mm_struct | null {
  const mm = mm_alloc(k, oldmm.exe_name);
  if (mm === null) return null;
  for (const key of ["mmap_base", "start_code", "end_code", "start_data", "end_data", "start_brk", "brk",
    "start_stack", "arg_start", "arg_end", "env_start", "env_end", "hiwater_rss", "hiwater_vm"] as const) {
    mm[key] = oldmm[key];
  }
  mm.symbols = oldmm.symbols;
  for (let v = oldmm.mmap; v !== null; v = v.vm_next) {
    if (v.vm_flags & VM_DONTCOPY) continue;
    // Linux: vm_area_dup() takes the file's and the shmem object's references; anon_vma_fork() is
    // reduced to sharing the parent's anon_vma identity until reclaim needs rmap walks.
    const copy = vm_area_dup(v, mm);
    const flags = (copy.vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT));
    vma_link(mm, copy);
    vm_stat_account(mm, flags, vma_pages(copy));
    if ((v.vm_flags & VM_WIPEONFORK) === 0 && !copy_page_range(mm, oldmm, v)) {
      flush_tlb_mm(oldmm);
      exit_mmap(mm);
      return null;
    }
  }
  // Linux: flush_tlb_mm(oldmm) at the end of dup_mmap(): the parent's write-protected PTEs must not
  // stay writable in its TLB.
  flush_tlb_mm(oldmm);
  return mm;
}

/** Linux: nr_threads and the per-user process count (everyone is uid 0 in vmos: one count). */
function nr_tasks(k: Kernel): number {
  let n = 0;
  for (const t of k.tasks.values()) if (t.state !== "EXIT_DEAD") n++;
  return n;
}

/** Hooks that other parts of the kernel add to fork (signal handlers, file descriptors). */
export const fork_hooks: ((parent: task_struct, child: task_struct) => void)[] = [];

/**
 * Linux: copy_process() + wake_up_new_task(): a child that returns 0 from the same system call, with
 * `newsp` as its stack pointer if non-zero. Returns the child, or -errno.
 */
export function copy_process(k: Kernel, parent: task_struct, exit_signal: number, newsp: number): task_struct | number {
  const max_threads = max_threads_for(k.machine.ram.frames);
  // Linux checks RLIMIT_NPROC except for root (INIT_USER, or CAP_SYS_RESOURCE/CAP_SYS_ADMIN), and
  // every vmos task is root, so the limit is kept and reported but never stops a fork: programs fork
  // as far under vmos as under Linux. What stops a fork bomb is Linux's process table limit,
  // max_threads (at least 20), and then memory.
  if (nr_tasks(k) >= max_threads) return -EAGAIN;
  const mm = dup_mm(k, parent.mm!);
  if (mm === null) return -ENOMEM;
  const child = new task_struct(k.next_pid++, parent.comm);
  child.mm = mm;
  child.parent = parent;
  child.exit_signal = exit_signal;
  child.rlim = parent.rlim.map(([soft, hard]) => [soft, hard]);
  const cpu = k.machine.cpu;
  child.regs.x.set(cpu.x);
  child.regs.pc = cpu.pc; // the caller advanced pc past the ecall
  child.regs.x[10] = 0; // the child's clone() returns 0
  if (newsp !== 0) child.regs.x[2] = newsp;
  for (const hook of fork_hooks) hook(parent, child);
  parent.children.add(child);
  k.tasks.set(child.pid, child);
  enqueue_task(k, child);
  if (k.trace.sched) k.trace.note("sched", `copy_process ${parent.comm}[${parent.pid}] -> child ${child.pid}`);
  return child;
}

/**
 * Linux: SYSCALL_DEFINE5(clone) with CLONE_BACKWARDS (riscv): (flags, newsp, parent_tid, tls,
 * child_tid). Process-creating combinations only; thread flags give -EINVAL with a one-time note.
 */
export function sys_clone(k: Kernel, parent: task_struct, flags: number, newsp: number, parent_tid: number, tls: number, child_tid: number): number {
  if (flags & UNSUPPORTED) {
    k.report_once("clone threads", () =>
      `${parent.comm}[${parent.pid}]: clone flags ${hex(flags)} need threads, which vmos does not have yet: returning -EINVAL`);
    return -EINVAL;
  }
  if (flags & (CLONE_PARENT | CLONE_DETACHED) && parent.parent === null) return -EINVAL;
  const child = copy_process(k, parent, flags & CSIGNAL, newsp >>> 0);
  if (typeof child === "number") return child;
  if (flags & CLONE_SETTLS) child.regs.x[4] = tls;
  if (flags & CLONE_CHILD_CLEARTID) child.clear_child_tid = child_tid >>> 0;
  if (flags & CLONE_PARENT_SETTID) put_user32(parent.mm!, parent, parent_tid >>> 0, child.pid);
  if (flags & CLONE_CHILD_SETTID) put_user32(child.mm!, child, child_tid >>> 0, child.pid);
  return child.pid;
}
