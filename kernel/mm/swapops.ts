// Linux: include/linux/swapops.h and arch/riscv/include/asm/pgtable.h's __swp_* macros: where a
// swapped-out page is. A swap entry names a slot, (type, offset): the swap area (swap_info[type]) and
// the slot in it. The kernel passes it around as swp_entry_t, an arch-independent number
//
//     swp_entry_t:  | type 30..26 | offset 25..0 |           (Linux: SWP_TYPE_SHIFT = 26 on 32-bit)
//
// and stores it in the PTE of the page it replaced, in riscv's swap-PTE format:
//
//     swap pte:     | offset 31..7 | type 6..2 | PROT_NONE (R) 1 = 0 | V 0 = 0 |
//
// V = 0 makes the hardware fault on any access; R = 0 tells the kernel it is not a PROT_NONE page
// (those are V = 0, R = 1 and count as present: pte_present()). A swap PTE is never 0 (pte_none),
// because offset 0 of every swap area is its header and never holds a page.
// page.private holds a swap-cache page's swp_entry_t (PG_swapcache), as in Linux.

import { PTE_R, PTE_V } from "../../src/hw/sv32.js";
import { pte_none, pte_present } from "./pgtable.js";

/** Linux: swp_entry_t. The arch-independent form; 0 is "no entry" (get_swap_page's failure). */
export type swp_entry_t = number;

/** Linux: MAX_SWAPFILES_SHIFT: 5 bits of type. */
export const MAX_SWAPFILES_SHIFT = 5;
/** Linux: SWP_TYPE_SHIFT = BITS_PER_XA_VALUE (31 on 32-bit) - MAX_SWAPFILES_SHIFT. */
const SWP_TYPE_SHIFT = 26;
const SWP_OFFSET_MASK = (1 << SWP_TYPE_SHIFT) - 1;

// riscv: __SWP_TYPE_SHIFT 2, __SWP_TYPE_BITS 5, __SWP_OFFSET_SHIFT = 7.
const __SWP_TYPE_SHIFT = 2;
const __SWP_TYPE_MASK = (1 << MAX_SWAPFILES_SHIFT) - 1;
const __SWP_OFFSET_SHIFT = __SWP_TYPE_SHIFT + MAX_SWAPFILES_SHIFT;
/** The largest offset a riscv32 swap PTE can hold: 25 bits (2^25 slots, 128 GiB per area). */
export const SWP_OFFSET_MAX = 2 ** (32 - __SWP_OFFSET_SHIFT) - 1;

/** Linux: swp_entry(type, offset). */
export function swp_entry(type: number, offset: number): swp_entry_t {
  return ((type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK)) >>> 0;
}

/** Linux: swp_type(): which swap area. */
export function swp_type(entry: swp_entry_t): number {
  return entry >>> SWP_TYPE_SHIFT;
}

/** Linux: swp_offset(): which slot of the area. */
export function swp_offset(entry: swp_entry_t): number {
  return entry & SWP_OFFSET_MASK;
}

/**
 * Linux: is_swap_pte(): neither empty nor present. On riscv every such PTE is a swap entry (vmos
 * has no migration or device entries, which Linux keeps in the high swap types).
 */
export function is_swap_pte(pte: number): boolean {
  return !pte_none(pte) && !pte_present(pte);
}

/** Linux: pte_to_swp_entry() -> __pte_to_swp_entry() + __swp_type/__swp_offset. */
export function pte_to_swp_entry(pte: number): swp_entry_t {
  return swp_entry((pte >>> __SWP_TYPE_SHIFT) & __SWP_TYPE_MASK, pte >>> __SWP_OFFSET_SHIFT);
}

/** Linux: swp_entry_to_pte() -> __swp_entry() + __swp_entry_to_pte(): V = 0, PROT_NONE = 0. */
export function swp_entry_to_pte(entry: swp_entry_t): number {
  const pte = ((swp_type(entry) << __SWP_TYPE_SHIFT) | (swp_offset(entry) << __SWP_OFFSET_SHIFT)) >>> 0;
  return (pte & ~(PTE_V | PTE_R)) >>> 0; // (already clear: documents what makes it a swap PTE)
}
