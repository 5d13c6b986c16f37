// Sv32 page tables as the kernel sees them: PTE helpers with Linux's names
// (arch/riscv/include/asm/pgtable.h, pgtable-bits.h) and the two-level walk that allocates tables.
//
//   va:  | VPN[1] 31..22 | VPN[0] 21..12 | offset 11..0 |      pgd_index = VPN[1], pte_index = VPN[0]
//   pte: | PPN 31..10 | RSW 9..8 | D A G U X W R V |          a PTE table or a page: one 4 KiB frame
//
// Page tables live in emulated RAM and are read and written with physical addresses (the kernel's
// direct map); the MMU in src/hw walks the same bytes. Every change to a valid PTE must be followed by
// a TLB flush (flush_tlb_page) — --check-tlb catches the ones that are missing.

import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from "../../src/hw/sv32.js";
import { COST } from "../../src/hw/clock.js";
import type { Ram } from "../../src/hw/ram.js";
import { BUG_ON } from "../bug.js";
import { hex } from "../trace.js";
import type { mm_struct } from "./mm_types.js";
import { ClearPageTable, PageTable, PAGE_SHIFT, SetPageTable } from "./page.js";
import { alloc_page, __free_pages } from "./page_alloc.js";
import { VM_EXEC, VM_READ, VM_SHARED, VM_WRITE } from "./vma.js";

export const PTRS_PER_PTE = 1024;
export const PGDIR_SHIFT = 22;
/** Linux: _PAGE_SPECIAL (_PAGE_SOFT): a PTE with no struct page behind it to count (the zero page). */
export const _PAGE_SPECIAL = 1 << 8;
/** Linux: _PAGE_PROT_NONE = _PAGE_READ: with V clear, "present but inaccessible" (PROT_NONE). */
export const _PAGE_PROT_NONE = PTE_R;

// Linux: _PAGE_BASE pre-sets A (and the user bit); D is set when a page is made writable by a fault.
const _PAGE_BASE = PTE_V | PTE_A | PTE_U;
export const PAGE_NONE = _PAGE_PROT_NONE;
export const PAGE_READ = _PAGE_BASE | PTE_R;
export const PAGE_WRITE = _PAGE_BASE | PTE_R | PTE_W;
export const PAGE_EXEC = _PAGE_BASE | PTE_X;
export const PAGE_READ_EXEC = _PAGE_BASE | PTE_R | PTE_X;
export const PAGE_WRITE_EXEC = _PAGE_BASE | PTE_R | PTE_W | PTE_X;

/**
 * Linux: protection_map[] (__P000..__S111): PTE permissions for a VMA's READ/WRITE/EXEC/SHARED
 * bits. Private writable mappings get read-only PTEs, so the first write faults and COW can happen.
 */
const protection_map: readonly number[] = [
  // private: ---, r--, -w-, rw-, --x, r-x, -wx, rwx
  PAGE_NONE, PAGE_READ, PAGE_READ, PAGE_READ, PAGE_EXEC, PAGE_READ_EXEC, PAGE_EXEC, PAGE_READ_EXEC,
  // shared
  PAGE_NONE, PAGE_READ, PAGE_WRITE, PAGE_WRITE, PAGE_EXEC, PAGE_READ_EXEC, PAGE_WRITE_EXEC, PAGE_WRITE_EXEC,
];

/** Linux: vm_get_page_prot(). */
export function vm_get_page_prot(vm_flags: number): number {
  return protection_map[vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)]!;
}

export const pte_none = (pte: number): boolean => pte === 0;
export const pte_present = (pte: number): boolean => (pte & (PTE_V | _PAGE_PROT_NONE)) !== 0;
export const pte_write = (pte: number): boolean => (pte & PTE_W) !== 0;
export const pte_dirty = (pte: number): boolean => (pte & PTE_D) !== 0;
export const pte_young = (pte: number): boolean => (pte & PTE_A) !== 0;
export const pte_special = (pte: number): boolean => (pte & _PAGE_SPECIAL) !== 0;
export const pte_pfn = (pte: number): number => pte >>> 10;
export const pte_mkwrite = (pte: number): number => (pte | PTE_W) >>> 0;
export const pte_wrprotect = (pte: number): number => (pte & ~PTE_W) >>> 0;
export const pte_mkdirty = (pte: number): number => (pte | PTE_D) >>> 0;
export const pte_mkclean = (pte: number): number => (pte & ~PTE_D) >>> 0;
export const pte_mkyoung = (pte: number): number => (pte | PTE_A) >>> 0;
export const pte_mkold = (pte: number): number => (pte & ~PTE_A) >>> 0;
export const pte_mkspecial = (pte: number): number => (pte | _PAGE_SPECIAL) >>> 0;
/** Linux: pfn_pte(). */
export const pfn_pte = (pfn: number, prot: number): number => ((pfn << 10) | prot) >>> 0;

/** Linux: maybe_mkwrite(): writable only if the VMA allows writing. */
export function maybe_mkwrite(pte: number, vm_flags: number): number {
  return vm_flags & VM_WRITE ? pte_mkwrite(pte) : pte;
}

/** `rw-` style permissions of a PTE, for traces. */
export function pte_perms(pte: number): string {
  return `${pte & PTE_R ? "r" : "-"}${pte & PTE_W ? "w" : "-"}${pte & PTE_X ? "x" : "-"}`;
}

