// The hart's slow memory path: everything a load, store or fetch does when the CPU's inline TLB
// check fails. It looks the page up in the TLB (a hit for an access the entry allows), else walks
// the page table and fills the TLB; it splits misaligned accesses that cross a page into two
// translations; and under --check-tlb it verifies every TLB hit against a fresh walk.
//
// A fault is reported by returning (-1 or 0) with `faulted` set and `cause`/`tval` holding the trap;
// the CPU checks `faulted` after each call and stops. Nothing is written before every page an access
// touches has been translated, so faulting accesses leave memory as it was (precise traps).

import { COST, type Clock } from "./clock.js";
import { Access, walk } from "./mmu.js";
import type { Ram } from "./ram.js";
import type { ReferenceClock } from "./refclock.js";
import { PTE_D, PTE_PPN_SHIFT, PTE_R, PTE_U, PTE_W, PTE_X, satpAsid, satpIsSv32 } from "./sv32.js";
import { BARE_ASID, KEY_ASID_SHIFT, slotSpread, type Tlb } from "./tlb.js";

/** The PTE bit each Access needs (indexed by Access). */
const PERMISSION = [PTE_X, PTE_R, PTE_W] as const;
const ACCESS_NAMES = ["fetch", "load", "store"] as const;
/** The permission bits --check-tlb compares between a TLB entry and the page table. */
const CHECKED_PERMISSIONS = PTE_R | PTE_W | PTE_X | PTE_U;

/**
 * --check-tlb found a TLB hit that the page table no longer agrees with (different frame or
 * permissions, D cleared, or no valid mapping at all): the kernel changed a PTE without an
 * SFENCE.VMA covering it. `va` is the address being translated; the CPU state is that of the
 * moment before the instruction that used the stale entry.
 */
export class StaleTlbError extends Error {
  constructor(readonly va: number, message: string) {
    super(message);
    this.name = "StaleTlbError";
  }
}

/** The load/store unit's slow path. One per Cpu; `begin` binds it to the satp of a run. */
export class LoadStoreUnit {
  /** Set when the last call faulted; `cause`/`tval` are the trap (or `stale` the --check-tlb error). */
  faulted = false;
  cause = 0;
  tval = 0;
  stale: StaleTlbError | undefined;
  /**
   * The reference clock while it is on (Cpu.setReferenceClock): every translation of a Sv32 page is
   * counted in it, and the TLB is filled without fast-path tags so that every access comes here.
   */
  refs: ReferenceClock | null = null;
  /** TLB key bits of the current address space (`asid << 20`, or BARE_ASID's). */
  asidTag = 0;
  /** The current address space's slotSpread: a page's TLB slot is `(vpn ^ spread) & tlb.mask`. */
  spread = 0;
  private satp = 0;

  constructor(readonly ram: Ram, readonly clock: Clock, readonly tlb: Tlb, readonly checkTlb: boolean) {}

  /** Start a run under `satp`: clears the fault state, sets `asidTag` and `spread`, returns `asidTag`. */
  begin(satp: number): number {
    this.satp = satp;
    this.faulted = false;
    this.stale = undefined;
    const asid = satpIsSv32(satp) ? satpAsid(satp) : BARE_ASID;
    this.asidTag = asid << KEY_ASID_SHIFT;
    this.spread = slotSpread(asid);
    return this.asidTag;
  }

  /**
   * The physical address for an `access` to `va` (the access must not cross a page): a TLB hit, or
   * a walk (costing COST.tlbWalk in Sv32 mode) that fills the TLB. On a fault, -1 (tval = va).
   */
  translate(va: number, access: Access): number {
    const tlb = this.tlb;
    const key = this.asidTag | (va >>> 12);
    const slot = tlb.lookup(key, PERMISSION[access]);
    if (slot >= 0) {
      tlb.hits++;
      if (this.checkTlb && !this.verify(slot, va, access)) return -1;
      if (this.refs !== null && satpIsSv32(this.satp)) this.refs.reference(key, tlb.base[slot]! >>> 12);
      return tlb.base[slot]! | (va & 0xfff);
    }
    tlb.misses++;
    if (satpIsSv32(this.satp)) this.clock.cycles += COST.tlbWalk;
    const result = walk(this.ram, this.satp, va, access, true);
    if (result < 0) return this.fault(-result, va);
    tlb.fill(key, result, !this.checkTlb && this.refs === null);
    if (this.refs !== null && satpIsSv32(this.satp)) this.refs.reference(key, result >>> PTE_PPN_SHIFT);
    return ((result >>> PTE_PPN_SHIFT) << 12) | (va & 0xfff);
  }

