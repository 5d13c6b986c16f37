// Linux: fs/proc/task_mmu.c. What /proc/PID/maps, smaps, smaps_rollup and the Vm* lines of status
// and statm say about an address space: the VMAs (what was promised) and, for smaps, a walk over
// their PTEs (what was done), counting each present page as Linux's smaps_pte_entry() does.

import { vm_normal_page } from "../../mm/memory.js";
import {
  get_mm_counter, MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS, type mm_struct,
} from "../../mm/mm_types.js";
import { PageDirty, PageReferenced, PageSwapBacked, page_count, page_mapcount, type page } from "../../mm/page.js";
import { pte_dirty, pte_none, pte_offset, pte_present, pte_young } from "../../mm/pgtable.js";
import { PageAnon } from "../../mm/rmap.js";
import { VM_EXEC, VM_LOCKED, VM_MAYSHARE, VM_READ, VM_WRITE, type vm_area_struct } from "../../mm/vma.js";
import { shmem_swap_usage, vma_is_shmem, vma_shmem } from "../../mm/shmem.js";
import { __swap_count } from "../../mm/swapfile.js";
import { pte_to_swp_entry } from "../../mm/swapops.js";
import { arch_vma_name } from "../../proc/vdso.js";
import { d_path, file_dev, file_ino, type file } from "../file.js";
import { seq_file } from "../seq_file.js";

const PAGE_SIZE = 4096;
const PAGE_ALIGN = (a: number): number => (a + PAGE_SIZE - 1 - ((a + PAGE_SIZE - 1) % PAGE_SIZE));
const PAGE_MASK_DOWN = (a: number): number => a - (a % PAGE_SIZE);
/** Linux: PSS_SHIFT, the fixed-point fraction bits of the Pss accumulators. */
const PSS_SHIFT = 12;

/** Linux: the VMAs of `mm` in address order (mm->mmap, vm_next). */
export function* vmas(mm: mm_struct): Generator<vm_area_struct> {
  for (let v = mm.mmap; v !== null; v = v.vm_next) yield v;
}

/**
 * Linux: show_vma_header_prefix(): "start-end perms offset major:minor inode " and the column to pad
 * names to: 25 + sizeof(void *) * 6 - 1 = 48 on a 32-bit kernel, so names start at column 49.
 */
function show_vma_header_prefix(m: seq_file, start: number, end: number, flags: number, pgoff: number,
  major: number, minor: number, ino: number): void {
  m.setwidth(25 + 4 * 6 - 1);
  m.put_hex_ll("", start, 8);
  m.put_hex_ll("-", end, 8);
  m.puts(" ");
  m.puts(flags & VM_READ ? "r" : "-");
  m.puts(flags & VM_WRITE ? "w" : "-");
  m.puts(flags & VM_EXEC ? "x" : "-");
  m.puts(flags & VM_MAYSHARE ? "s" : "p");
  m.put_hex_ll(" ", pgoff, 8);
  m.put_hex_ll(" ", major, 2);
  m.put_hex_ll(":", minor, 2);
  m.put_decimal_ull(" ", ino);
  m.puts(" ");
}

/**
 * Linux: shmem_get_inode()'s inode number of a shared anonymous mapping's file: vmos numbers the
 * objects per machine in the order /proc first shows them (Linux: get_next_ino(), also small).
 */
const shmem_inodes = new WeakMap<object, { next_ino: number; ino: WeakMap<object, number> }>();
function shmem_ino(mm: mm_struct, info: object): number {
  let inodes = shmem_inodes.get(mm.kernel);
  if (inodes === undefined) shmem_inodes.set(mm.kernel, (inodes = { next_ino: 1, ino: new WeakMap() }));
  let ino = inodes.ino.get(info);
  if (ino === undefined) inodes.ino.set(info, (ino = inodes.next_ino++));
  return ino;
}

/**
 * Linux: show_map_vma(): one line of /proc/PID/maps. File VMAs show the offset, device, inode and
 * path. Shared anonymous memory is a file too in Linux, on the kernel's internal tmpfs (device
 * 00:01): "/dev/zero (deleted)". Otherwise the name is a special mapping's ("[vdso]": vmos backs the
 * vDSO with an in-kernel file, but shows it as Linux shows its special mapping, with no file),
 * "[heap]" for a VMA overlapping [start_brk, brk], "[stack]" for the one containing start_stack, or
 * nothing (the line then ends in "0 ").
 */