const pgd_index = (va: number): number => va >>> PGDIR_SHIFT;
const pte_index = (va: number): number => (va >>> PAGE_SHIFT) & (PTRS_PER_PTE - 1);

/** Physical address of the pgd entry for `va`. */
export function pgd_offset(mm: mm_struct, va: number): number {
  return mm.pgd * 4096 + pgd_index(va) * 4;
}

/** Linux: pte_offset_map(): physical address of the PTE for `va`, or -1 when there is no PTE table. */
export function pte_offset(ram: Ram, mm: mm_struct, va: number): number {
  const pgd = ram.read32(pgd_offset(mm, va));
  if ((pgd & PTE_V) === 0) return -1;
  return pte_pfn(pgd) * 4096 + pte_index(va) * 4;
}

/** Linux: pte_alloc() + pte_offset_map(): the PTE's physical address, allocating its table; -1 if out of memory. */
export function pte_alloc(mm: mm_struct, va: number): number {
  const k = mm.kernel;
  const ram = k.machine.ram;
  const existing = pte_offset(ram, mm, va);
  if (existing >= 0) return existing;
  const table = alloc_page(k.zone);
  if (table === null) return -1;
  ram.zeroFrame(table.pfn);
  k.machine.clock.advance(COST.zeroPage);
  SetPageTable(table);
  mm.pgtables_bytes += 4096;
  // A pointer to the next level: V only (R=W=X=0), as the Sv32 spec and Linux's _PAGE_TABLE say.
  ram.write32(pgd_offset(mm, va), pfn_pte(table.pfn, PTE_V));
  if (k.trace.mm) k.trace.note("mm", `pte_alloc ${hex(va & ~0x3fffff)} = pfn ${hex(table.pfn)}`);
  return table.pfn * 4096 + pte_index(va) * 4;
}

/**
 * Linux: pgd_alloc(): a zeroed root table. Returns its pfn, or -1 if out of memory. Like riscv's
 * (a plain __get_free_page), it is not counted in pgtables_bytes: VmPTE and PageTables count the
 * PTE tables only.
 */
export function pgd_alloc(mm: mm_struct): number {
  const k = mm.kernel;
  const table = alloc_page(k.zone);
  if (table === null) return -1;
  k.machine.ram.zeroFrame(table.pfn);
  SetPageTable(table);
  mm.pgd = table.pfn;
  return table.pfn;
}

/** Free one page-table frame (Linux: pte_free / pgd_free); only PTE tables were counted. */
function free_table(mm: mm_struct, pfn: number, counted: boolean): void {
  const k = mm.kernel;
  const p = k.mem_map[pfn]!;
  BUG_ON(!PageTable(p), `freeing pfn ${hex(pfn)} as a page table, but it is not one`);
  ClearPageTable(p);
  if (counted) mm.pgtables_bytes -= 4096;
  __free_pages(k.zone, p, 0);
}

/**
 * Linux: free_pgd_range(): free the PTE tables that map only addresses in [start, end) (rounded out to
 * whole 4 MiB tables) and that no VMA still covers. The caller has already cleared their PTEs.
 */
export function free_pgd_range(mm: mm_struct, start: number, end: number, stillMapped: (lo: number, hi: number) => boolean): void {
  const ram = mm.kernel.machine.ram;
  for (let i = pgd_index(start); i <= pgd_index(end - 1); i++) {
    const lo = i << PGDIR_SHIFT >>> 0;
    const hi = lo + (1 << PGDIR_SHIFT);
    if (stillMapped(lo, hi)) continue;
    const entry = mm.pgd * 4096 + i * 4;
    const pgd = ram.read32(entry);
    if ((pgd & PTE_V) === 0) continue;
    ram.write32(entry, 0);
    free_table(mm, pte_pfn(pgd), true);
  }
}

/** Linux: pgd_free(), after every PTE table is gone. */
export function pgd_free(mm: mm_struct): void {
  const ram = mm.kernel.machine.ram;
  for (let i = 0; i < PTRS_PER_PTE; i++) {
    BUG_ON((ram.read32(mm.pgd * 4096 + i * 4) & PTE_V) !== 0, `pgd_free: pgd entry ${i} still points at a PTE table`);
  }
  free_table(mm, mm.pgd, false);
  mm.pgd = 0;
}

/** Linux: set_pte_at() + flush_tlb_page(): write a PTE and make the TLB forget the old one. */
export function set_pte_at(mm: mm_struct, va: number, ptep: number, pte: number): void {
  const k = mm.kernel;
  k.machine.ram.write32(ptep, pte);
  flush_tlb_page(mm, va);
}

/** Linux: flush_tlb_page() -> sfence.vma va, asid. Needed after every PTE change, even invalid -> valid. */
export function flush_tlb_page(mm: mm_struct, va: number): void {
  const k = mm.kernel;
  k.machine.cpu.sfenceVma(va & ~0xfff, mm.asid);
  if (k.trace.tlb) k.trace.note("tlb", `flush_tlb_page ${hex(va & ~0xfff)} asid ${mm.asid}`);
}

/** Linux: flush_tlb_mm() -> sfence.vma x0, asid. */
export function flush_tlb_mm(mm: mm_struct): void {
  const k = mm.kernel;
  k.machine.cpu.sfenceVma(undefined, mm.asid);
  if (k.trace.tlb) k.trace.note("tlb", `flush_tlb_mm asid ${mm.asid}`);
}