  /**
   * Load `size` (1, 2 or 4) bytes at `va`, any alignment, across a page boundary too. Returns them
   * zero-extended (a 4-byte value as int32); 0 after a fault, whose tval is the first byte of the
   * page that faulted.
   */
  load(va: number, size: number): number {
    const pa = this.translate(va, Access.Load);
    if (pa < 0) return 0;
    const inFirst = 4096 - (va & 0xfff);
    let pa2 = pa;
    if (size > inFirst) {
      pa2 = this.translate(((va | 0xfff) + 1) | 0, Access.Load);
      if (pa2 < 0) return 0;
    }
    const u8 = this.ram.u8;
    let v = 0;
    for (let i = 0; i < size; i++) v |= u8[i < inFirst ? pa + i : pa2 + i - inFirst]! << (8 * i);
    return v;
  }

  /** Store the low `size` bytes of `v` at `va`, any alignment; both pages are translated before any byte is written. */
  store(va: number, size: number, v: number): void {
    const pa = this.translate(va, Access.Store);
    if (pa < 0) return;
    const inFirst = 4096 - (va & 0xfff);
    let pa2 = pa;
    if (size > inFirst) {
      pa2 = this.translate(((va | 0xfff) + 1) | 0, Access.Store);
      if (pa2 < 0) return;
    }
    const u8 = this.ram.u8, decoded = this.ram.decoded;
    for (let i = 0; i < size; i++) {
      const p = i < inFirst ? pa + i : pa2 + i - inFirst;
      u8[p] = v >>> (8 * i);
      decoded[p >>> 2] = 0;
    }
  }

  /** Record a trap and return -1. */
  fault(cause: number, tval: number): number {
    this.faulted = true;
    this.cause = cause;
    this.tval = tval >>> 0;
    return -1;
  }

  /** --check-tlb: does TLB `slot` still agree with the page table about `va`? If not, record a StaleTlbError. */
  private verify(slot: number, va: number, access: Access): boolean {
    const tlb = this.tlb;
    const fresh = walk(this.ram, this.satp, va, access, false);
    const cached = tlb.flags[slot]!, pfn = tlb.base[slot]! >>> 12;
    let problem = "";
    if (fresh < 0) problem = `the page table now faults (cause ${-fresh})`;
    else if (fresh >>> PTE_PPN_SHIFT !== pfn) problem = `the page table now maps frame ${fresh >>> PTE_PPN_SHIFT}`;
    else if (((fresh ^ cached) & CHECKED_PERMISSIONS) !== 0) problem = `the page table now says ${perms(fresh)}`;
    else if ((cached & PTE_D) !== 0 && (fresh & PTE_D) === 0) problem = "the page table's D bit is now clear";
    if (problem === "") return true;
    const hex = `0x${(va >>> 0).toString(16).padStart(8, "0")}`;
    this.stale = new StaleTlbError(va >>> 0,
      `stale TLB entry for ${hex} (${ACCESS_NAMES[access]}): the TLB maps it to frame ${pfn} ${perms(cached)}, ` +
      `but ${problem}: a PTE was changed without sfence.vma`);
    this.faulted = true;
    return false;
  }
}

/** "rwxu", with "-" for each permission bit that is clear. */
function perms(flags: number): string {
  const bit = (mask: number, c: string): string => ((flags & mask) !== 0 ? c : "-");
  return bit(PTE_R, "r") + bit(PTE_W, "w") + bit(PTE_X, "x") + bit(PTE_U, "u");
}
