// The Sv32 page-table walker: the privileged spec's "Virtual Address Translation Process" (section
// "Sv32"), steps 1-8, for a hart that is always in U-mode with MXR=0. The CPU calls it on a TLB
// miss; the TLB's --check-tlb mode calls it (without updates) to verify every TLB hit.
//
//   va:    | VPN[1] 31:22 | VPN[0] 21:12 | offset 11:0 |
//   satp.PPN -> root table --VPN[1]--> PTE: leaf (4 MiB megapage) or pointer
//                                   --VPN[0]--> PTE: must be a leaf (4 KiB page)
//
// A/D scheme: hardware update (not Svade). When an access is allowed, the walker sets A, and on a
// store also D, and writes the PTE back to RAM. It never clears them; the kernel does, for aging
// (A) and after writeback (D), followed by an SFENCE.VMA when it needs the MMU to notice.

import type { Ram } from "./ram.js";
import { Cause } from "./trap.js";
import {
  PTE_A, PTE_D, PTE_PPN_SHIFT, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SATP_MODE_SV32, SATP_PPN_MASK,
} from "./sv32.js";

/** What kind of access is being translated: it picks the permission bit and the fault cause. */
export const enum Access {
  Fetch = 0,
  Load = 1,
  Store = 2,
}

/**
 * Bit 8 of a walk result: the leaf was a 4 MiB megapage. (A walk result has a PTE's layout, and bit 8
 * is the software-reserved RSW field in a real PTE, so nothing else uses it.)
 */
export const WALK_MEGA = 1 << 8;

/** The flag bits of the identity translation Bare mode (satp.MODE = 0) gives every address. */
const BARE_FLAGS = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

/** The PTE bit an access needs, indexed by Access. */
const NEEDS = [PTE_X, PTE_R, PTE_W] as const;
const PAGE_FAULT = [Cause.InstructionPageFault, Cause.LoadPageFault, Cause.StorePageFault] as const;
const ACCESS_FAULT = [Cause.InstructionAccessFault, Cause.LoadAccessFault, Cause.StoreAccessFault] as const;

/**
 * Translate `va` for `access` under `satp`, as the hardware walker does.
 *
 * Returns, when the access is allowed, a number laid out like a PTE for the 4 KiB page holding `va`:
 * the frame number in bits 31:10 (`result >>> PTE_PPN_SHIFT`), the leaf's flag bits V..D in 7:0 (after
 * this walk's A/D update), and WALK_MEGA if the leaf was a megapage. For a megapage the frame is the
 * 4 KiB frame inside it (PPN[0] taken from VPN[0]).
 * Returns `-cause` when it is not: a page fault (12/13/15) for a V=0 entry, a reserved R/W/X encoding
 * (W without R), D/A/U set on a non-leaf entry, a non-leaf at level 0, a leaf without U or without the
 * access's permission, or a misaligned megapage; an access fault (1/5/7) if a page table or the final
 * frame lies outside RAM.
 *
 * With `update`, an allowed access sets A (and D for a store) in the leaf PTE in RAM; without it the
 * walk reads RAM only (the --check-tlb verifier and tests use that).
 * In Bare mode every address maps to itself with all permissions, inside RAM.
 */
export function walk(ram: Ram, satp: number, va: number, access: Access, update: boolean): number {
  const vpn = va >>> 12;
  if ((satp & SATP_MODE_SV32) === 0) {
    return vpn < ram.frames ? (vpn << PTE_PPN_SHIFT) | BARE_FLAGS : -ACCESS_FAULT[access];
  }
  const i32 = ram.i32;
  let table = satp & SATP_PPN_MASK;
  let index = vpn >>> 10; // VPN[1]
  let level = 1;
  let pteIndex: number;
  let pte: number;
  for (;;) {
    // Step 2: read the PTE at table*4096 + index*4. A table outside RAM is an access fault.
    if (table >= ram.frames) return -ACCESS_FAULT[access];
    pteIndex = (table << 10) | index;
    pte = i32[pteIndex]!;
    // Step 3: invalid, or the reserved W-without-R encodings (010, 110).
    if ((pte & PTE_V) === 0 || (pte & (PTE_R | PTE_W)) === PTE_W) return -PAGE_FAULT[access];
    // Step 4: a leaf has R or X; otherwise it points at the next level.
    if ((pte & (PTE_R | PTE_X)) !== 0) break;
    // D, A and U are reserved in a non-leaf PTE, and there is no level below 0.
    if ((pte & (PTE_D | PTE_A | PTE_U)) !== 0 || level === 0) return -PAGE_FAULT[access];
    table = pte >>> PTE_PPN_SHIFT;
    index = vpn & 0x3ff; // VPN[0]
    level = 0;
  }
  // Step 5: a U-mode access needs U=1 and the access's permission (MXR is never set).
  if ((pte & PTE_U) === 0 || (pte & NEEDS[access]) === 0) return -PAGE_FAULT[access];
  let pfn = pte >>> PTE_PPN_SHIFT;
  if (level === 1) {
    // Step 6: a megapage must be 4 MiB aligned (PPN[0] = 0); step 8: PPN[0] comes from VPN[0].
    if ((pfn & 0x3ff) !== 0) return -PAGE_FAULT[access];
    pfn |= vpn & 0x3ff;
  }
  // The physical memory check comes before the A/D update, so a faulting access marks nothing.
  if (pfn >= ram.frames) return -ACCESS_FAULT[access];
  // Step 7: hardware A/D update.
  if (update) {
    const want = access === Access.Store ? PTE_A | PTE_D : PTE_A;
    if ((pte & want) !== want) {
      pte |= want;
      i32[pteIndex] = pte;
      ram.decoded[pteIndex] = 0;
    }
  }
  return (pfn << PTE_PPN_SHIFT) | (pte & 0xff) | (level === 1 ? WALK_MEGA : 0);
}