export function show_map_vma(m: seq_file, vma: vm_area_struct): void {
  const mm = vma.vm_mm as mm_struct;
  const pgoff = vma.vm_pgoff * PAGE_SIZE;
  let name = arch_vma_name(vma);
  const f = name === null ? vma.vm_file as file | null : null;
  if (f !== null) {
    show_vma_header_prefix(m, vma.vm_start, vma.vm_end, vma.vm_flags, pgoff, ...file_dev(f), file_ino(f));
    m.pad(" ");
    m.puts(d_path(f).replace(/\n/g, "\\012")); // Linux: seq_file_path(m, file, "\n")
    m.puts("\n");
    return;
  }
  if (vma_is_shmem(vma)) {
    // "/dev/zero (deleted)", or "/SYSV0000002a (deleted)" with the shmid as inode for a SysV segment.
    const info = vma_shmem(vma);
    show_vma_header_prefix(m, vma.vm_start, vma.vm_end, vma.vm_flags, pgoff, 0, 1, info.i_ino ?? shmem_ino(mm, info));
    m.pad(" ");
    m.puts(`/${info.name} (deleted)\n`);
    return;
  }
  show_vma_header_prefix(m, vma.vm_start, vma.vm_end, vma.vm_flags, 0, 0, 0, 0);
  if (name === null && vma.vm_start <= mm.brk && vma.vm_end >= mm.start_brk) name = "[heap]";
  if (name === null && vma.vm_start <= mm.start_stack && vma.vm_end >= mm.start_stack) name = "[stack]";
  if (name !== null) {
    m.pad(" ");
    m.puts(name);
  }
  m.puts("\n");
}

/** Linux: /proc/PID/maps (show_map for each VMA). */
export function proc_pid_maps(mm: mm_struct | null): string {
  const m = new seq_file();
  if (mm !== null) for (const vma of vmas(mm)) show_map_vma(m, vma);
  return m.toString();
}

/** Linux: struct mem_size_stats. Byte counts, and Pss sums in bytes << PSS_SHIFT. */
class mem_size_stats {
  resident = 0;
  shared_clean = 0;
  shared_dirty = 0;
  private_clean = 0;
  private_dirty = 0;
  referenced = 0;
  anonymous = 0;
  lazyfree = 0;
  swap = 0;
  pss = 0;
  pss_anon = 0;
  pss_file = 0;
  pss_shmem = 0;
  pss_locked = 0;
  swap_pss = 0;
}

/** Linux: smaps_page_accumulate(). */
function smaps_page_accumulate(mss: mem_size_stats, p: page, size: number, pss: number, dirty: boolean, locked: boolean, priv: boolean): void {
  mss.pss += pss;
  if (PageAnon(p)) mss.pss_anon += pss;
  else if (PageSwapBacked(p)) mss.pss_shmem += pss;
  else mss.pss_file += pss;
  if (locked) mss.pss_locked += pss;
  if (dirty || PageDirty(p)) {
    if (priv) mss.private_dirty += size;
    else mss.shared_dirty += size;
  } else if (priv) mss.private_clean += size;
  else mss.shared_clean += size;
}

/**
 * Linux: smaps_account() for one 4 KiB page: resident; referenced if the PTE is young or the page
 * PG_referenced; private if only we hold it (page_count == 1) or fewer than two PTEs map it, and then
 * all of its Pss is ours, else PAGE_SIZE / mapcount of it.
 */
function smaps_account(mss: mem_size_stats, p: page, young: boolean, dirty: boolean, locked: boolean): void {
  const size = PAGE_SIZE;
  if (PageAnon(p)) {
    mss.anonymous += size;
    if (!PageSwapBacked(p) && !dirty && !PageDirty(p)) mss.lazyfree += size;
  }
  mss.resident += size;
  if (young || PageReferenced(p)) mss.referenced += size;
  if (page_count(p) === 1) {
    smaps_page_accumulate(mss, p, size, size * 2 ** PSS_SHIFT, dirty, locked, true);
    return;
  }
  const mapcount = page_mapcount(p);
  let pss = PAGE_SIZE * 2 ** PSS_SHIFT;
  if (mapcount >= 2) pss = Math.floor(pss / mapcount);
  smaps_page_accumulate(mss, p, PAGE_SIZE, pss, dirty, locked, mapcount < 2);
}

/**
 * Linux: smap_gather_stats() -> walk_page_range() -> smaps_pte_entry() for every PTE of the VMA.
 * The zero page and other special PTEs have no struct page (vm_normal_page) and are not counted. A
 * non-present, non-empty PTE is a swap entry: Swap, and SwapPss shared among the PTEs and shmem
 * objects that refer to the slot (swp_swapcount). A shmem VMA's pages in swap are not in its PTEs
 * but in the object: its Swap is the object's swapped pages in the VMA's range (shmem_swap_usage).
 */
