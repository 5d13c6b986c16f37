// Physical memory: one ArrayBuffer of 4 KiB frames, at physical address 0. The CPU reads and writes
// it through the typed-array views below; the kernel uses the checked methods (its "direct map").
//
// Next to the bytes sits `decoded`, one byte per 32-bit word: the CPU's cache of which instruction
// the word holds (0 = not decoded yet). A word's decoding depends only on its bits, so every path
// that changes a word must zero (or copy, for an identical word) its `decoded` byte. All the write
// paths here do; the CPU's stores do it inline.

/** log2 of the page (frame) size. */
export const PAGE_SHIFT = 12;
/** Bytes per page and per physical frame. */
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Largest RAM vmos supports: byte addresses must stay below 2^31 so `pa >> 2` indexes `i32`. */
export const MAX_RAM_BYTES = 1 << 30;

// The typed-array views below take the host's byte order; RISC-V is little-endian, so the host must be.
if (new Uint8Array(new Uint32Array([0x0403_0201]).buffer)[0] !== 0x01) {
  throw new Error("vmos needs a little-endian host: RISC-V memory is little-endian");
}

/**
 * `bytes` of physical RAM starting at physical address 0, zero-filled. `bytes` must be a multiple of
 * PAGE_SIZE, at least one page and at most MAX_RAM_BYTES; otherwise a RangeError.
 * The kernel-side methods take byte addresses (`pa`) or frame numbers (`pfn`) and throw a RangeError
 * for anything outside RAM: that is a kernel bug, never a guest fault (the MMU reports those).
 */
export class Ram {
  readonly size: number;
  readonly frames: number;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  /** Per-word decoded-op cache for the CPU (0 = not decoded). Every write path keeps it coherent. */
  readonly decoded: Uint8Array;

  constructor(bytes: number) {
    if (!Number.isInteger(bytes) || bytes < PAGE_SIZE || bytes % PAGE_SIZE !== 0 || bytes > MAX_RAM_BYTES) {
      throw new RangeError(`RAM size ${bytes} must be a whole number of ${PAGE_SIZE}-byte pages, 1 to ${MAX_RAM_BYTES / PAGE_SIZE}`);
    }
    this.size = bytes;
    this.frames = bytes >>> PAGE_SHIFT;
    const buffer = new ArrayBuffer(bytes);
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.decoded = new Uint8Array(bytes >>> 2);
  }

  /** The byte at `pa`, 0..255. */
  read8(pa: number): number {
    this.check(pa, 1);
    return this.u8[pa]!;
  }

  /** The little-endian halfword at `pa` (any alignment), 0..65535. */
  read16(pa: number): number {
    this.check(pa, 2);
    return (pa & 1) === 0 ? this.u16[pa >>> 1]! : this.u8[pa]! | (this.u8[pa + 1]! << 8);
  }

  /** The little-endian word at `pa` (any alignment), unsigned 0..2^32-1. */
  read32(pa: number): number {
    this.check(pa, 4);
    if ((pa & 3) === 0) return this.i32[pa >>> 2]! >>> 0;
    const b = this.u8;
    return (b[pa]! | (b[pa + 1]! << 8) | (b[pa + 2]! << 16) | (b[pa + 3]! << 24)) >>> 0;
  }

  /** Store the low 8 bits of `v` at `pa`. */
  write8(pa: number, v: number): void {
    this.check(pa, 1);
    this.u8[pa] = v;
    this.decoded[pa >>> 2] = 0;
  }

  /** Store the low 16 bits of `v` at `pa` (any alignment), little-endian. */
  write16(pa: number, v: number): void {
    this.check(pa, 2);
    this.u8[pa] = v;
    this.u8[pa + 1] = v >>> 8;
    this.forget(pa, 2);
  }

  /** Store the 32 bits of `v` (signed or unsigned) at `pa` (any alignment), little-endian. */
  write32(pa: number, v: number): void {
    this.check(pa, 4);
    if ((pa & 3) === 0) {
      this.i32[pa >>> 2] = v;
      this.decoded[pa >>> 2] = 0;
      return;
    }
    for (let i = 0; i < 4; i++) this.u8[pa + i] = v >>> (8 * i);
    this.forget(pa, 4);
  }

  /** A copy of the `len` bytes at `pa`. */
  readBytes(pa: number, len: number): Uint8Array {
    this.check(pa, len);
    return this.u8.slice(pa, pa + len);
  }

  /** Copy `src` into RAM at `pa`. */
  writeBytes(pa: number, src: Uint8Array): void {
    this.check(pa, src.length);
    this.u8.set(src, pa);
    this.forget(pa, src.length);
  }

  /** Copy `len` bytes within RAM from `src` to `dst` (the regions may not overlap partly). */
  copyBytes(dst: number, src: number, len: number): void {
    this.check(dst, len);
    this.check(src, len);
    this.u8.copyWithin(dst, src, src + len);
    this.forget(dst, len);
  }

  /** Fill frame `pfn` with zeros. */
  zeroFrame(pfn: number): void {
    this.checkFrame(pfn);
    this.u8.fill(0, pfn << PAGE_SHIFT, (pfn + 1) << PAGE_SHIFT);
    this.decoded.fill(0, pfn << (PAGE_SHIFT - 2), (pfn + 1) << (PAGE_SHIFT - 2));
  }

  /**
   * Copy frame `srcPfn` over frame `dstPfn` (a copy-on-write break, fork). The decoded-op cache is
   * copied too: identical words decode identically, so a copied code page needs no re-decoding.
   */
  copyFrame(dstPfn: number, srcPfn: number): void {
    this.checkFrame(dstPfn);
    this.checkFrame(srcPfn);
    this.u8.copyWithin(dstPfn << PAGE_SHIFT, srcPfn << PAGE_SHIFT, (srcPfn + 1) << PAGE_SHIFT);
    const words = PAGE_SHIFT - 2;
    this.decoded.copyWithin(dstPfn << words, srcPfn << words, (srcPfn + 1) << words);
  }

  /** Drop the decoded-op cache of every word that overlaps [pa, pa+len). */
  forget(pa: number, len: number): void {
    if (len > 0) this.decoded.fill(0, pa >>> 2, ((pa + len - 1) >>> 2) + 1);
  }

  private check(pa: number, len: number): void {
    if (!Number.isInteger(pa) || !Number.isInteger(len) || pa < 0 || len < 0 || pa + len > this.size) {
      throw new RangeError(`physical access [${hex(pa)}, +${len}) is outside RAM (${hex(this.size)} bytes)`);
    }
  }

  private checkFrame(pfn: number): void {
    if (!Number.isInteger(pfn) || pfn < 0 || pfn >= this.frames) {
      throw new RangeError(`frame ${pfn} is outside RAM (${this.frames} frames)`);
    }
  }
}

function hex(n: number): string {
  return Number.isInteger(n) && n >= 0 ? `0x${n.toString(16)}` : String(n);
}
