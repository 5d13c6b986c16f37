// Rigs for hardware tests: a Machine with a program in it, either assembled (src/asm) and mapped
// in a Sv32 address space, or single instruction words (src/isa/encode) run in Bare mode.

import { assemble } from "../../src/asm/index.js";
import { Exit } from "../../src/hw/cpu.js";
import { Machine } from "../../src/hw/machine.js";
import { Access, walk } from "../../src/hw/mmu.js";
import { PageMap } from "../../src/hw/pagemap.js";
import { encode, emptyFields, type Fields } from "../../src/isa/encode.js";
import { INSTRUCTIONS, Op } from "../../src/isa/instructions.js";

export const STACK_TOP = 0x7fff_0000;
export const ASID = 1;
/** Where `withData` maps its extra read-write pages. */
export const DATA_VA = 0x4000_0000;

export interface Rig {
  m: Machine;
  map: PageMap;
  /** Address of a symbol of the program. */
  sym(name: string): number;
}

export interface RigOptions {
  memBytes?: number;
  tlbEntries?: number;
  checkTlb?: boolean;
}

/**
 * Assemble `source` (which must define _start), map it in a fresh Sv32 address space (ASID 1) with a
 * 64 KiB stack below STACK_TOP, and point the CPU at it. Throws on assembly errors.
 */
export function rig(source: string, o: RigOptions = {}): Rig {
  const r = assemble([{ name: "t.s", text: source }]);
  if (r.image === undefined) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join("\n"));
  const m = new Machine({ memBytes: o.memBytes ?? 4 << 20, tlbEntries: o.tlbEntries ?? 64, checkTlb: o.checkTlb ?? false });
  const map = new PageMap(m.ram, 1);
  m.cpu.pc = map.loadImage(r.image, STACK_TOP, 16 * 4096);
  m.cpu.satp = map.satp(ASID);
  m.cpu.x[2] = STACK_TOP;
  const symbols = new Map(r.image.symbols.map((s) => [s.name, s.value]));
  return {
    m, map,
    sym(name) {
      const v = symbols.get(name);
      if (v === undefined) throw new Error(`no symbol ${name}`);
      return v;
    },
  };
}

/** `body` as a program: _start, the body, then `ecall`; `data` goes in .data. */
export function program(body: string, data = ""): string {
  return `.text\n.globl _start\n_start:\n${body}\n  ecall\n.data\n${data}\n`;
}

/** Run until a trap (failing the test if the budget runs out first); returns the trap cause. */
export function runToTrap(m: Machine, budget = 1_000_000): number {
  const exit = m.cpu.run(budget);
  if (exit !== Exit.Trap) throw new Error(`no trap within ${budget} instructions (pc 0x${m.cpu.pc.toString(16)})`);
  return m.cpu.trapCause;
}

/** Run `source` built with `program` to its final ecall and return the machine; throws on any other trap. */
export function runProgram(body: string, data = "", o: RigOptions = {}): Rig {
  const r = rig(program(body, data), o);
  const cause = runToTrap(r.m);
  if (cause !== 8) throw new Error(`trapped with cause ${cause} at 0x${r.m.cpu.pc.toString(16)}, tval 0x${r.m.cpu.trapTval.toString(16)}`);
  return r;
}

/** Register number of an ABI name. */
export const REG = { zero: 0, ra: 1, sp: 2, t0: 5, t1: 6, t2: 7, s0: 8, s1: 9, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15 } as const;

/** The word for instruction `op` with the given operand fields (others 0). */
export function word(op: Op, f: Partial<Fields>): number {
  return encode(INSTRUCTIONS[op]!, { ...emptyFields(), ...f });
}

/** Where `bareStep` puts its instruction: physical (and, in Bare mode, virtual) address 0x1000. */
export const BARE_PC = 0x1000;

/** A Bare-mode (satp = 0) machine with 64 KiB of RAM, for single-instruction tests. */
export function bareMachine(): Machine {
  return new Machine({ memBytes: 64 * 1024, tlbEntries: 16, checkTlb: false });
}

/** Execute the one instruction `w` at BARE_PC with x[rs1] = a, x[rs2] = b; returns the Exit. */
export function bareStep(m: Machine, w: number, a = 0, b = 0, rs1 = 5, rs2 = 6): number {
  m.ram.write32(BARE_PC, w);
  m.cpu.x[rs1] = a;
  m.cpu.x[rs2] = b;
  m.cpu.pc = BARE_PC;
  m.cpu.satp = 0;
  return m.cpu.run(1);
}

/** Physical address of `va` in the CPU's current address space (no A/D update); throws if unmapped. */
export function paOf(m: Machine, va: number): number {
  const r = walk(m.ram, m.cpu.satp, va, Access.Load, false);
  if (r < 0) throw new Error(`0x${(va >>> 0).toString(16)} is not readable (cause ${-r})`);
  return (r >>> 10) * 4096 + (va & 0xfff);
}

/** The word at virtual address `va` (4-byte aligned), unsigned. */
export function peek(m: Machine, va: number): number {
  return m.ram.read32(paOf(m, va));
}