function smap_gather_stats(vma: vm_area_struct, mss: mem_size_stats): void {
  const mm = vma.vm_mm as mm_struct;
  const ram = mm.kernel.machine.ram;
  if (vma_is_shmem(vma)) {
    mss.swap += shmem_swap_usage(vma_shmem(vma), vma.vm_pgoff, vma.vm_pgoff + (vma.vm_end - vma.vm_start) / PAGE_SIZE) * PAGE_SIZE;
  }
  const locked = (vma.vm_flags & VM_LOCKED) !== 0;
  for (let va = vma.vm_start; va < vma.vm_end; va += PAGE_SIZE) {
    const ptep = pte_offset(ram, mm, va);
    if (ptep < 0) {
      va = (Math.floor(va / 0x40_0000) + 1) * 0x40_0000 - PAGE_SIZE; // no PTE table: skip its 4 MiB
      continue;
    }
    const pte = ram.read32(ptep);
    if (pte_present(pte)) {
      const p = vm_normal_page(mm, pte);
      if (p !== null) smaps_account(mss, p, pte_young(pte), pte_dirty(pte), locked);
    } else if (!pte_none(pte)) {
      const mapcount = __swap_count(mm.kernel, pte_to_swp_entry(pte));
      mss.swap += PAGE_SIZE;
      mss.swap_pss += mapcount >= 2 ? Math.floor((PAGE_SIZE * 2 ** PSS_SHIFT) / mapcount) : PAGE_SIZE * 2 ** PSS_SHIFT;
    }
  }
}

/** Linux: __show_smap(): the lines smaps and smaps_rollup share (the rollup adds Pss_Anon/File/Shmem). */
function __show_smap(m: seq_file, mss: mem_size_stats, rollup: boolean): void {
  const dec = (label: string, bytes: number): void => m.put_decimal_ull_width(label, Math.floor(bytes / 1024), 8);
  const pss = (v: number): number => Math.floor(v / 2 ** PSS_SHIFT);
  dec("Rss:            ", mss.resident);
  dec(" kB\nPss:            ", pss(mss.pss));
  if (rollup) {
    dec(" kB\nPss_Anon:       ", pss(mss.pss_anon));
    dec(" kB\nPss_File:       ", pss(mss.pss_file));
    dec(" kB\nPss_Shmem:      ", pss(mss.pss_shmem));
  }
  dec(" kB\nShared_Clean:   ", mss.shared_clean);
  dec(" kB\nShared_Dirty:   ", mss.shared_dirty);
  dec(" kB\nPrivate_Clean:  ", mss.private_clean);
  dec(" kB\nPrivate_Dirty:  ", mss.private_dirty);
  dec(" kB\nReferenced:     ", mss.referenced);
  dec(" kB\nAnonymous:      ", mss.anonymous);
  dec(" kB\nLazyFree:       ", mss.lazyfree);
  // No transparent huge pages on rv32 (riscv selects HAVE_ARCH_TRANSPARENT_HUGEPAGE only if 64BIT),
  // and no hugetlbfs: these are always 0.
  dec(" kB\nAnonHugePages:  ", 0);
  dec(" kB\nShmemPmdMapped: ", 0);
  dec(" kB\nFilePmdMapped:  ", 0);
  dec(" kB\nShared_Hugetlb: ", 0);
  m.put_decimal_ull_width(" kB\nPrivate_Hugetlb: ", 0, 7);
  dec(" kB\nSwap:           ", mss.swap);
  dec(" kB\nSwapPss:        ", pss(mss.swap_pss));
  dec(" kB\nLocked:         ", pss(mss.pss_locked));
  m.puts(" kB\n");
}

/**
 * Linux: show_smap_vma_flags() with BITS_PER_LONG = 32: a two-letter mnemonic per set bit, in bit
 * order, each followed by a space; a set bit without a name prints "??". Bit 11 (VM_DENYWRITE, gone in
 * 5.15) and 27 (VM_SOFTDIRTY, no CONFIG_MEM_SOFT_DIRTY on riscv) have none.
 */
const VM_FLAG_MNEMONICS: readonly string[] = [
  "rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf", "??", "uw", "lo", "io", "sr",
  "rr", "dc", "de", "??", "ac", "nr", "ht", "sf", "ar", "wf", "dd", "??", "mm", "hg", "nh", "mg",
];

function show_smap_vma_flags(m: seq_file, vma: vm_area_struct): void {
  m.puts("VmFlags: ");
  for (let i = 0; i < 32; i++) if ((vma.vm_flags >>> i) & 1) m.puts(`${VM_FLAG_MNEMONICS[i]} `);
  m.puts("\n");
}

/** Linux: show_smap(): the maps line, then sizes, the PTE walk's counts, THPeligible and VmFlags. */
function show_smap(m: seq_file, vma: vm_area_struct): void {
  const mss = new mem_size_stats();
  smap_gather_stats(vma, mss);
  show_map_vma(m, vma);
  m.put_decimal_ull_width("Size:           ", (vma.vm_end - vma.vm_start) / 1024, 8);
  m.put_decimal_ull_width(" kB\nKernelPageSize: ", 4, 8);
  m.put_decimal_ull_width(" kB\nMMUPageSize:    ", 4, 8);
  m.puts(" kB\n");
  __show_smap(m, mss, false);
  m.puts("THPeligible:    0\n");
  show_smap_vma_flags(m, vma);
}

