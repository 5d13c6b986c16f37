// The TLB: a direct-mapped, ASID-tagged cache of leaf translations, one 4 KiB page per entry.
//
// Organisation. `entries` slots (a power of two), direct-mapped: a page has exactly one slot,
//   slot = (VPN xor ASID*37) mod entries,
// so two pages that map to the same slot evict each other (simple and fast to look up, and the
// conflict misses are easy to explain). An entry is keyed by `asid << 20 | vpn`, so address spaces
// with different ASIDs coexist and a context switch needs no flush when the kernel gives each process
// its own ASID; the ASID term in the index keeps two processes with the same layout (code at
// 0x10000, stack near the top) from evicting each other's entries.
//
// The CPU's fast path is QEMU's softmmu trick: three tag arrays, one per access type (read, write,
// execute), each holding the slot's key only if the entry allows that access. A load hits when
// `tagR[slot] === key`: one compare covers presence, ASID and permission. The write tag is set only
// if the PTE's D bit was already 1, so the first store to a clean page misses and the walker sets D.
//
// Global (G) entries are cached under the ASID that was current when they were filled (the spec
// allows a TLB to hold them per address space); an SFENCE.VMA for one ASID keeps them, as the spec
// says. Megapages are cached 4 KiB at a time; flushing any address inside a megapage drops every
// cached piece of it.

import { PTE_G, PTE_PPN_SHIFT, PTE_R, PTE_W, PTE_D, PTE_X } from "./sv32.js";
import { WALK_MEGA } from "./mmu.js";

/** Entries a TLB has unless told otherwise. */
export const DEFAULT_TLB_ENTRIES = 64;
/** A key's ASID field starts at bit 20, above the 20-bit VPN. */
export const KEY_ASID_SHIFT = 20;
/**
 * The pseudo-ASID of Bare-mode (untranslated) entries: one more than the largest real ASID, so
 * identity translations never match a Sv32 lookup.
 */
export const BARE_ASID = 0x200;
/** An empty slot's key and tags. Real keys are non-negative. */
const EMPTY = -1;

/** The TLB key of page `vpn` in address space `asid`. */
export function tlbKey(asid: number, vpn: number): number {
  return (asid << KEY_ASID_SHIFT) | vpn;
}

/** What address space `asid` XORs into a VPN to index the TLB (the CPU precomputes it per run). */
export function slotSpread(asid: number): number {
  return (asid * 37) & 0xfffff;
}

/** The slot index bits of `key` (mask with `entries - 1`). */
function slotBits(key: number): number {
  return (key & 0xfffff) ^ slotSpread(key >>> KEY_ASID_SHIFT);
}

/**
 * The translation cache. The CPU reads the typed arrays directly on its fast path and calls
 * `lookup`/`fill` on its slow path; the kernel reaches `flush` through Cpu.sfenceVma.
 * `hits` and `misses` count translations (data accesses and instruction-fetch page changes);
 * `flushes` counts SFENCE.VMA calls of any form.
 */
export class Tlb {
  readonly entries: number;
  /** `entries - 1`: a page's slot is `(vpn ^ slotSpread(asid)) & mask`. */
  readonly mask: number;
  hits = 0;
  misses = 0;
  flushes = 0;
  /** Per slot: the entry's key (`asid << 20 | vpn`), or -1 when empty. */
  readonly key: Int32Array;
  /** Per slot: the fast-path tags (the key, or -1 when that access must take the slow path). */
  readonly tagR: Int32Array;
  readonly tagW: Int32Array;
  readonly tagX: Int32Array;
  /** Per slot: the physical byte address of the page. */
  readonly base: Int32Array;
  /** Per slot: the walk result's flag bits (the leaf PTE's V..D as filled, plus WALK_MEGA). */
  readonly flags: Uint16Array;
  /** Valid megapage pieces filled since the last full flush (an upper bound): lets flushPage skip its scan. */
  private megaPieces = 0;

