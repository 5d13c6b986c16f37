// The swap disk (src/hw/swapdev.ts: slots, the latency model, a host file behind it), the swap-PTE
// encoding (swapops.ts) and the slot bookkeeping (swapfile.ts: swap_map counts, SWAP_HAS_CACHE, the
// free count, continuation beyond SWAP_MAP_MAX).

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PTE_R, PTE_V } from "../../src/hw/sv32.js";
import { Clock, COST } from "../../src/hw/clock.js";
import { SwapDevice } from "../../src/hw/swapdev.js";
import {
  __swap_count, get_swap_page, nr_swap_pages, put_swap_page, swap_areas, swap_duplicate, swap_free, SWAP_HAS_CACHE,
  total_swap_pages, vm_swap_full,
} from "../../kernel/mm/swapfile.js";
import { is_swap_pte, pte_to_swp_entry, swp_entry, swp_entry_to_pte, swp_offset, swp_type } from "../../kernel/mm/swapops.js";
import { pte_none, pte_present } from "../../kernel/mm/pgtable.js";
import type { Kernel } from "../../kernel/kernel.js";
import { bootWithSwap, dump, fill, mmap, pageout, runSwap, show } from "./swap-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "vmos-swap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the swap device", () => {
  it("takes COST.diskPage per page and serves one request at a time", () => {
    const clock = new Clock();
    const dev = new SwapDevice(clock, { bytes: 16 * 4096 });
    const page = new Uint8Array(4096).fill(7);
    expect(dev.slots).toBe(16);
    expect(dev.write(3, page)).toBe(COST.diskPage);
    expect(dev.write(4, page)).toBe(2 * COST.diskPage); // queued behind the first
    clock.advance(3 * COST.diskPage); // the disk is idle again
    const back = new Uint8Array(4096);
    expect(dev.read(3, back)).toBe(4 * COST.diskPage);
    expect(back.every((b) => b === 7)).toBe(true);
    expect(dev.stats).toEqual({ reads: 1, writes: 2, queuedCycles: COST.diskPage });
  });

  it("takes its latency from an option, and refuses bad sizes, slots and buffers", () => {
    const dev = new SwapDevice(new Clock(), { bytes: 8192, latencyCycles: 1000 });
    expect(dev.read(1, new Uint8Array(4096))).toBe(1000);
    expect(() => dev.read(2, new Uint8Array(4096))).toThrow(RangeError);
    expect(() => dev.write(1, new Uint8Array(100))).toThrow(RangeError);
    expect(() => new SwapDevice(new Clock(), { bytes: 4096 })).toThrow(RangeError);
    expect(() => new SwapDevice(new Clock(), { bytes: 10000 })).toThrow(RangeError);
    expect(() => new SwapDevice(new Clock(), { bytes: 8192, latencyCycles: -1 })).toThrow(RangeError);
  });

  it("creates its host file with the right size, truncating an old one, and writes pages at slot * 4096", () => {
    const file = join(dir, "swapfile");
    const dev = new SwapDevice(new Clock(), { bytes: 64 * 4096, file });
    expect(statSync(file).size).toBe(64 * 4096);
    dev.write(5, new Uint8Array(4096).fill(0xab));
    dev.close();
    expect(readFileSync(file).subarray(5 * 4096, 6 * 4096).every((b) => b === 0xab)).toBe(true);
    new SwapDevice(new Clock(), { bytes: 2 * 4096, file }).close();
    expect(statSync(file).size).toBe(2 * 4096);
  });

  it("holds a guest's page in the host file while it is swapped out, and /proc/swaps names the file", () => {
    const file = join(dir, "guest.swap");
    let bytes = new Uint8Array(0);
    const { out, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fill("s1", 0x600dcafe)}${pageout("s1")}${show}${dump("swaps")}`, {
      swapFile: file,
      setup: (k) => {
        // Look at the host file right after the kernel wrote the page out.
        const dev = k.machine.swap!;
        const write = dev.write.bind(dev);
        dev.write = (slot, from) => {
          const done = write(slot, from);
          bytes = readFileSync(file).subarray(slot * 4096, (slot + 1) * 4096);
          return done;
        };
      },
    });
    expect(out[0]).toBe(0);
    expect(statSync(file).size).toBe(1 << 20);
    const words = new Uint32Array(Uint8Array.from(bytes).buffer);
    expect(words[0]).toBe(0x600dcafe);
    expect(words[1]).toBe((0x600dcafe ^ 0x9e3779b9) >>> 0);
    const line = `${file}${" ".repeat(Math.max(1, 40 - file.length))}file\t\t1020\t\t4\t\t-2\n`;
    expect(files[0]).toBe(`Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n${line}`);
  });
});

describe("swap entries in PTEs (riscv's format)", () => {
  it("round-trip type and offset, are neither none nor present, and keep V and PROT_NONE clear", () => {
    for (const [type, offset] of [[0, 1], [0, 255], [3, 12345], [31, 2 ** 25 - 1]] as const) {
      const entry = swp_entry(type, offset);
      expect([swp_type(entry), swp_offset(entry)]).toEqual([type, offset]);
      const pte = swp_entry_to_pte(entry);
      expect(pte & (PTE_V | PTE_R)).toBe(0);
      expect(pte_none(pte)).toBe(false);
      expect(pte_present(pte)).toBe(false);
      expect(is_swap_pte(pte)).toBe(true);
      expect(pte_to_swp_entry(pte)).toBe(entry);
      expect(pte >>> 7).toBe(offset);
      expect((pte >>> 2) & 31).toBe(type);
    }
  });
});

describe("swap slots", () => {
  const boot = (slots: number): Kernel => bootWithSwap(slots * 4096).k;

  it("are handed out going up the disk, counted, and freed by their last user", () => {
    const k = boot(5); // slot 0 is the header: 4 usable
    expect(total_swap_pages(k)).toBe(4);
    const a = get_swap_page(k), b = get_swap_page(k);
    expect([swp_offset(a), swp_offset(b)]).toEqual([1, 2]);
    const si = swap_areas(k)[0]!;
    expect(si.swap_map[1]).toBe(SWAP_HAS_CACHE);
    swap_duplicate(k, a);
    swap_duplicate(k, a);
    expect(__swap_count(k, a)).toBe(2);
    put_swap_page(k, a); // the page left the swap cache; two PTEs still refer to the slot
    expect(si.swap_map[1]).toBe(2);
    expect(nr_swap_pages(k)).toBe(2);
    swap_free(k, a);
    swap_free(k, a);
    expect(si.swap_map[1]).toBe(0);
    expect(nr_swap_pages(k)).toBe(3);
    expect(vm_swap_full(k)).toBe(false);
    expect(swp_offset(get_swap_page(k))).toBe(3);
    expect(swp_offset(get_swap_page(k))).toBe(4);
    expect(vm_swap_full(k)).toBe(true); // 1 free of 4: more than half in use
    expect(swp_offset(get_swap_page(k))).toBe(1); // wraps to the lowest free slot
    expect(get_swap_page(k)).toBe(0); // full
  });

  it("count past SWAP_MAP_MAX (0x3e) with a continuation, as a page shared by 100 forks would", () => {
    const k = boot(4);
    const e = get_swap_page(k);
    for (let i = 0; i < 100; i++) swap_duplicate(k, e);
    expect(__swap_count(k, e)).toBe(100);
    expect(swap_areas(k)[0]!.swap_map[swp_offset(e)]! & 0x80).toBe(0x80); // COUNT_CONTINUED
    for (let i = 0; i < 100; i++) swap_free(k, e);
    put_swap_page(k, e);
    expect(nr_swap_pages(k)).toBe(total_swap_pages(k));
  });

  it("are a kernel bug to free twice", () => {
    const k = boot(4);
    const e = get_swap_page(k);
    put_swap_page(k, e);
    expect(() => swap_free(k, e)).toThrow(/swap_free/);
  });
});
