// The Sv32 walker against a reference model written straight from the privileged spec's translation
// algorithm, over random page tables: random PTE bits (V, R/W/X incl. the reserved W-without-R,
// U, A, D, reserved D/A/U on non-leaf entries), megapages (aligned and misaligned), tables and
// frames outside RAM, Bare mode. Then the same through the CPU, TLB and all.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Exit } from "../../src/hw/cpu.js";
import { Machine } from "../../src/hw/machine.js";
import { Access, walk, WALK_MEGA } from "../../src/hw/mmu.js";
import type { Ram } from "../../src/hw/ram.js";
import { makePte, makeSatp } from "../../src/hw/sv32.js";
import { Op } from "../../src/isa/instructions.js";
import { REG, word } from "./helpers.js";

const RAM_BYTES = 4 << 20; // 1024 frames: megapage 0 is all of RAM, megapage 1 is outside it
const ROOT = 1, TABLE = 2, CODE_TABLE = 3, CODE = 4;
const CODE_VA = 0x1000;

interface Ref {
  /** Trap cause, or undefined when the access is allowed. */
  cause?: number;
  pa?: number;
  /** Where the leaf PTE is, and its value after the A/D update. */
  pteAddr?: number;
  pteAfter?: number;
  mega?: boolean;
}

/** The spec's "Virtual Address Translation Process" for a U-mode access (MXR = 0), hardware A/D. */
function reference(ram: Ram, satp: number, va: number, access: Access): Ref {
  const pageFault = [12, 13, 15][access]!, accessFault = [1, 5, 7][access]!;
  va >>>= 0;
  if (satp >>> 31 === 0) return va < RAM_BYTES ? { pa: va } : { cause: accessFault };
  const vpn = [(va >>> 12) & 0x3ff, va >>> 22];
  let a = (satp & 0x3fffff) * 4096;
  let i = 1;
  let pte: number, pteAddr: number;
  for (;;) {
    pteAddr = a + vpn[i]! * 4;
    if (pteAddr >= RAM_BYTES) return { cause: accessFault };
    pte = ram.read32(pteAddr);
    const [v, r, w, x] = [pte & 1, (pte >> 1) & 1, (pte >> 2) & 1, (pte >> 3) & 1];
    if (v === 0 || (r === 0 && w === 1)) return { cause: pageFault };
    if (r === 1 || x === 1) break;
    if ((pte & 0b1101_0000) !== 0) return { cause: pageFault }; // D, A, U are reserved in a pointer
    i--;
    if (i < 0) return { cause: pageFault };
    a = (pte >>> 10) * 4096;
  }
  const allowed = [(pte >> 3) & 1, (pte >> 1) & 1, (pte >> 2) & 1][access]!;
  if ((pte & 0x10) === 0 || allowed === 0) return { cause: pageFault };
  const ppn = pte >>> 10;
  if (i === 1 && (ppn & 0x3ff) !== 0) return { cause: pageFault }; // misaligned superpage
  const pa = i === 1 ? (ppn >>> 10) * 4096 * 1024 + vpn[0]! * 4096 + (va & 0xfff) : ppn * 4096 + (va & 0xfff);
  if (pa >= RAM_BYTES) return { cause: accessFault };
  const pteAfter = (pte | 0x40 | (access === Access.Store ? 0x80 : 0)) >>> 0;
  return { pa, pteAddr, pteAfter, mega: i === 1 };
}

/** A random page-table scenario for one access. */
interface Scenario {
  va: number;
  access: Access;
  satp: number;
  rootPte: number;
  leafPte: number;
}

