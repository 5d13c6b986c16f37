// The TLB: flush semantics of each SFENCE.VMA form (ASIDs, global entries, megapages), stale
// entries used exactly as real hardware uses them, --check-tlb turning them into StaleTlbError,
// the D-bit rule, ASID isolation and the hit/miss/flush counters.

import { describe, expect, it } from "vitest";
import { StaleTlbError } from "../../src/hw/cpu.js";
import { WALK_MEGA } from "../../src/hw/mmu.js";
import { PageMap, USER_RW } from "../../src/hw/pagemap.js";
import { makePte, PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from "../../src/hw/sv32.js";
import { Tlb, tlbKey } from "../../src/hw/tlb.js";
import { DATA_VA, paOf, REG, rig, program, runToTrap } from "./helpers.js";

const LEAF = PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
/** A walk result (see mmu.walk) for frame `pfn`. */
const result = (pfn: number, flags: number): number => makePte(pfn, flags);

describe("Tlb flush semantics (SFENCE.VMA)", () => {
  // Four entries in four different slots: ASID 1 and 2, each with a global and a non-global page.
  const setup = (): Tlb => {
    const tlb = new Tlb(64);
    tlb.fill(tlbKey(1, 0x10), result(100, LEAF), true);
    tlb.fill(tlbKey(1, 0x11), result(101, LEAF | PTE_G), true);
    tlb.fill(tlbKey(2, 0x12), result(102, LEAF), true);
    tlb.fill(tlbKey(2, 0x13), result(103, LEAF | PTE_G), true);
    return tlb;
  };
  const present = (tlb: Tlb): string[] =>
    [[1, 0x10], [1, 0x11], [2, 0x12], [2, 0x13]].filter(([a, v]) => tlb.lookup(tlbKey(a!, v!), PTE_R) >= 0).map(([a, v]) => `${a}:${v!.toString(16)}`);

  it("sfence.vma x0, x0 flushes everything, global entries included", () => {
    const tlb = setup();
    tlb.flush();
    expect(present(tlb)).toEqual([]);
    expect(tlb.tagR.every((t) => t === -1) && tlb.tagW.every((t) => t === -1) && tlb.tagX.every((t) => t === -1)).toBe(true);
  });

  it("sfence.vma va flushes that page in every address space, global or not", () => {
    const tlb = setup();
    tlb.flush(0x11 << 12);
    tlb.flush((0x12 << 12) + 0xabc);
    expect(present(tlb)).toEqual(["1:10", "2:13"]);
  });

  it("sfence.vma x0, asid flushes that ASID's non-global entries only", () => {
    const tlb = setup();
    tlb.flush(undefined, 1);
    expect(present(tlb)).toEqual(["1:11", "2:12", "2:13"]);
    tlb.flush(undefined, 3);
    expect(present(tlb)).toEqual(["1:11", "2:12", "2:13"]);
  });

  it("sfence.vma va, asid flushes that page in that ASID unless global", () => {
    const tlb = setup();
    tlb.flush(0x10 << 12, 2); // another ASID's page
    tlb.flush(0x11 << 12, 1); // global
    expect(present(tlb)).toEqual(["1:10", "1:11", "2:12", "2:13"]);
    tlb.flush(0x10 << 12, 1);
    expect(present(tlb)).toEqual(["1:11", "2:12", "2:13"]);
  });

  it("flushing any address of a megapage drops every cached 4 KiB piece of it, and nothing else", () => {
    const tlb = new Tlb(64);
    tlb.fill(tlbKey(1, 0x400), result(1024, LEAF | WALK_MEGA), true);
    tlb.fill(tlbKey(1, 0x401), result(1025, LEAF | WALK_MEGA), true);
    tlb.fill(tlbKey(1, 0x402), result(7, LEAF), true); // a 4 KiB page in the same 4 MiB region
    tlb.flush(0x0040_5000, 1);
    expect([0x400, 0x401, 0x402].map((v) => tlb.lookup(tlbKey(1, v), PTE_R) >= 0)).toEqual([false, false, true]);
  });

  it("grants an access only if the PTE allowed it; a store also needs D", () => {
    const tlb = new Tlb(8);
    tlb.fill(tlbKey(0, 1), result(5, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A), true); // clean
    expect([tlb.lookup(tlbKey(0, 1), PTE_R), tlb.lookup(tlbKey(0, 1), PTE_W), tlb.lookup(tlbKey(0, 1), PTE_X)]).toEqual([1, -1, -1]);
    expect(tlb.tagW[1]).toBe(-1);
    expect(tlb.lookup(tlbKey(1, 1), PTE_R)).toBe(-1); // another ASID
    tlb.fill(tlbKey(0, 2), result(5, PTE_V | PTE_X | PTE_U | PTE_A), false); // --check-tlb: no fast tags
    expect([tlb.lookup(tlbKey(0, 2), PTE_X), tlb.tagX[2]]).toEqual([2, -1]);
  });

  it("rejects sizes that are not a power of two", () => {
    for (const n of [0, 3, 100, 1.5]) expect(() => new Tlb(n)).toThrow(RangeError);
  });
});

/** A program that loads DATA_VA into a0 and stops, run again from the start each time. */
function loader(o: { checkTlb?: boolean } = {}) {
  const r = rig(program(`li t0, ${DATA_VA}\n lw a0, 0(t0)`), o);
  r.map.mapFresh(DATA_VA, 4096, USER_RW);
  const start = r.m.cpu.pc;
  const pte = r.map.leafPteAddr(DATA_VA);
  r.m.ram.write32(paOf(r.m, DATA_VA), 111);
  const load = (): number => {
    r.m.cpu.pc = start;
    expect(runToTrap(r.m)).toBe(8);
    return r.m.cpu.x[REG.a0]!;
  };
  /** Point DATA_VA at a fresh frame holding `value` (a plain PTE write: no sfence). */
  const remap = (value: number): void => {
    const pfn = r.map.allocFrame();
    r.m.ram.write32(pfn * 4096, value);
    r.m.ram.write32(pte, makePte(pfn, USER_RW | PTE_V));
  };
  return { r, load, remap, pte };
}

describe("stale TLB entries and --check-tlb", () => {
  it("after a PTE change without sfence.vma the TLB keeps using the old translation, as hardware does", () => {
    const { r, load, remap } = loader();
    expect(load()).toBe(111);
    remap(222);
    expect(load()).toBe(111);
    r.m.cpu.sfenceVma(DATA_VA, 1);
    expect(load()).toBe(222);
  });

  it("with --check-tlb the stale hit throws StaleTlbError naming the address, with the load not executed", () => {
    const { r, load, remap } = loader({ checkTlb: true });
    expect(load()).toBe(111);
    remap(222);
    r.m.cpu.x[REG.a0] = 5;
    r.m.cpu.pc = r.sym("_start");
    let error: unknown;
    try { r.m.cpu.run(100); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(StaleTlbError);
    expect((error as StaleTlbError).va).toBe(DATA_VA);
    expect((error as StaleTlbError).message).toMatch(/0x40000000.*sfence\.vma/);
    expect(r.m.cpu.pc).toBe(r.sym("_start") + 4); // at the lw (li t0 is one lui)
    expect(r.m.cpu.x[REG.a0]).toBe(5);
  });

  it("with --check-tlb and the sfence.vma the kernel owes, no error", () => {
    const { r, load, remap } = loader({ checkTlb: true });
    load();
    remap(222);
    r.m.cpu.sfenceVma(DATA_VA, 1);
    expect(load()).toBe(222);
  });

  it("--check-tlb catches a write-protect (COW) and a D clear without a flush, but not an A clear", () => {
    for (const [change, stale] of [[~PTE_W, true], [~PTE_D, true], [~PTE_A, false]] as const) {
      const r = rig(program(`li t0, ${DATA_VA}\n sw a0, 0(t0)`), { checkTlb: true });
      r.map.mapFresh(DATA_VA, 4096, USER_RW);
      runToTrap(r.m);
      const pte = r.map.leafPteAddr(DATA_VA);
      r.m.ram.write32(pte, r.m.ram.read32(pte) & change);
      r.m.cpu.pc = r.sym("_start");
      if (stale) expect(() => r.m.cpu.run(100)).toThrow(StaleTlbError);
      else expect(runToTrap(r.m)).toBe(8);
    }
  });

  it("a store through a clean entry re-walks and sets D; a load sets only A", () => {
    const r = rig(program(`li t0, ${DATA_VA}\n lw a0, 0(t0)\n ecall\n sw a0, 0(t0)`));
    r.map.map(DATA_VA, r.map.allocFrame(), PTE_R | PTE_W | PTE_U);
    const pte = r.map.leafPteAddr(DATA_VA);
    runToTrap(r.m);
    expect(r.m.ram.read32(pte) & (PTE_A | PTE_D)).toBe(PTE_A);
    const misses = r.m.tlb.misses;
    r.m.cpu.pc += 4;
    runToTrap(r.m);
    expect(r.m.ram.read32(pte) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect(r.m.tlb.misses).toBe(misses + 1); // the store could not use the clean entry
  });
});

describe("address spaces", () => {
  /** Two address spaces sharing the program's table but mapping DATA_VA to different frames. */
  function twoSpaces() {
    const { r, load } = loader();
    const other = new PageMap(r.m.ram, 512);
    r.m.ram.write32(other.rootPfn * 4096, r.m.ram.read32(r.map.rootPfn * 4096)); // VA 0..4 MiB: the program
    other.mapFresh(DATA_VA, 4096, USER_RW);
    r.m.ram.write32(((r.m.ram.read32(other.leafPteAddr(DATA_VA)) >>> 10) * 4096), 222);
    return { r, load, satp1: r.map.satp(1), satp2: other.satp(2) };
  }

  it("two ASIDs with the same VA do not see each other's translations, with no flush in between", () => {
    const { r, load, satp1, satp2 } = twoSpaces();
    expect(load()).toBe(111);
    r.m.cpu.satp = satp2;
    expect(load()).toBe(222);
    const misses = r.m.tlb.misses;
    r.m.cpu.satp = satp1;
    expect(load()).toBe(111);
    expect(r.m.tlb.misses).toBe(misses); // ASID 1's entries were still there
  });

  it("flushing one ASID leaves the other's entries", () => {
    const { r, load, satp2 } = twoSpaces();
    load();
    r.m.cpu.satp = satp2;
    load();
    r.m.cpu.sfenceVma(undefined, 1);
    const misses = r.m.tlb.misses;
    load();
    expect(r.m.tlb.misses).toBe(misses);
  });

  it("reusing an ASID for another page table without a flush gives stale translations (writing satp flushes nothing)", () => {
    const { r, load } = twoSpaces();
    expect(load()).toBe(111);
    r.m.cpu.satp = (r.m.cpu.satp & ~0x3fffff) | 512; // ASID 1, the other root
    expect(load()).toBe(111);
    r.m.cpu.sfenceVma(undefined, 1);
    expect(load()).toBe(222);
  });
});

describe("TLB counters", () => {
  it("count a miss per walk, a hit per translation the TLB serves, a flush per sfence.vma call", () => {
    const r = rig(program(`la t0, d\n${" lw a0, 0(t0)\n".repeat(10)}`, "d: .word 1"));
    runToTrap(r.m);
    // The code page's fetch translation misses once; the data page misses once then hits 9 times.
    expect([r.m.tlb.misses, r.m.tlb.hits]).toEqual([2, 9]);
    r.m.cpu.sfenceVma();
    r.m.cpu.sfenceVma(0x1000);
    r.m.cpu.sfenceVma(undefined, 3);
    expect(r.m.tlb.flushes).toBe(3);
  });

  it("a program touching more pages than the TLB has slots keeps missing", () => {
    const r = rig(program(`li t0, ${DATA_VA}\n li t1, 32\n1: lw a0, 0(t0)\n li t2, 4096\n add t0, t0, t2\n addi t1, t1, -1\n bnez t1, 1b`), { tlbEntries: 16 });
    r.map.mapFresh(DATA_VA, 32 * 4096, USER_RW);
    runToTrap(r.m);
    expect(r.m.tlb.misses).toBe(1 + 32);
    r.m.cpu.pc = r.sym("_start");
    runToTrap(r.m);
    // The 16 slots held the last 16 pages, which the second pass evicts before it reaches them (and
    // the code page's slot may have been taken by a data page too).
    expect(r.m.tlb.misses - (1 + 32)).toBeGreaterThanOrEqual(32);
  });

  it("sfenceVma rejects an ASID outside 0..511", () => {
    const r = rig(program("nop"));
    expect(() => r.m.cpu.sfenceVma(undefined, 512)).toThrow(RangeError);
  });
});

describe("--check-tlb costs no simulated time", () => {
  it("a program takes the same cycles and TLB hits and misses with and without checking", () => {
    const body = `la t0, d\n li t1, 200\n1: lw a0, 0(t0)\n sw a0, 4(t0)\n addi t1, t1, -1\n bnez t1, 1b`;
    const plain = rig(program(body, "d: .word 1, 2"));
    const checked = rig(program(body, "d: .word 1, 2"), { checkTlb: true });
    runToTrap(plain.m);
    runToTrap(checked.m);
    expect([checked.m.clock.cycles, checked.m.tlb.hits, checked.m.tlb.misses])
      .toEqual([plain.m.clock.cycles, plain.m.tlb.hits, plain.m.tlb.misses]);
    expect(plain.m.tlb.hits).toBeGreaterThan(300);
  });
});