  /** A TLB of `entries` slots, a power of two from 1 to 2^20; RangeError otherwise. */
  constructor(entries: number = DEFAULT_TLB_ENTRIES) {
    if (!Number.isInteger(entries) || entries < 1 || entries > 1 << 20 || (entries & (entries - 1)) !== 0) {
      throw new RangeError(`TLB size ${entries} must be a power of two from 1 to ${1 << 20}`);
    }
    this.entries = entries;
    this.mask = entries - 1;
    this.key = new Int32Array(entries).fill(EMPTY);
    this.tagR = new Int32Array(entries).fill(EMPTY);
    this.tagW = new Int32Array(entries).fill(EMPTY);
    this.tagX = new Int32Array(entries).fill(EMPTY);
    this.base = new Int32Array(entries);
    this.flags = new Uint16Array(entries);
  }

  /**
   * The slot holding `key` if its entry allows an access needing PTE bit `perm` (PTE_R, PTE_W or PTE_X;
   * PTE_W also needs D), else -1. Counts nothing: the caller counts the hit or miss.
   */
  lookup(key: number, perm: number): number {
    const slot = slotBits(key) & this.mask;
    if (this.key[slot] !== key) return -1;
    const f = this.flags[slot]!;
    if ((f & perm) === 0 || (perm === PTE_W && (f & PTE_D) === 0)) return -1;
    return slot;
  }

  /**
   * Cache the walk result `result` (see mmu.walk) under `key`, replacing whatever the slot held.
   * With `fastTags` false (--check-tlb) the tag arrays stay empty so every access takes the slow path.
   */
  fill(key: number, result: number, fastTags: boolean): void {
    const slot = slotBits(key) & this.mask;
    const f = result & 0x1ff;
    this.key[slot] = key;
    this.base[slot] = (result >>> PTE_PPN_SHIFT) << 12;
    this.flags[slot] = f;
    this.tagR[slot] = fastTags && (f & PTE_R) !== 0 ? key : EMPTY;
    this.tagW[slot] = fastTags && (f & (PTE_W | PTE_D)) === (PTE_W | PTE_D) ? key : EMPTY;
    this.tagX[slot] = fastTags && (f & PTE_X) !== 0 ? key : EMPTY;
    if ((f & WALK_MEGA) !== 0) this.megaPieces++;
  }

  /**
   * SFENCE.VMA. `va` undefined: every page; otherwise the page holding `va` (and every cached piece of
   * a megapage containing it). `asid` undefined: every address space; otherwise that ASID's entries
   * except global ones. Counts one flush.
   */
  flush(va?: number, asid?: number): void {
    this.flushes++;
    if (va === undefined && asid === undefined) {
      this.key.fill(EMPTY);
      this.tagR.fill(EMPTY);
      this.tagW.fill(EMPTY);
      this.tagX.fill(EMPTY);
      this.megaPieces = 0;
      return;
    }
    if (va === undefined) {
      for (let slot = 0; slot < this.entries; slot++) {
        if (this.key[slot]! >>> KEY_ASID_SHIFT === asid) this.dropUnlessGlobal(slot);
      }
      return;
    }
    const vpn = va >>> 12;
    if (asid !== undefined && this.megaPieces === 0) {
      const slot = slotBits(tlbKey(asid, vpn)) & this.mask; // the one place the page can be
      if (this.key[slot] === tlbKey(asid, vpn)) this.dropUnlessGlobal(slot);
      return;
    }
    // The page may sit in any slot (one per ASID), and pieces of a megapage around it in others.
    for (let slot = 0; slot < this.entries; slot++) {
      const k = this.key[slot]!;
      if (k === EMPTY || (asid !== undefined && k >>> KEY_ASID_SHIFT !== asid)) continue;
      const sameRegion = (this.flags[slot]! & WALK_MEGA) !== 0 && (k & 0xfffff) >>> 10 === vpn >>> 10;
      if ((k & 0xfffff) === vpn || sameRegion) this.drop(slot, asid);
    }
  }

  /** Empty `slot`, unless a per-ASID flush (`asid` given) meets a global entry. */
  private drop(slot: number, asid: number | undefined): void {
    if (asid === undefined) this.clear(slot);
    else this.dropUnlessGlobal(slot);
  }

  private dropUnlessGlobal(slot: number): void {
    if ((this.flags[slot]! & PTE_G) === 0) this.clear(slot);
  }

  private clear(slot: number): void {
    this.key[slot] = EMPTY;
    this.tagR[slot] = EMPTY;
    this.tagW[slot] = EMPTY;
    this.tagX[slot] = EMPTY;
  }
}