const avoidCode = (ppn: number): number => (ppn === CODE_TABLE || ppn === CODE ? ppn + 10 : ppn);
/** 10 flag bits with V and U usually set, so that most walks get somewhere. */
const flags = fc.tuple(fc.integer({ min: 0, max: 0x3ff }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([f, pv, pu]) => f | (pv < 0.85 ? 1 : 0) | (pu < 0.75 ? 0x10 : 0));
const rootPte = fc.oneof(
  // a pointer to the leaf table (sometimes with reserved D/A/U bits left set)
  fc.tuple(flags, fc.boolean()).map(([f, clean]) => makePte(TABLE, (f & ~0b1110) & (clean ? ~0b1101_0000 : 0x3ff))),
  // a megapage: aligned in RAM, aligned outside RAM, or misaligned
  fc.tuple(flags, fc.constantFrom(0, 1024, 5, 512)).map(([f, ppn]) => makePte(ppn, f)),
  // anything, pointing anywhere
  fc.tuple(flags, fc.integer({ min: 0, max: 1100 })).map(([f, ppn]) => makePte(avoidCode(ppn), f)),
);
const scenario: fc.Arbitrary<Scenario> = fc.record({
  va: fc.tuple(fc.integer({ min: 1, max: 1023 }), fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 0, max: 1023 }))
    .map(([v1, v0, w]) => ((v1 << 22) | (v0 << 12) | (w << 2)) >>> 0),
  access: fc.constantFrom(Access.Fetch, Access.Load, Access.Store),
  satp: fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 511 }).map((asid) => makeSatp(asid, ROOT)) },
    { weight: 1, arbitrary: fc.constant(makeSatp(1, 3000)) }, // root table outside RAM
    { weight: 1, arbitrary: fc.constant(0) }, // Bare
  ),
  rootPte,
  leafPte: fc.oneof(
    fc.tuple(flags, fc.integer({ min: 0, max: 1100 })).map(([f, ppn]) => makePte(avoidCode(ppn), f)),
    // a well-formed user leaf in RAM: R/W/X one of the five legal leaf encodings, A and D random
    fc.tuple(fc.constantFrom(0b001, 0b011, 0b100, 0b101, 0b111), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 5, max: 1023 }))
      .map(([rwx, ad, ppn]) => makePte(ppn, 0b1_0001 | (rwx << 1) | (ad << 6))),
  ),
});

/** Write the scenario's two PTEs (leaf first: the root entry wins if they share a word) and a fixed code mapping. */
function install(ram: Ram, s: Scenario): void {
  for (const pfn of [ROOT, TABLE, CODE_TABLE]) ram.zeroFrame(pfn);
  const leafTable = s.rootPte >>> 10;
  if (leafTable < ram.frames) ram.write32(leafTable * 4096 + ((s.va >>> 12) & 0x3ff) * 4, s.leafPte);
  ram.write32(ROOT * 4096 + (s.va >>> 22) * 4, s.rootPte);
  ram.write32(ROOT * 4096, makePte(CODE_TABLE, 0b1)); // VA 0..4 MiB: the code's table
  ram.write32(CODE_TABLE * 4096 + (CODE_VA >>> 12) * 4, makePte(CODE, 0b0101_1011)); // A U X R V
}

