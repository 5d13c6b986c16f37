// Linux: copy_to_user / copy_from_user / strncpy_from_user. The kernel touches user memory through
// the process's page tables, and a page that is missing or write-protected takes the same path a
// user store would (demand paging, copy-on-write); a bad pointer gives -EFAULT, never a crash or a
// signal. Like the MMU, a kernel write sets the PTE's A and D bits.

import { COST } from "../../src/hw/clock.js";
import { Cause } from "../../src/hw/trap.js";
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W } from "../../src/hw/sv32.js";
import { do_page_fault } from "../mm/fault.js";
import { TASK_SIZE, type mm_struct } from "../mm/mm_types.js";
import { pte_offset, pte_pfn } from "../mm/pgtable.js";
import type { task_struct } from "../proc/task.js";

export const EFAULT = 14;

/** Physical address of the page holding user address `va`, faulted in for `write`; -1 if it can't be. */
function user_page(mm: mm_struct, task: task_struct | null, va: number, write: boolean): number {
  const ram = mm.kernel.machine.ram;
  const need = PTE_V | PTE_U | (write ? PTE_W : PTE_R);
  for (let attempt = 0; attempt < 2; attempt++) {
    const ptep = pte_offset(ram, mm, va);
    const pte = ptep < 0 ? 0 : ram.read32(ptep);
    if ((pte & need) === need) {
      const ad = PTE_A | (write ? PTE_D : 0);
      if ((pte & ad) !== ad) ram.write32(ptep, (pte | ad) >>> 0);
      return pte_pfn(pte) * 4096;
    }
    if (attempt === 1) break;
    // A fault taken by the kernel costs the same exception entry and return as a user one.
    mm.kernel.machine.clock.advance(COST.trapEntry);
    const r = do_page_fault(mm, task, write ? Cause.StorePageFault : Cause.LoadPageFault, va, false);
    if (!r.ok) return -1;
  }
  return -1;
}

/** Linux: access_ok(): the range lies in user space without wrapping. */
export function access_ok(va: number, len: number): boolean {
  return va >= 0 && len >= 0 && va + len <= TASK_SIZE;
}

/** The simulated time of copying `n` bytes between a user buffer and the kernel: copyPage per 4 KiB. */
export function charge_copy(mm: mm_struct, n: number): void {
  if (n > 0) mm.kernel.machine.clock.advance(Math.ceil((COST.copyPage * n) / 4096));
}

/** Linux: copy_to_user(): returns the number of bytes NOT copied (0 on success). */
export function copy_to_user(mm: mm_struct, task: task_struct | null, va: number, src: Uint8Array): number {
  va >>>= 0;
  if (!access_ok(va, src.length)) return src.length;
  const ram = mm.kernel.machine.ram;
  let done = 0;
  while (done < src.length) {
    const addr = va + done;
    const chunk = Math.min(src.length - done, 4096 - (addr & 0xfff));
    const pa = user_page(mm, task, addr, true);
    if (pa < 0) return src.length - done;
    ram.writeBytes(pa + (addr & 0xfff), src.subarray(done, done + chunk));
    done += chunk;
  }
  return 0;
}

/** Linux: copy_from_user(): the bytes, or null when some of them cannot be read (-EFAULT). */
export function copy_from_user(mm: mm_struct, task: task_struct | null, va: number, len: number): Uint8Array | null {
  va >>>= 0;
  if (!access_ok(va, len)) return null;
  const ram = mm.kernel.machine.ram;
  const out = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const addr = va + done;
    const chunk = Math.min(len - done, 4096 - (addr & 0xfff));
    const pa = user_page(mm, task, addr, false);
    if (pa < 0) return null;
    out.set(ram.u8.subarray(pa + (addr & 0xfff), pa + (addr & 0xfff) + chunk), done);
    done += chunk;
  }
  return out;
}

/** Linux: clear_user(): zero `len` bytes; returns the number NOT cleared. */
export function clear_user(mm: mm_struct, task: task_struct | null, va: number, len: number): number {
  return copy_to_user(mm, task, va, new Uint8Array(len));
}

/** Linux: put_user() of a 32-bit value: 0 or -EFAULT. */
export function put_user32(mm: mm_struct, task: task_struct | null, va: number, value: number): number {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return copy_to_user(mm, task, va, b) === 0 ? 0 : -EFAULT;
}

/** Linux: get_user() of a 32-bit value: the value (unsigned), or null on -EFAULT. */
export function get_user32(mm: mm_struct, task: task_struct | null, va: number): number | null {
  const b = copy_from_user(mm, task, va, 4);
  return b === null ? null : new DataView(b.buffer).getUint32(0, true);
}

/**
 * Linux: strncpy_from_user(): a NUL-terminated string of at most `max` bytes (without the NUL), as
 * bytes; -EFAULT for a bad pointer, or `null` if there is no NUL within `max` bytes (the caller
 * returns -ENAMETOOLONG or -E2BIG as fits).
 */
export function strncpy_from_user(mm: mm_struct, task: task_struct | null, va: number, max: number): Uint8Array | number | null {
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const b = copy_from_user(mm, task, va + i, 1);
    if (b === null) return -EFAULT;
    if (b[0] === 0) return Uint8Array.from(out);
    out.push(b[0]!);
  }
  return null;
}

/**
 * Copy `len` bytes between user memory at `va` and physical memory at `pa` (a page-cache frame, a
 * pipe buffer), in the direction `to_user`, without a bounce buffer: the page cache's
 * copy_page_to_iter()/copy_page_from_iter(). Returns the number of bytes NOT copied.
 */
export function copy_user_phys(mm: mm_struct, task: task_struct | null, va: number, pa: number, len: number, to_user: boolean): number {
  va >>>= 0;
  if (!access_ok(va, len)) return len;
  const ram = mm.kernel.machine.ram;
  let done = 0;
  while (done < len) {
    const addr = va + done;
    const chunk = Math.min(len - done, 4096 - (addr & 0xfff));
    const upa = user_page(mm, task, addr, to_user);
    if (upa < 0) return len - done;
    const at = upa + (addr & 0xfff);
    if (to_user) ram.copyBytes(at, pa + done, chunk);
    else ram.copyBytes(pa + done, at, chunk);
    done += chunk;
  }
  return 0;
}
