// The invariant checker behind --check (and the tests): recount everything from scratch and compare
// with the bookkeeping. Every frame must be exactly one of: free in the buddy allocator, a page table
// of a live mm, the zero page, or mapped by PTEs whose count equals its _mapcount + 1 and _refcount
// plus one reference for each kernel object that holds it (a shmem object, the page cache, a pipe:
// Kernel.page_holders), in which case it may be mapped by none.
// Swap is recounted too: every slot's swap_map count equals the swap entries found in page tables
// and shmem objects, SWAP_HAS_CACHE is set exactly for the slots whose page is in the swap cache,
// and every mm's MM_SWAPENTS equals its swap PTEs. The reverse map must find every mapping: each
// linked VMA is in the set of its anon_vma, file or shmem object.
// The first inconsistency is thrown as a KernelBug naming it: a vmos bug, never a guest's fault.

import { PTE_V } from "../../src/hw/sv32.js";
import { KernelBug } from "../bug.js";
import { hex } from "../trace.js";
import type { Kernel } from "../kernel.js";
import { get_mm_counter, NR_MM_COUNTERS, TASK_SIZE, type mm_struct } from "./mm_types.js";
import { MM_SWAPENTS } from "./mm_types.js";
import { PageReserved, PageSwapBacked, PageSwapCache, PageTable } from "./page.js";
import { check_buddy } from "./page_alloc.js";
import { pte_none, pte_pfn, pte_present, pte_special, PTRS_PER_PTE } from "./pgtable.js";
import { anon_vma, mm_counter, PageAnon } from "./rmap.js";
import { shmem_inode_info, shmem_kernel_files, vma_is_shmem, vma_shmem } from "./shmem.js";
import { swap_cache_entries } from "./swap_state.js";
import { __swap_count, COUNT_CONTINUED, nr_swap_pages, swap_areas, SWAP_HAS_CACHE, SWAP_MAP_BAD, total_swap_pages } from "./swapfile.js";
import { is_swap_pte, pte_to_swp_entry, swp_entry, swp_offset, swp_type, type swp_entry_t } from "./swapops.js";
import { find_vma, validate_mm_rb } from "./vma_tree.js";

function fail(what: string): never {
  throw new KernelBug(`invariant check failed: ${what}`);
}

/** Every distinct live mm (several tasks may share one later). */
function live_mms(k: Kernel): mm_struct[] {
  const seen = new Set<mm_struct>();
  for (const t of k.tasks.values()) if (t.mm !== null) seen.add(t.mm);
  return [...seen];
}

/** References to swap slots found so far (swap PTEs and shmem objects), by entry. */
type SwapRefs = Map<swp_entry_t, number>;

/** A swap entry found in a PTE or a shmem object must name a slot in use; count it. */
function count_swap_ref(k: Kernel, entry: swp_entry_t, where: string, swaprefs: SwapRefs): void {
  const si = swap_areas(k)[swp_type(entry)];
  const offset = swp_offset(entry);
  if (si === undefined || offset === 0 || offset >= si.max) fail(`${where} holds swap entry ${hex(entry)}, which names no slot`);
  if (si.swap_map[offset] === 0) fail(`${where} holds swap entry ${hex(entry)}, whose slot is free`);
  swaprefs.set(entry, (swaprefs.get(entry) ?? 0) + 1);
}

