// Linux: mm/mincore.c. mincore() reports which pages of a range are resident: one byte per page,
// bit 0 set when the page is in memory. It looks only: nothing is faulted in.
//
//   PTE present (PROT_NONE included, the zero page included)        1
//   PTE empty, private anonymous memory                              0 (a fault would make a new page)
//   PTE empty, a file mapping (shared or private)                    1 if the page cache has the page
//   PTE empty, shared anonymous memory                               1 if the shmem object has the page
//                                                                      (or it is swapped out and still in
//                                                                      the swap cache)
//   PTE holds a swap entry                                           1 if the page is in the swap cache

import { f_mapping, type file } from "../fs/file.js";
import type { task_struct } from "../proc/task.js";
import { find_get_page } from "./filemap.js";
import { PAGE_MASK } from "./mmap.js";
import { TASK_SIZE, type mm_struct } from "./mm_types.js";
import { pte_none, pte_offset, pte_present } from "./pgtable.js";
import { linear_page_index } from "./rmap.js";
import { shmem_find_page, vma_is_shmem, vma_shmem } from "./shmem.js";
import { lookup_swap_cache } from "./swap_state.js";
import { pte_to_swp_entry } from "./swapops.js";
import { copy_to_user } from "../syscalls/uaccess.js";
import { find_vma } from "./vma_tree.js";
import type { vm_area_struct } from "./vma.js";

const PAGE_SIZE = 4096;
const ENOMEM = 12, EFAULT = 14, EINVAL = 22;

/** Linux: mincore_pte_range() and __mincore_unmapped_range(): the residency byte of the page at addr. */
function mincore_page(mm: mm_struct, vma: vm_area_struct, addr: number): number {
  const k = mm.kernel;
  const ram = k.machine.ram;
  const ptep = pte_offset(ram, mm, addr);
  const pte = ptep < 0 ? 0 : ram.read32(ptep);
  if (pte_present(pte)) return 1;
  if (pte_none(pte)) {
    // Linux: mincore_page(vma->vm_file->f_mapping, pgoff) for a file; anonymous memory has none.
    if (vma_is_shmem(vma)) return shmem_find_page(k, vma_shmem(vma), linear_page_index(vma, addr)) !== null ? 1 : 0;
    // A file's page may be in the page cache though this process never touched it (read(), another
    // mapping, an earlier run of the program). Every task is root, so can_do_mincore() always lets
    // the page cache show.
    const mapping = vma.vm_file === null ? null : f_mapping(vma.vm_file as file);
    if (mapping !== null) return find_get_page(mapping, linear_page_index(vma, addr)) !== null ? 1 : 0;
    return 0;
  }
  // A swap entry: Linux's mincore_page(swap_address_space(entry), swp_offset(entry)).
  return lookup_swap_cache(k, pte_to_swp_entry(pte)) !== null ? 1 : 0;
}

/**
 * Linux: do_mincore(): fill vec with the bytes of up to `pages` pages from addr, within the VMA
 * containing addr. Returns the count, or -ENOMEM when addr is not mapped.
 */
function do_mincore(mm: mm_struct, addr: number, pages: number, vec: Uint8Array): number {
  const vma = find_vma(mm, addr);
  if (vma === null || addr < vma.vm_start) return -ENOMEM;
  const end = Math.min(vma.vm_end, addr + pages * PAGE_SIZE);
  const n = (end - addr) / PAGE_SIZE;
  for (let i = 0; i < n; i++) vec[i] = mincore_page(mm, vma, addr + i * PAGE_SIZE);
  return n;
}

/**
 * Linux: SYSCALL_DEFINE3(mincore)(start, len, vec): one byte per page of [start, start+len) into vec.
 * -EINVAL: start not page aligned. -ENOMEM: the range leaves the user address space, or part of it is
 * unmapped (the bytes for the mapped part before the hole are written already). -EFAULT: vec cannot
 * be written. Works in chunks of one page of bytes, as Linux does.
 */
export function sys_mincore(mm: mm_struct, task: task_struct | null, start: number, len: number, vec: number): number {
  start >>>= 0;
  len >>>= 0;
  vec >>>= 0;
  if (start & ~PAGE_MASK) return -EINVAL;
  if (start + len > TASK_SIZE) return -ENOMEM; // Linux: !access_ok(start, len)
  let pages = Math.floor(len / PAGE_SIZE) + (len % PAGE_SIZE !== 0 ? 1 : 0);
  if (vec + pages > TASK_SIZE) return -EFAULT; // Linux: !access_ok(vec, pages)
  const tmp = new Uint8Array(PAGE_SIZE);
  while (pages > 0) {
    const n = do_mincore(mm, start, Math.min(pages, PAGE_SIZE), tmp);
    if (n <= 0) return n;
    if (copy_to_user(mm, task, vec, tmp.subarray(0, n)) !== 0) return -EFAULT;
    pages -= n;
    vec += n;
    start += n * PAGE_SIZE;
  }
  return 0;
}