describe("Sv32 walker", () => {
  const m = new Machine({ memBytes: RAM_BYTES, tlbEntries: 64, checkTlb: false });

  it("agrees with the reference model on fault, cause, physical address and A/D update", () => {
    fc.assert(fc.property(scenario, (s) => {
      install(m.ram, s);
      const ref = reference(m.ram, s.satp, s.va, s.access);
      const before = ref.pteAddr === undefined ? 0 : m.ram.read32(ref.pteAddr);
      const got = walk(m.ram, s.satp, s.va, s.access, true);
      if (ref.cause !== undefined) {
        expect(got).toBe(-ref.cause);
        return;
      }
      expect(got).toBeGreaterThanOrEqual(0);
      expect((got >>> 10) * 4096 + (s.va & 0xfff)).toBe(ref.pa);
      if (ref.pteAddr === undefined) return; // Bare mode: no PTE
      expect(m.ram.read32(ref.pteAddr)).toBe(ref.pteAfter);
      expect(got & 0xff).toBe(ref.pteAfter! & 0xff);
      expect((got & WALK_MEGA) !== 0).toBe(ref.mega);
      if (s.access !== Access.Store) expect(m.ram.read32(ref.pteAddr) & 0x80).toBe(before & 0x80); // D only on a store
    }), { numRuns: 3000 });
  });

  it("without update it translates the same and writes nothing", () => {
    fc.assert(fc.property(scenario, (s) => {
      install(m.ram, s);
      const ref = reference(m.ram, s.satp, s.va, s.access);
      const snapshot = Buffer.from(m.ram.u8);
      const got = walk(m.ram, s.satp, s.va, s.access, false);
      expect(got < 0 ? -got : (got >>> 10) * 4096 + (s.va & 0xfff)).toBe(ref.cause ?? ref.pa);
      expect(snapshot.equals(m.ram.u8)).toBe(true);
    }), { numRuns: 300 });
  });

  it("a faulting walk sets neither A nor D", () => {
    // A store to a read-only leaf with A clear: the permission check fails before the update.
    install(m.ram, { va: 0x0040_0000, access: Access.Store, satp: makeSatp(1, ROOT), rootPte: makePte(TABLE, 1), leafPte: makePte(20, 0b1_0011) });
    expect(walk(m.ram, makeSatp(1, ROOT), 0x0040_0000, Access.Store, true)).toBe(-15);
    expect(m.ram.read32(TABLE * 4096)).toBe(makePte(20, 0b1_0011));
  });

  it("the CPU's fetch, load and store agree with the reference model (TLB fill and fast path included)", () => {
    const cpu = m.cpu;
    const program = {
      [Access.Fetch]: [word(Op.JALR, { rd: 0, rs1: REG.t0, imm: 0 })],
      [Access.Load]: [word(Op.LW, { rd: REG.a0, rs1: REG.t0, imm: 0 }), word(Op.LW, { rd: REG.a2, rs1: REG.t0, imm: 0 }), 0x73],
      [Access.Store]: [word(Op.SW, { rs1: REG.t0, rs2: REG.a1, imm: 0 }), word(Op.SW, { rs1: REG.t0, rs2: REG.a1, imm: 0 }), 0x73],
    };
    fc.assert(fc.property(scenario, fc.integer(), (s, value) => {
      fc.pre(s.satp === makeSatp((s.satp >>> 22) & 0x1ff, ROOT)); // the code needs the root table
      install(m.ram, s);
      const ref = reference(m.ram, s.satp, s.va, s.access);
      // Skip the rare cases where the access would land on the page tables or the code.
      fc.pre(ref.pa === undefined || ref.pa >>> 12 > CODE);
      m.ram.zeroFrame(CODE);
      program[s.access].forEach((w, i) => m.ram.write32(CODE * 4096 + 4 * i, w));
      if (ref.pa !== undefined) m.ram.write32(ref.pa, s.access === Access.Fetch ? 0x73 /* ecall */ : value);
      cpu.sfenceVma();
      cpu.satp = s.satp;
      cpu.pc = CODE_VA;
      cpu.x.set([0, 0, 0, 0, 0, s.va | 0, 0, 0, 0, 0, 0x7777, value ^ 0x5a5a5a5a, 0x7777]);
      expect(cpu.run(10)).toBe(Exit.Trap);
      if (ref.cause !== undefined) {
        expect(cpu.trapCause).toBe(ref.cause);
        expect(cpu.trapTval).toBe(s.va);
        expect(cpu.pc).toBe(s.access === Access.Fetch ? s.va : CODE_VA);
        if (ref.pa !== undefined) expect(m.ram.read32(ref.pa) | 0).toBe(value);
        return;
      }
      expect(cpu.trapCause).toBe(8);
      if (s.access === Access.Fetch) expect(cpu.pc).toBe(s.va);
      if (s.access === Access.Load) expect([cpu.x[REG.a0], cpu.x[REG.a2]]).toEqual([value, value]);
      if (s.access === Access.Store) expect(m.ram.read32(ref.pa!) | 0).toBe(value ^ 0x5a5a5a5a);
      expect(m.ram.read32(ref.pteAddr!)).toBe(ref.pteAfter);
    }), { numRuns: 2000 });
  });
});