/** Walk one mm's page tables: count page-table frames and mapping references, check RSS and VMAs. */
function check_mm(k: Kernel, mm: mm_struct, tables: Set<number>, mapped: Map<number, number>, swaprefs: SwapRefs): void {
  const ram = k.machine.ram;
  const vmaProblem = validate_mm_rb(mm);
  if (vmaProblem !== null) fail(`VMA tree of ${mm.exe_name}: ${vmaProblem}`);
  if (tables.has(mm.pgd)) fail(`pgd pfn ${hex(mm.pgd)} of ${mm.exe_name} is also another page table`);
  tables.add(mm.pgd);
  let nTables = 1;
  const rss = new Array<number>(NR_MM_COUNTERS).fill(0);
  for (let i = 0; i < PTRS_PER_PTE; i++) {
    const pgd = ram.read32(mm.pgd * 4096 + i * 4);
    if ((pgd & PTE_V) === 0) continue;
    const table = pte_pfn(pgd);
    if (tables.has(table)) fail(`PTE table pfn ${hex(table)} is used twice`);
    if (!PageTable(k.mem_map[table]!)) fail(`pgd entry ${i} of ${mm.exe_name} points at pfn ${hex(table)}, which is not a page table`);
    tables.add(table);
    nTables++;
    for (let j = 0; j < PTRS_PER_PTE; j++) {
      const pte = ram.read32(table * 4096 + j * 4);
      if (pte_none(pte)) continue;
      const va = ((i << 22) | (j << 12)) >>> 0;
      if (va >= TASK_SIZE) fail(`PTE for ${hex(va)} above TASK_SIZE in ${mm.exe_name}`);
      const vma = find_vma(mm, va);
      if (vma === null || vma.vm_start > va) fail(`PTE for ${hex(va)} in ${mm.exe_name} lies outside every VMA`);
      if (is_swap_pte(pte)) {
        if (vma.anon_vma === null) fail(`swap PTE at ${hex(va)} in ${mm.exe_name} lies in a VMA without an anon_vma`);
        count_swap_ref(k, pte_to_swp_entry(pte), `the PTE at ${hex(va)} of ${mm.exe_name}`, swaprefs);
        rss[MM_SWAPENTS]++;
        continue;
      }
      if (!pte_present(pte)) continue;
      const pfn = pte_pfn(pte);
      if (pte_special(pte)) {
        if (pfn !== k.zero_pfn) fail(`special PTE at ${hex(va)} maps pfn ${hex(pfn)}, not the zero page`);
        continue;
      }
      mapped.set(pfn, (mapped.get(pfn) ?? 0) + 1);
      rss[mm_counter(k.mem_map[pfn]!)]++;
    }
  }
  if (mm.pgtables_bytes !== (nTables - 1) * 4096) fail(`${mm.exe_name}: pgtables_bytes ${mm.pgtables_bytes} but ${nTables - 1} PTE tables found`);
  for (let c = 0; c < NR_MM_COUNTERS; c++) {
    if (get_mm_counter(mm, c) !== rss[c]) {
      fail(`${mm.exe_name}: RSS counter ${c} is ${get_mm_counter(mm, c)} but ${rss[c]} ${c === MM_SWAPENTS ? "swap entries are in its PTEs" : "pages are mapped"}`);
    }
  }
  check_rmap_sets(mm);
}

/** Every VMA of `mm` is where the reverse map looks for its pages: its anon_vma's, file's or shmem object's set. */
function check_rmap_sets(mm: mm_struct): void {
  for (let v = mm.mmap; v !== null; v = v.vm_next) {
    const where = `VMA ${hex(v.vm_start)}-${hex(v.vm_end)} of ${mm.exe_name}`;
    if (v.anon_vma !== null && !(v.anon_vma as anon_vma).vmas.has(v)) fail(`${where} is missing from its anon_vma's set (rmap cannot find its pages)`);
    if (vma_is_shmem(v) && !vma_shmem(v).i_mmap.has(v)) fail(`${where} is missing from its shmem object's i_mmap`);
    const f = v.vm_file as { f_inode?: { i_mapping: { i_mmap: Set<unknown> } } | null } | null;
    if (f?.f_inode && !f.f_inode.i_mapping.i_mmap.has(v)) fail(`${where} is missing from its file's i_mmap`);
  }
}

