// RAM, the board's small pieces (clock, Sv32 helpers, Machine options) and the decoded-op cache's
// coherence rule: every write path drops the cache of the words it changes.

import { describe, expect, it } from "vitest";
import { Clock, COST, timeOf } from "../../src/hw/clock.js";
import { Machine } from "../../src/hw/machine.js";
import { PAGE_SIZE, Ram } from "../../src/hw/ram.js";
import { makePte, makeSatp, PTE_D, PTE_R, PTE_V, pteIsLeaf, ptePfn, satpAsid, satpIsSv32, satpRootPfn } from "../../src/hw/sv32.js";
import { causeName, isPageFault } from "../../src/hw/trap.js";

describe("Ram", () => {
  it("rejects sizes that are not a positive whole number of pages", () => {
    for (const bytes of [0, 100, PAGE_SIZE + 1, -PAGE_SIZE, 1.5 * PAGE_SIZE, 2 ** 31]) {
      expect(() => new Ram(bytes), String(bytes)).toThrow(RangeError);
    }
    const ram = new Ram(3 * PAGE_SIZE);
    expect([ram.size, ram.frames, ram.u8.length, ram.i32.length, ram.decoded.length]).toEqual([12288, 3, 12288, 3072, 3072]);
  });

  it("reads and writes little-endian, returns unsigned values, any alignment", () => {
    const ram = new Ram(PAGE_SIZE);
    ram.write32(0, 0x8899aabb);
    expect([ram.read8(0), ram.read8(3), ram.read16(0), ram.read16(2), ram.read32(0)]).toEqual([0xbb, 0x88, 0xaabb, 0x8899, 0x8899aabb]);
    ram.write32(5, -2); // misaligned, signed input
    expect([ram.read32(5), ram.read16(7), ram.read8(4)]).toEqual([0xfffffffe, 0xffff, 0]);
    ram.write16(9, 0x1234);
    expect([ram.read8(9), ram.read8(10)]).toEqual([0x34, 0x12]);
    ram.write8(11, 0x1ff);
    expect(ram.read8(11)).toBe(0xff);
  });

  it("throws RangeError for any access outside RAM (a kernel bug, not a guest fault)", () => {
    const ram = new Ram(PAGE_SIZE);
    expect(() => ram.read32(PAGE_SIZE - 2)).toThrow(RangeError);
    expect(() => ram.write8(PAGE_SIZE, 0)).toThrow(RangeError);
    expect(() => ram.read8(-1)).toThrow(RangeError);
    expect(() => ram.writeBytes(PAGE_SIZE - 1, new Uint8Array(2))).toThrow(RangeError);
    expect(() => ram.zeroFrame(1)).toThrow(RangeError);
    expect(() => ram.copyFrame(0, 1)).toThrow(RangeError);
  });

  it("readBytes returns a copy; writeBytes, zeroFrame and copyFrame move whole ranges", () => {
    const ram = new Ram(2 * PAGE_SIZE);
    ram.writeBytes(10, new Uint8Array([1, 2, 3]));
    const copy = ram.readBytes(10, 3);
    copy[0] = 9;
    expect([...ram.readBytes(10, 3)]).toEqual([1, 2, 3]);
    ram.copyFrame(1, 0);
    expect([...ram.readBytes(PAGE_SIZE + 10, 3)]).toEqual([1, 2, 3]);
    ram.zeroFrame(0);
    expect([...ram.readBytes(10, 3), ...ram.readBytes(PAGE_SIZE + 10, 3)]).toEqual([0, 0, 0, 1, 2, 3]);
  });

  it("every write path clears the decoded-op cache of the words it touches, and only those", () => {
    const ram = new Ram(2 * PAGE_SIZE);
    const writes: [string, () => void, number[]][] = [
      ["write8", () => ram.write8(5, 1), [1]],
      ["write16 across words", () => ram.write16(7, 1), [1, 2]],
      ["write32 aligned", () => ram.write32(8, 1), [2]],
      ["write32 misaligned", () => ram.write32(10, 1), [2, 3]],
      ["writeBytes", () => ram.writeBytes(3, new Uint8Array(6)), [0, 1, 2]],
      ["zeroFrame", () => ram.zeroFrame(1), Array.from({ length: 1024 }, (_, i) => 1024 + i)],
    ];
    for (const [name, write, cleared] of writes) {
      ram.decoded.fill(7);
      write();
      const got = [...ram.decoded.keys()].filter((i) => ram.decoded[i] === 0);
      expect(got, name).toEqual(cleared);
    }
  });

  it("copyFrame copies the decoded-op cache with the words", () => {
    const ram = new Ram(2 * PAGE_SIZE);
    ram.decoded.fill(0);
    ram.decoded[3] = 42;
    ram.decoded[1024 + 5] = 9;
    ram.copyFrame(1, 0);
    expect([ram.decoded[1024 + 3], ram.decoded[1024 + 5]]).toEqual([42, 0]);
  });
});

describe("clock", () => {
  it("advances by whole non-negative cycles and converts to 10 MHz ticks", () => {
    const c = new Clock();
    c.advance(250);
    expect(c.cycles).toBe(250);
    expect(() => c.advance(-1)).toThrow(RangeError);
    expect(() => c.advance(0.5)).toThrow(RangeError);
    expect([timeOf(99), timeOf(100), timeOf(2 ** 52)]).toEqual([0, 1, Math.floor(2 ** 52 / 100)]);
    expect(COST.copyPage).toBeGreaterThan(COST.zeroPage);
  });
});

describe("sv32 helpers", () => {
  it("build and take apart satp values and PTEs", () => {
    const satp = makeSatp(0x1ff, 0x3fffff);
    expect(satp).toBe(0xffffffff);
    expect([satpIsSv32(satp), satpAsid(satp), satpRootPfn(satp)]).toEqual([true, 0x1ff, 0x3fffff]);
    expect(makeSatp(5, 2)).toBe(0x80000000 + (5 << 22) + 2);
    expect(satpIsSv32(0)).toBe(false);
    expect(() => makeSatp(512, 0)).toThrow(RangeError);
    expect(() => makeSatp(0, 1 << 22)).toThrow(RangeError);
    const pte = makePte(0x3fffff, PTE_V | PTE_R | PTE_D);
    expect([pte >>> 0 === pte, ptePfn(pte), pteIsLeaf(pte), pteIsLeaf(makePte(3, PTE_V))]).toEqual([true, 0x3fffff, true, false]);
  });

  it("names causes as the spec does", () => {
    expect([causeName(13), causeName(8), causeName(99)]).toEqual(["load page fault", "environment call from U-mode", "cause 99"]);
    expect([12, 13, 15, 5].map(isPageFault)).toEqual([true, true, true, false]);
  });
});

describe("Machine", () => {
  it("wires RAM, clock, TLB and CPU together and rejects bad sizes", () => {
    const m = new Machine({ memBytes: 8 * PAGE_SIZE, tlbEntries: 32, checkTlb: false });
    expect([m.ram.frames, m.tlb.entries, m.cpu.ram === m.ram, m.cpu.tlb === m.tlb, m.cpu.clock === m.clock]).toEqual([8, 32, true, true, true]);
    expect(() => new Machine({ memBytes: 1000, tlbEntries: 32, checkTlb: false })).toThrow(RangeError);
    expect(() => new Machine({ memBytes: PAGE_SIZE, tlbEntries: 48, checkTlb: false })).toThrow(RangeError);
  });
});