/** Linux: /proc/PID/smaps. */
export function proc_pid_smaps(mm: mm_struct | null): string {
  const m = new seq_file();
  if (mm !== null) for (const vma of vmas(mm)) show_smap(m, vma);
  return m.toString();
}

/**
 * Linux: show_smaps_rollup(): every VMA's counts summed, under a header spanning the first VMA's start
 * to the last one's end. A task without an mm (a zombie) has an empty file (-ESRCH at read in Linux).
 */
export function proc_pid_smaps_rollup(mm: mm_struct | null): string {
  const m = new seq_file();
  if (mm === null) return "";
  const mss = new mem_size_stats();
  let last_vma_end = 0;
  for (const vma of vmas(mm)) {
    smap_gather_stats(vma, mss);
    last_vma_end = vma.vm_end;
  }
  show_vma_header_prefix(m, mm.mmap?.vm_start ?? 0, last_vma_end, 0, 0, 0, 0, 0);
  m.pad(" ");
  m.puts("[rollup]\n");
  __show_smap(m, mss, true);
  return m.toString();
}

/**
 * Linux: task_mem(): the Vm* and Rss* lines of /proc/PID/status. Peaks are the recorded high-water
 * marks or the current values, whichever is higher (the marks are only updated just before a value
 * drops). VmExe is the text segment's pages, VmLib the rest of the executable mappings.
 */
export function task_mem(m: seq_file, mm: mm_struct): void {
  const anon = get_mm_counter(mm, MM_ANONPAGES);
  const file = get_mm_counter(mm, MM_FILEPAGES);
  const shmem = get_mm_counter(mm, MM_SHMEMPAGES);
  const total_vm = mm.total_vm;
  const hiwater_vm = Math.max(total_vm, mm.hiwater_vm);
  const total_rss = anon + file + shmem;
  const hiwater_rss = Math.max(total_rss, mm.hiwater_rss);
  let text = PAGE_ALIGN(mm.end_code) - PAGE_MASK_DOWN(mm.start_code);
  text = Math.min(text, mm.exec_vm * PAGE_SIZE);
  const lib = mm.exec_vm * PAGE_SIZE - text;
  const swap = get_mm_counter(mm, MM_SWAPENTS);
  const dec = (label: string, pages: number): void => m.put_decimal_ull_width(label, pages * 4, 8);
  dec("VmPeak:\t", hiwater_vm);
  dec(" kB\nVmSize:\t", total_vm);
  dec(" kB\nVmLck:\t", mm.locked_vm);
  dec(" kB\nVmPin:\t", 0);
  dec(" kB\nVmHWM:\t", hiwater_rss);
  dec(" kB\nVmRSS:\t", total_rss);
  dec(" kB\nRssAnon:\t", anon);
  dec(" kB\nRssFile:\t", file);
  dec(" kB\nRssShmem:\t", shmem);
  dec(" kB\nVmData:\t", mm.data_vm);
  dec(" kB\nVmStk:\t", mm.stack_vm);
  m.put_decimal_ull_width(" kB\nVmExe:\t", Math.floor(text / 1024), 8);
  m.put_decimal_ull_width(" kB\nVmLib:\t", Math.floor(lib / 1024), 8);
  m.put_decimal_ull_width(" kB\nVmPTE:\t", Math.floor(mm.pgtables_bytes / 1024), 8);
  dec(" kB\nVmSwap:\t", swap);
  m.puts(" kB\n");
}

/** Linux: task_statm(): size, resident, shared, text, data in pages (lib and dirty are always 0). */
export function task_statm(mm: mm_struct): { size: number; resident: number; shared: number; text: number; data: number } {
  const shared = get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_SHMEMPAGES);
  const text = (PAGE_ALIGN(mm.end_code) - PAGE_MASK_DOWN(mm.start_code)) / PAGE_SIZE;
  return {
    size: mm.total_vm,
    resident: shared + get_mm_counter(mm, MM_ANONPAGES),
    shared,
    text,
    data: mm.data_vm + mm.stack_vm,
  };
}

/** Linux: fs/proc/array.c proc_pid_statm(): "size resident shared text lib data dt". */
export function proc_pid_statm(mm: mm_struct | null): string {
  const s = mm === null ? { size: 0, resident: 0, shared: 0, text: 0, data: 0 } : task_statm(mm);
  return `${s.size} ${s.resident} ${s.shared} ${s.text} 0 ${s.data} 0\n`;
}