/** Frames inside free buddy blocks (only a block's first page carries PageBuddy, as in Linux). */
function free_frames(k: Kernel): Set<number> {
  const free = new Set<number>();
  k.zone.free_area.forEach((area, order) => {
    for (let p = area.free_list; p !== null; p = p.lru_next) {
      for (let i = 0; i < 1 << order; i++) free.add(p.pfn + i);
    }
  });
  return free;
}

/**
 * The shmem objects (shmem.ts): of shared anonymous memory, held by exactly the VMAs that name them,
 * and of SysV segments, held by those VMAs plus the segment (shmem_kernel_files). Each page knows its
 * place in its object. Returns the frames the objects hold, with who holds them.
 */
function check_shmem(k: Kernel, mms: mm_struct[], swaprefs: SwapRefs): Map<number, string> {
  const holders = new Map<shmem_inode_info, number>();
  for (const info of shmem_kernel_files(k).keys()) holders.set(info, 1);
  for (const mm of mms) {
    for (let v = mm.mmap; v !== null; v = v.vm_next) {
      if (!vma_is_shmem(v)) {
        if (v.vm_private_data instanceof shmem_inode_info) fail(`VMA ${hex(v.vm_start)}-${hex(v.vm_end)} of ${mm.exe_name} holds a shmem object without shmem_vm_ops (copied without vm_area_dup?)`);
        continue;
      }
      holders.set(vma_shmem(v), (holders.get(vma_shmem(v)) ?? 0) + 1);
    }
  }
  const frames = new Map<number, string>();
  for (const [info, n] of holders) {
    const who = shmem_kernel_files(k).get(info) ?? "a shmem object";
    if (info.vma_refs !== n) fail(`${who} (${info.name}) is held by ${n} VMAs and kernel objects but counts ${info.vma_refs} (a VMA copied without vm_area_dup, or removed without vma_put_refs?)`);
    for (const [index, p] of info.pages) {
      if (p.mapping !== info || p.index !== index || !PageSwapBacked(p)) fail(`shmem page pfn ${hex(p.pfn)} does not know its place (index ${index})`);
      if (frames.has(p.pfn)) fail(`pfn ${hex(p.pfn)} is in shmem objects twice`);
      frames.set(p.pfn, who);
    }
    for (const [index, entry] of info.swapped) {
      if (info.pages.has(index)) fail(`${who} (${info.name}) has offset ${index} both in memory and in swap`);
      count_swap_ref(k, entry, `${who} (${info.name}) offset ${index}`, swaprefs);
    }
  }
  return frames;
}

/**
 * Swap: each slot's count equals the references found (swaprefs); SWAP_HAS_CACHE is set exactly for
 * the slots whose page is in the swap cache, and that page knows its entry; the free and total
 * counts add up. A swap-cache page is swap-backed, and anonymous unless it is a shmem page on its way out.
 */
function check_swap(k: Kernel, swaprefs: SwapRefs): void {
  const cache = swap_cache_entries(k);
  let free = 0, total = 0;
  for (const si of swap_areas(k)) {
    total += si.pages;
    let inuse = 0;
    if (si.swap_map[0] !== SWAP_MAP_BAD) fail(`swap area ${si.type}: the header slot is not marked bad`);
    for (let offset = 1; offset < si.max; offset++) {
      const byte = si.swap_map[offset]!;
      if (byte === 0) {
        free++;
        continue;
      }
      inuse++;
      const entry = swp_entry(si.type, offset);
      const count = __swap_count(k, entry);
      const found = swaprefs.get(entry) ?? 0;
      if (count !== found) fail(`swap slot ${offset}: swap_map counts ${count} references but ${found} swap entries refer to it`);
      if ((byte & COUNT_CONTINUED) !== 0 && !si.continued.has(offset)) fail(`swap slot ${offset}: COUNT_CONTINUED without a continuation`);
      const cached = cache.get(entry);
      if (((byte & SWAP_HAS_CACHE) !== 0) !== (cached !== undefined)) {
        fail(`swap slot ${offset}: SWAP_HAS_CACHE is ${byte & SWAP_HAS_CACHE ? "set" : "clear"} but the swap cache ${cached ? "has" : "lacks"} its page`);
      }
    }
    if (inuse !== si.inuse_pages) fail(`swap area ${si.type}: ${inuse} slots in use but inuse_pages says ${si.inuse_pages}`);
  }
  if (free !== nr_swap_pages(k) || total !== total_swap_pages(k)) {
    fail(`swap: ${free} free of ${total} slots, but nr_swap_pages ${nr_swap_pages(k)} of total_swap_pages ${total_swap_pages(k)}`);
  }
  for (const [entry, p] of cache) {
    if (!PageSwapCache(p) || p.private !== entry) fail(`swap cache page pfn ${hex(p.pfn)} does not know its entry ${hex(entry)}`);
    if (!PageAnon(p) && p.mapping !== null) fail(`swap cache page pfn ${hex(p.pfn)} is neither anonymous nor a shmem page on its way out`);
  }
}

