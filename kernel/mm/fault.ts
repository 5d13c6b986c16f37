// Linux: arch/riscv/mm/fault.c do_page_fault(): from a faulting address to a mapped page, or to the
// signal Linux would send. Used for user traps and, with `user` false, for the kernel's own accesses
// to user memory (copy_to_user), where failure becomes -EFAULT instead of a signal.

import { Cause } from "../../src/hw/trap.js";
import { hex } from "../trace.js";
import type { task_struct } from "../proc/task.js";
import { handle_mm_fault, FAULT_FLAG_INSTRUCTION, FAULT_FLAG_USER, FAULT_FLAG_WRITE, VM_FAULT_OOM, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV } from "./memory.js";
import { expand_stack } from "./mmap.js";
import type { mm_struct } from "./mm_types.js";
import { VM_EXEC, VM_GROWSDOWN, VM_READ, VM_WRITE, type vm_area_struct } from "./vma.js";
import { find_vma } from "./vma_tree.js";

export const SIGBUS = 7;
export const SIGSEGV = 11;
export const SIGKILL = 9;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const BUS_ADRERR = 2;

/** The outcome of a page fault: handled, or the signal to deliver (with why, for the kernel's message). */
export type FaultResult =
  | { ok: true }
  | { ok: false; signo: number; code: number; addr: number; why: string; oom?: boolean };

/** The one success value, shared: the fault path allocates nothing it does not need. */
const FAULT_OK: FaultResult = { ok: true };

const ACCESS = { [Cause.InstructionPageFault]: "execute", [Cause.LoadPageFault]: "read", [Cause.StorePageFault]: "write" } as Record<number, string>;

/** Linux: access_error(): may this kind of access touch this VMA? A load needs VM_READ or VM_WRITE. */
function access_error(cause: number, vma: vm_area_struct): boolean {
  switch (cause) {
    case Cause.InstructionPageFault: return (vma.vm_flags & VM_EXEC) === 0;
    case Cause.LoadPageFault: return (vma.vm_flags & (VM_READ | VM_WRITE)) === 0; // write implies read
    default: return (vma.vm_flags & VM_WRITE) === 0;
  }
}

function bad_area(code: number, addr: number, why: string): FaultResult {
  return { ok: false, signo: SIGSEGV, code, addr, why };
}

/**
 * Linux: do_page_fault(). `cause` is the trap cause (12 fetch, 13 load, 15 store/AMO), `addr` the
 * faulting address (stval). Returns what the caller should do; never throws for a guest's mistake.
 */
export function do_page_fault(mm: mm_struct, task: task_struct | null, cause: number, addr: number, user: boolean): FaultResult {
  const k = mm.kernel;
  addr >>>= 0;
  const access = ACCESS[cause] ?? "write";
  if (k.trace.fault) k.trace.enter("fault", "do_page_fault", `addr=${hex(addr)} ${access}${user ? "" : " (kernel)"}`);
  const result = resolve(mm, task, cause, addr, access, user);
  if (k.trace.fault) k.trace.exit("fault", "do_page_fault", result.ok ? "" : `= SIG${result.signo === SIGBUS ? "BUS" : "SEGV"} (${result.why})`);
  return result;
}

function resolve(mm: mm_struct, task: task_struct | null, cause: number, addr: number, access: string, user: boolean): FaultResult {
  const k = mm.kernel;
  const vma = find_vma(mm, addr);
  if (k.trace.fault) k.trace.note("fault", vma ? `find_vma = ${hex(vma.vm_start)}-${hex(vma.vm_end)}` : "find_vma = none");
  if (vma === null) return bad_area(SEGV_MAPERR, addr, `${access} at an address with no mapping`);
  if (vma.vm_start > addr) {
    if ((vma.vm_flags & VM_GROWSDOWN) === 0) return bad_area(SEGV_MAPERR, addr, `${access} at an address with no mapping`);
    if (expand_stack(vma, addr) < 0) {
      return bad_area(SEGV_MAPERR, addr, `${access} below the stack, beyond its guard gap or size limit`);
    }
  }
  if (access_error(cause, vma)) {
    const perms = `${vma.vm_flags & VM_READ ? "r" : "-"}${vma.vm_flags & VM_WRITE ? "w" : "-"}${vma.vm_flags & VM_EXEC ? "x" : "-"}`;
    return bad_area(SEGV_ACCERR, addr, `${access} not allowed by the mapping's permissions (${perms})`);
  }
  let flags = user ? FAULT_FLAG_USER : 0;
  if (cause === Cause.StorePageFault) flags |= FAULT_FLAG_WRITE;
  else if (cause === Cause.InstructionPageFault) flags |= FAULT_FLAG_INSTRUCTION;
  // Faults taken for the kernel inside a syscall count for the task too (Linux has their pt_regs);
  // exec's argument copying passes task = null, like Linux's get_user_pages without regs.
  const fault = handle_mm_fault(vma, addr, flags, task);
  if (fault & VM_FAULT_OOM) return { ok: false, signo: SIGKILL, code: 0, addr, why: "out of memory", oom: true };
  if (fault & VM_FAULT_SIGBUS) return { ok: false, signo: SIGBUS, code: BUS_ADRERR, addr, why: `${access} beyond what the mapping can provide` };
  if (fault & VM_FAULT_SIGSEGV) return bad_area(SEGV_ACCERR, addr, `${access} refused`);
  return FAULT_OK;
}
