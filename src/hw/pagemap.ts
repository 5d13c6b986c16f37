// A minimal page-table builder for running code on the machine without a kernel: the hardware tests
// and the CPU benchmark use it (the kernel has its own page-table code in kernel/mm). It hands out
// frames from a bump pointer and writes Sv32 tables straight into RAM, like a boot loader would.

import type { ExecutableImage } from "../elf/writer.js";
import type { Ram } from "./ram.js";
import { PAGE_SIZE } from "./ram.js";
import { makePte, makeSatp, ptePfn, PTE_V, vpn0Of, vpn1Of } from "./sv32.js";

/** Leaf flags for the common user mappings (A and D preset, as Linux does for fresh pages). */
export const USER_RX = 0b0101_1011; // A U X R V
export const USER_R = 0b0101_0011; // A U R V
export const USER_RW = 0b1101_0111; // D A U W R V

/**
 * Builds one Sv32 address space in `ram`, taking zeroed frames from `nextPfn` upwards. Throws a
 * RangeError when RAM runs out, or when asked to map over an existing mapping's table slot in a
 * way Sv32 cannot express (a megapage where a table is, or the reverse).
 */
export class PageMap {
  readonly rootPfn: number;

  constructor(readonly ram: Ram, private nextPfn: number) {
    this.rootPfn = this.allocFrame();
  }

  /** A zeroed frame, never handed out before. */
  allocFrame(): number {
    if (this.nextPfn >= this.ram.frames) throw new RangeError("PageMap: out of RAM frames");
    const pfn = this.nextPfn++;
    this.ram.zeroFrame(pfn);
    return pfn;
  }

  /** The satp value selecting this address space under `asid`. */
  satp(asid: number): number {
    return makeSatp(asid, this.rootPfn);
  }

  /** Physical address of the level-0 PTE for `va`, creating its table if needed. */
  leafPteAddr(va: number): number {
    const rootEntry = this.rootPfn * PAGE_SIZE + vpn1Of(va) * 4;
    let pte = this.ram.read32(rootEntry);
    if ((pte & PTE_V) === 0) {
      pte = makePte(this.allocFrame(), PTE_V);
      this.ram.write32(rootEntry, pte);
    } else if ((pte & 0b1110) !== 0) {
      throw new RangeError(`PageMap: 0x${(va >>> 0).toString(16)} is inside a megapage`);
    }
    return ptePfn(pte) * PAGE_SIZE + vpn0Of(va) * 4;
  }

  /** Map the 4 KiB page at `va` to frame `pfn` with PTE flag bits `flags` (PTE_V is added). */
  map(va: number, pfn: number, flags: number): void {
    this.ram.write32(this.leafPteAddr(va), makePte(pfn, flags | PTE_V));
  }

  /** Map the 4 MiB megapage at `va` (4 MiB aligned) to frames `pfn`.. (pfn 1024-aligned). */
  mapMega(va: number, pfn: number, flags: number): void {
    this.ram.write32(this.rootPfn * PAGE_SIZE + vpn1Of(va) * 4, makePte(pfn, flags | PTE_V));
  }

  /** Map fresh zeroed frames over every page that [va, va+len) touches and is not mapped yet. */
  mapFresh(va: number, len: number, flags: number): void {
    for (let page = va - (va % PAGE_SIZE); page < va + len; page += PAGE_SIZE) {
      if ((this.ram.read32(this.leafPteAddr(page)) & PTE_V) === 0) this.map(page, this.allocFrame(), flags);
    }
  }

  /** Copy `data` to virtual address `va` through this map's 4 KiB mappings (which must exist). */
  write(va: number, data: Uint8Array): void {
    for (let done = 0; done < data.length;) {
      const at = va + done, inPage = Math.min(PAGE_SIZE - (at % PAGE_SIZE), data.length - done);
      const pte = this.ram.read32(this.leafPteAddr(at));
      if ((pte & PTE_V) === 0) throw new RangeError(`PageMap.write: 0x${at.toString(16)} is not mapped`);
      this.ram.writeBytes(ptePfn(pte) * PAGE_SIZE + (at % PAGE_SIZE), data.subarray(done, done + inPage));
      done += inPage;
    }
  }

  /**
   * Load an assembled program: .text read+execute, .rodata read-only, .data/.bss read-write, and
   * `stackBytes` of read-write stack just below `stackTop`. Returns the entry point.
   */
  loadImage(image: ExecutableImage, stackTop: number, stackBytes: number): number {
    for (const s of image.sections) {
      const flags = s.name === ".text" ? USER_RX : s.name === ".rodata" ? USER_R : USER_RW;
      this.mapFresh(s.addr, s.size, flags);
      if (s.data !== undefined && s.name !== ".bss") this.write(s.addr, s.data);
    }
    this.mapFresh(stackTop - stackBytes, stackBytes, USER_RW);
    return image.entry;
  }
}