/** References held outside page tables: shmem objects (behind VMAs or SysV segments), and every registered holder. */
function held_references(k: Kernel, mms: mm_struct[], free: Set<number>, swaprefs: SwapRefs): Map<number, number> {
  const held = new Map<number, number>();
  const hold = (pfn: number, who: string): void => {
    if (free.has(pfn)) fail(`pfn ${hex(pfn)} is free but still held by ${who}`);
    held.set(pfn, (held.get(pfn) ?? 0) + 1);
  };
  for (const [pfn, who] of check_shmem(k, mms, swaprefs)) hold(pfn, who);
  for (const holder of k.page_holders) for (const p of holder.pages()) hold(p.pfn, holder.name);
  return held;
}

/** Recount all of memory; throws KernelBug at the first inconsistency. */
export function check_kernel(k: Kernel): void {
  const buddy = check_buddy(k.zone);
  if (buddy !== null) fail(`buddy allocator: ${buddy}`);
  const free = free_frames(k);
  const tables = new Set<number>();
  const mapped = new Map<number, number>();
  const mms = live_mms(k);
  const swaprefs: SwapRefs = new Map();
  for (const mm of mms) check_mm(k, mm, tables, mapped, swaprefs);
  const held = held_references(k, mms, free, swaprefs);
  check_swap(k, swaprefs);
  for (const p of k.mem_map) {
    const refs = mapped.get(p.pfn) ?? 0;
    const holds = held.get(p.pfn) ?? 0;
    if (holds > 0) {
      // Held by a kernel object (one reference each) and mapped by any number of PTEs (one more each).
      if (p._mapcount + 1 !== refs || p._refcount !== refs + holds) {
        fail(`pfn ${hex(p.pfn)} is mapped by ${refs} PTEs and held ${holds} times but has mapcount ${p._mapcount + 1}, refcount ${p._refcount} (want ${refs + holds})`);
      }
    } else if (free.has(p.pfn)) {
      if (refs > 0 || tables.has(p.pfn)) fail(`pfn ${hex(p.pfn)} is free but still mapped or used as a page table`);
    } else if (PageTable(p)) {
      if (!tables.has(p.pfn)) fail(`pfn ${hex(p.pfn)} is marked as a page table but no live mm uses it (leaked)`);
    } else if (p.pfn === k.zero_pfn) {
      if (!PageReserved(p)) fail("the zero page is not reserved");
    } else if (refs === 0) {
      fail(`pfn ${hex(p.pfn)} is allocated but nothing maps or holds it (leaked): refcount ${p._refcount}, mapcount ${p._mapcount + 1}`);
    } else if (p._mapcount + 1 !== refs || p._refcount !== refs) {
      fail(`pfn ${hex(p.pfn)} is mapped by ${refs} PTEs but has mapcount ${p._mapcount + 1}, refcount ${p._refcount}`);
    }
  }
}
