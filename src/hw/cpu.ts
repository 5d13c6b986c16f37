// The hart: an RV32IMA interpreter for U-mode programs, with Sv32 translation through the TLB.
//
// Cpu.run is the hot loop. Per instruction it does, with no allocation:
//   1. fetch: if pc left the page it was translated on, translate it again (TLB, else a walk); the
//      page's translation is then reused for every instruction fetched from it;
//   2. decode: `ram.decoded[word]` caches, per word of RAM, which instruction the word is (decoded
//      once with isa/decode.ts from the instruction table); stores to a word clear its cache byte;
//   3. execute: one `switch`. Loads and stores try the TLB's per-access tag inline (one compare
//      for presence, ASID and permission) and fall back to the LoadStoreUnit for misses,
//      misaligned addresses and page-crossing accesses.
// Cycles, instret and TLB hits are kept in locals and written back when run returns.
//
// Traps are precise: when run returns Exit.Trap, `pc` is the trapping instruction and nothing it
// would have written (register, memory) has been written.

import { decode } from "../isa/decode.js";
import { immB, immJ, immS, rdOf } from "../isa/formats.js";
import { CSR_NAMES, Op } from "../isa/instructions.js";
import { amoResult, mulh, mulhsu, mulhu } from "./alu.js";
import { COST, timeOf, type Clock } from "./clock.js";
import { LoadStoreUnit } from "./lsu.js";
import { Access } from "./mmu.js";
import type { Ram } from "./ram.js";
import type { ReferenceClock } from "./refclock.js";
import type { Tlb } from "./tlb.js";
import { Cause } from "./trap.js";

export { StaleTlbError } from "./lsu.js";

/** Why Cpu.run returned. */
export const enum Exit {
  /** The budget of instructions was retired (the scheduler's quantum ran out). */
  Budget = 0,
  /** An exception: see Cpu.trapCause, Cpu.trapTval; Cpu.pc is the trapping instruction. */
  Trap = 1,
}

/** Construction options of a Cpu. */
export interface CpuOptions {
  /** Compare every TLB hit with a fresh page walk and throw StaleTlbError on a mismatch. */
  checkTlb?: boolean;
}

/**
 * The execute switch's case numbers, the values `ram.decoded` caches (0 = not decoded yet).
 * Why not `Op` itself: V8 compiles a switch into a jump table only when its case labels are
 * literal numbers, and `Op` lives in another module, which tsx/vitest (esbuild, one file at a time)
 * cannot inline; a const enum declared in this file always becomes literals. `execOf` maps each Op
 * to its case, and TypeScript checks that it covers every Op.
 */
const enum Exec {
  LUI = 1, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LBU, LH, LHU, LW, SB, SH, SW,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  NOP, ECALL, EBREAK,
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  LR, SC, AMO,
  CSR_READ, CSR_WRITE,
  /** A load into x0: the access happens (it may fault), the value is dropped. */
  LOAD_X0,
  /** A word that is no RV32IMA instruction. */
  ILLEGAL,
}

/** The execute case for `op`. */
function execOf(op: Op): Exec {
  switch (op) {
    case Op.LUI: return Exec.LUI;
    case Op.AUIPC: return Exec.AUIPC;
    case Op.JAL: return Exec.JAL;
    case Op.JALR: return Exec.JALR;
    case Op.BEQ: return Exec.BEQ;
    case Op.BNE: return Exec.BNE;
    case Op.BLT: return Exec.BLT;
    case Op.BGE: return Exec.BGE;
    case Op.BLTU: return Exec.BLTU;
    case Op.BGEU: return Exec.BGEU;
    case Op.LB: return Exec.LB;
    case Op.LBU: return Exec.LBU;
    case Op.LH: return Exec.LH;
    case Op.LHU: return Exec.LHU;
    case Op.LW: return Exec.LW;
    case Op.SB: return Exec.SB;
    case Op.SH: return Exec.SH;
    case Op.SW: return Exec.SW;
    case Op.ADDI: return Exec.ADDI;
    case Op.SLTI: return Exec.SLTI;
    case Op.SLTIU: return Exec.SLTIU;
    case Op.XORI: return Exec.XORI;
    case Op.ORI: return Exec.ORI;
    case Op.ANDI: return Exec.ANDI;
    case Op.SLLI: return Exec.SLLI;
    case Op.SRLI: return Exec.SRLI;
    case Op.SRAI: return Exec.SRAI;
    case Op.ADD: return Exec.ADD;
    case Op.SUB: return Exec.SUB;
    case Op.SLL: return Exec.SLL;
    case Op.SLT: return Exec.SLT;
    case Op.SLTU: return Exec.SLTU;
    case Op.XOR: return Exec.XOR;
    case Op.SRL: return Exec.SRL;
    case Op.SRA: return Exec.SRA;
    case Op.OR: return Exec.OR;
    case Op.AND: return Exec.AND;
    case Op.FENCE: return Exec.NOP; // one in-order hart: nothing to order
    case Op.ECALL: return Exec.ECALL;
    case Op.EBREAK: return Exec.EBREAK;
    case Op.MUL: return Exec.MUL;
    case Op.MULH: return Exec.MULH;
    case Op.MULHSU: return Exec.MULHSU;
    case Op.MULHU: return Exec.MULHU;
    case Op.DIV: return Exec.DIV;
    case Op.DIVU: return Exec.DIVU;
    case Op.REM: return Exec.REM;
    case Op.REMU: return Exec.REMU;
    case Op.LR_W: return Exec.LR;
    case Op.SC_W: return Exec.SC;
    case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W: case Op.AMOOR_W:
    case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
      return Exec.AMO;
    // csrrs/csrrc (and their immediate forms) only read when rs1/uimm is 0; csrrw/csrrwi always write.
    case Op.CSRRS: case Op.CSRRC: case Op.CSRRSI: case Op.CSRRCI: return Exec.CSR_READ;
    case Op.CSRRW: case Op.CSRRWI: return Exec.CSR_WRITE;
    case Op.COUNT: return Exec.ILLEGAL;
  }
}

/**
 * The `ram.decoded` value for instruction word `w`. Instructions whose only effect is writing rd
 * become NOP when rd is x0, and loads into x0 become LOAD_X0, so that no case that runs often
 * writes x[0] and the loop need not re-zero it after every instruction.
 */
function decodeWord(w: number): Exec {
  const def = decode(w);
  if (def === undefined) return Exec.ILLEGAL;
  const exec = execOf(def.op);
  if (rdOf(w) !== 0) return exec;
  if (exec === Exec.LUI || exec === Exec.AUIPC || (exec >= Exec.ADDI && exec <= Exec.AND) || (exec >= Exec.MUL && exec <= Exec.REMU)) {
    return Exec.NOP;
  }
  return exec >= Exec.LB && exec <= Exec.LW ? Exec.LOAD_X0 : exec;
}

const CSR_CYCLE = CSR_NAMES.get("cycle")!, CSR_TIME = CSR_NAMES.get("time")!, CSR_INSTRET = CSR_NAMES.get("instret")!;
const CSR_CYCLEH = CSR_NAMES.get("cycleh")!, CSR_TIMEH = CSR_NAMES.get("timeh")!, CSR_INSTRETH = CSR_NAMES.get("instreth")!;
const TWO_32 = 2 ** 32;

/**
 * One RV32IMA hart running in U-mode. The kernel sets `x`, `pc` and `satp`, calls `run`, and handles
 * the trap it returns. `x[0]` reads 0 always (run re-zeroes it). `satp` is a plain field, read when
 * run starts: writing it flushes nothing, exactly as on hardware.
 *
 * Register and immediate fields: rd, rs1, rs2 and the I and U immediates (trivial shifts of the
 * word, drawn in isa/formats.ts) are extracted inline, because a call per field costs a fifth of the
 * interpreter's speed; the S, B and J immediates go through the formats.ts helpers.
 */
export class Cpu {
  readonly x = new Int32Array(32);
  pc = 0;
  satp = 0;
  /** Instructions retired, ever. */
  instret = 0;
  /** After run returned Exit.Trap: the scause code and the stval value (unsigned). */
  trapCause = 0;
  trapTval = 0;
  private readonly lsu: LoadStoreUnit;
  /** Physical address of the LR reservation, or -1 for none. */
  private reservation = -1;

  constructor(readonly ram: Ram, readonly clock: Clock, readonly tlb: Tlb, options: CpuOptions = {}) {
    this.lsu = new LoadStoreUnit(ram, clock, tlb, options.checkTlb ?? false);
  }

  /**
   * Execute instructions until one traps (Exit.Trap; pc = that instruction, see trapCause/trapTval)
   * or `budget` instructions (at most 2^31-1 per call) have retired (Exit.Budget; pc = the next
   * instruction). Advances the clock by one cycle per retired instruction, COST.tlbWalk per page
   * walk and COST.trapEntry for a trap. Throws StaleTlbError (--check-tlb only) when a TLB hit disagrees with the page table; the
   * CPU state is then as before the instruction that used the stale entry.
   */
  run(budget: number): Exit {
    const x = this.x, ram = this.ram, i32 = ram.i32, u8 = ram.u8, i8 = ram.i8, u16 = ram.u16, i16 = ram.i16;
    const dec = ram.decoded, lsu = this.lsu;
    const tlb = this.tlb, tagR = tlb.tagR, tagW = tlb.tagW, tagX = tlb.tagX, base = tlb.base;
    // A page's TLB key and slot (see tlb.ts). `| 0` tells V8 these are int32s, sparing a check per use.
    const asidTag = lsu.begin(this.satp) | 0, spread = lsu.spread | 0, mask = tlb.mask | 0;
    let pc = this.pc | 0;
    const limit = Math.max(0, Math.min(budget, 0x7fff_ffff)) | 0; // an int32, so the loop test is one compare
    let n = 0; // instructions retired by this run
    let hits = 0; // fast-path TLB hits
    let fetchVpn = -1; // the page pc was last translated on
    let fetchWord = 0; // index in i32 of that page's first word
    // Or'ed into fetchVpn after a slow-path data access: 0 normally (no change); -1 while the reference
    // clock is on, so that the next fetch is translated, and counted, again (see refclock.ts).
    const refetch = lsu.refs === null ? 0 : -1;
    x[0] = 0;

    if ((pc & 3) !== 0) lsu.fault(Cause.InstructionMisaligned, pc); // the kernel set a bad pc
    else loop: while (n < limit) {
      if (pc >>> 12 !== fetchVpn) {
        const vpn = pc >>> 12, slot = (vpn ^ spread) & mask;
        if (tagX[slot] === (asidTag | vpn)) {
          hits++;
          fetchWord = base[slot]! >> 2;
        } else {
          const pa = lsu.translate(pc, Access.Fetch);
          if (pa < 0) break;
          fetchWord = (pa >> 2) & ~0x3ff;
        }
        fetchVpn = vpn;
      }
      const wi = fetchWord | ((pc >>> 2) & 0x3ff);
      const w = i32[wi]!;
      const d = dec[wi]!;
      let next = (pc + 4) | 0;

      switch (d) {
        case 0: // not decoded yet: decode once, then dispatch again
          dec[wi] = decodeWord(w);
          continue;
        case Exec.LUI: x[(w >>> 7) & 31] = w & 0xfffff000; break;
        case Exec.AUIPC: x[(w >>> 7) & 31] = pc + (w & 0xfffff000); break;
        case Exec.JAL: {
          const target = (pc + immJ(w)) | 0;
          if ((target & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, target); break loop; }
          x[(w >>> 7) & 31] = next;
          x[0] = 0; // j and jr write x0
          next = target;
          break;
        }
        case Exec.JALR: {
          const target = (x[(w >>> 15) & 31]! + (w >> 20)) & ~1;
          if ((target & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, target); break loop; }
          x[(w >>> 7) & 31] = next;
          x[0] = 0; // j and jr write x0
          next = target;
          break;
        }

        // A taken branch to a target that is not 4-byte aligned traps on the branch itself.
        case Exec.BEQ:
          if (x[(w >>> 15) & 31] === x[(w >>> 20) & 31]) {
            next = (pc + immB(w)) | 0;
            if ((next & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, next); break loop; }
          }
          break;
        case Exec.BNE:
          if (x[(w >>> 15) & 31] !== x[(w >>> 20) & 31]) {
            next = (pc + immB(w)) | 0;
            if ((next & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, next); break loop; }
          }
          break;
        case Exec.BLT:
          if (x[(w >>> 15) & 31]! < x[(w >>> 20) & 31]!) {
            next = (pc + immB(w)) | 0;
            if ((next & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, next); break loop; }
          }
          break;
        case Exec.BGE:
          if (x[(w >>> 15) & 31]! >= x[(w >>> 20) & 31]!) {
            next = (pc + immB(w)) | 0;
            if ((next & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, next); break loop; }
          }
          break;
        case Exec.BLTU:
          if (x[(w >>> 15) & 31]! >>> 0 < x[(w >>> 20) & 31]! >>> 0) {
            next = (pc + immB(w)) | 0;
            if ((next & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, next); break loop; }
          }
          break;
        case Exec.BGEU:
          if (x[(w >>> 15) & 31]! >>> 0 >= x[(w >>> 20) & 31]! >>> 0) {
            next = (pc + immB(w)) | 0;
            if ((next & 3) !== 0) { lsu.fault(Cause.InstructionMisaligned, next); break loop; }
          }
          break;

        case Exec.LB: case Exec.LBU: case Exec.LH: case Exec.LHU: {
          const size = d >= Exec.LH ? 2 : 1;
          const va = (x[(w >>> 15) & 31]! + (w >> 20)) | 0, vpn = va >>> 12, slot = (vpn ^ spread) & mask;
          let v: number;
          if (tagR[slot] === (asidTag | vpn) && (va & (size - 1)) === 0) {
            hits++;
            const pa = base[slot]! | (va & 0xfff);
            v = d === Exec.LB ? i8[pa]! : d === Exec.LBU ? u8[pa]! : d === Exec.LH ? i16[pa >> 1]! : u16[pa >> 1]!;
          } else {
            v = lsu.load(va, size);
            if (lsu.faulted) break loop;
            fetchVpn |= refetch;
            if (d === Exec.LB) v = (v << 24) >> 24;
            else if (d === Exec.LH) v = (v << 16) >> 16;
          }
          x[(w >>> 7) & 31] = v;
          break;
        }
        case Exec.LW: {
          const va = (x[(w >>> 15) & 31]! + (w >> 20)) | 0, vpn = va >>> 12, slot = (vpn ^ spread) & mask;
          let v: number;
          if (tagR[slot] === (asidTag | vpn) && (va & 3) === 0) {
            hits++;
            v = i32[(base[slot]! | (va & 0xfff)) >> 2]!;
          } else {
            v = lsu.load(va, 4);
            if (lsu.faulted) break loop;
            fetchVpn |= refetch;
          }
          x[(w >>> 7) & 31] = v;
          break;
        }
        case Exec.SB: case Exec.SH: {
          const size = d === Exec.SH ? 2 : 1;
          const va = (x[(w >>> 15) & 31]! + immS(w)) | 0, vpn = va >>> 12, slot = (vpn ^ spread) & mask;
          if (tagW[slot] === (asidTag | vpn) && (va & (size - 1)) === 0) {
            hits++;
            const pa = base[slot]! | (va & 0xfff);
            if (size === 1) u8[pa] = x[(w >>> 20) & 31]!;
            else u16[pa >> 1] = x[(w >>> 20) & 31]!;
            dec[pa >> 2] = 0;
          } else {
            lsu.store(va, size, x[(w >>> 20) & 31]!);
            if (lsu.faulted) break loop;
            fetchVpn |= refetch;
          }
          break;
        }
        case Exec.SW: {
          const va = (x[(w >>> 15) & 31]! + immS(w)) | 0, vpn = va >>> 12, slot = (vpn ^ spread) & mask;
          if (tagW[slot] === (asidTag | vpn) && (va & 3) === 0) {
            hits++;
            const word = (base[slot]! | (va & 0xfff)) >> 2;
            i32[word] = x[(w >>> 20) & 31]!;
            dec[word] = 0;
          } else {
            lsu.store(va, 4, x[(w >>> 20) & 31]!);
            if (lsu.faulted) break loop;
            fetchVpn |= refetch;
          }
          break;
        }

        case Exec.ADDI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! + (w >> 20); break;
        case Exec.SLTI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! < w >> 20 ? 1 : 0; break;
        case Exec.SLTIU: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! >>> 0 < (w >> 20) >>> 0 ? 1 : 0; break;
        case Exec.XORI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! ^ (w >> 20); break;
        case Exec.ORI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! | (w >> 20); break;
        case Exec.ANDI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! & (w >> 20); break;
        // The shift amount sits in the rs2 field; JS shifts, like RV32's, use the low 5 bits.
        case Exec.SLLI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! << (w >>> 20); break;
        case Exec.SRLI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! >>> (w >>> 20); break;
        case Exec.SRAI: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! >> (w >>> 20); break;

        case Exec.ADD: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! + x[(w >>> 20) & 31]!; break;
        case Exec.SUB: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! - x[(w >>> 20) & 31]!; break;
        case Exec.SLL: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! << x[(w >>> 20) & 31]!; break;
        case Exec.SLT: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! < x[(w >>> 20) & 31]! ? 1 : 0; break;
        case Exec.SLTU: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! >>> 0 < x[(w >>> 20) & 31]! >>> 0 ? 1 : 0; break;
        case Exec.XOR: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! ^ x[(w >>> 20) & 31]!; break;
        case Exec.SRL: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! >>> x[(w >>> 20) & 31]!; break;
        case Exec.SRA: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! >> x[(w >>> 20) & 31]!; break;
        case Exec.OR: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! | x[(w >>> 20) & 31]!; break;
        case Exec.AND: x[(w >>> 7) & 31] = x[(w >>> 15) & 31]! & x[(w >>> 20) & 31]!; break;

        case Exec.NOP: break;
        case Exec.ECALL: lsu.fault(Cause.EcallFromU, 0); break loop;
        case Exec.EBREAK: lsu.fault(Cause.Breakpoint, pc); break loop;

        case Exec.MUL: x[(w >>> 7) & 31] = Math.imul(x[(w >>> 15) & 31]!, x[(w >>> 20) & 31]!); break;
        case Exec.MULH: x[(w >>> 7) & 31] = mulh(x[(w >>> 15) & 31]!, x[(w >>> 20) & 31]!); break;
        case Exec.MULHSU: x[(w >>> 7) & 31] = mulhsu(x[(w >>> 15) & 31]!, x[(w >>> 20) & 31]!); break;
        case Exec.MULHU: x[(w >>> 7) & 31] = mulhu(x[(w >>> 15) & 31]!, x[(w >>> 20) & 31]!); break;
        case Exec.DIV: {
          const a = x[(w >>> 15) & 31]!, b = x[(w >>> 20) & 31]!;
          // Division by zero gives -1; INT_MIN / -1 overflows to INT_MIN, which `| 0` produces.
          x[(w >>> 7) & 31] = b === 0 ? -1 : (a / b) | 0;
          break;
        }
        case Exec.DIVU: {
          const a = x[(w >>> 15) & 31]! >>> 0, b = x[(w >>> 20) & 31]! >>> 0;
          x[(w >>> 7) & 31] = b === 0 ? -1 : (a / b) >>> 0;
          break;
        }
        case Exec.REM: {
          const a = x[(w >>> 15) & 31]!, b = x[(w >>> 20) & 31]!;
          // Remainder by zero gives the dividend; INT_MIN % -1 is -0 in JS, stored as 0.
          x[(w >>> 7) & 31] = b === 0 ? a : a % b;
          break;
        }
        case Exec.REMU: {
          const a = x[(w >>> 15) & 31]! >>> 0, b = x[(w >>> 20) & 31]! >>> 0;
          x[(w >>> 7) & 31] = b === 0 ? a : a % b;
          break;
        }

        case Exec.LR: {
          const va = x[(w >>> 15) & 31]!;
          if ((va & 3) !== 0) { lsu.fault(Cause.LoadMisaligned, va); break loop; }
          const pa = lsu.translate(va, Access.Load);
          if (pa < 0) break loop;
          fetchVpn |= refetch;
          x[(w >>> 7) & 31] = i32[pa >> 2]!;
          x[0] = 0;
          this.reservation = pa;
          break;
        }
        case Exec.SC: {
          const va = x[(w >>> 15) & 31]!;
          if ((va & 3) !== 0) { lsu.fault(Cause.StoreMisaligned, va); break loop; }
          const pa = lsu.translate(va, Access.Store); // translated as a store even when it will fail
          if (pa < 0) break loop;
          fetchVpn |= refetch;
          const ok = this.reservation === pa;
          this.reservation = -1;
          if (ok) {
            i32[pa >> 2] = x[(w >>> 20) & 31]!;
            dec[pa >> 2] = 0;
          }
          x[(w >>> 7) & 31] = ok ? 0 : 1;
          x[0] = 0;
          break;
        }
        case Exec.AMO: {
          const va = x[(w >>> 15) & 31]!;
          if ((va & 3) !== 0) { lsu.fault(Cause.StoreMisaligned, va); break loop; }
          const pa = lsu.translate(va, Access.Store); // AMOs fault as stores, even for the read
          if (pa < 0) break loop;
          fetchVpn |= refetch;
          const old = i32[pa >> 2]!;
          i32[pa >> 2] = amoResult(decode(w)!.op, old, x[(w >>> 20) & 31]!);
          dec[pa >> 2] = 0;
          x[(w >>> 7) & 31] = old;
          x[0] = 0;
          break;
        }

        // U-mode may only read the counters, which are read-only CSRs: a write (csrrw/csrrwi always;
        // csrrs/csrrc and the immediate forms unless rs1/uimm is 0) or any other CSR is illegal.
        case Exec.CSR_READ: {
          const value = (w >>> 15) & 31 ? -1 : this.counterAt(w >>> 20, this.clock.cycles + n, this.instret + n);
          if (value < 0) { lsu.fault(Cause.IllegalInstruction, w); break loop; }
          x[(w >>> 7) & 31] = value;
          x[0] = 0;
          break;
        }
        case Exec.LOAD_X0: {
          const op = decode(w)!.op;
          lsu.load((x[(w >>> 15) & 31]! + (w >> 20)) | 0, op === Op.LW ? 4 : op === Op.LH || op === Op.LHU ? 2 : 1);
          if (lsu.faulted) break loop;
          fetchVpn |= refetch;
          break;
        }
        default: // Exec.ILLEGAL, Exec.CSR_WRITE
          lsu.fault(Cause.IllegalInstruction, w);
          break loop;
      }
      pc = next;
      n++;
    }

    x[0] = 0;
    this.pc = pc >>> 0;
    this.instret += n;
    this.clock.cycles += n;
    tlb.hits += hits;
    if (lsu.stale !== undefined) throw lsu.stale;
    if (!lsu.faulted) return Exit.Budget;
    this.trapCause = lsu.cause;
    this.trapTval = lsu.tval;
    this.clock.cycles += COST.trapEntry;
    return Exit.Trap;
  }

  /**
   * SFENCE.VMA: (none, none) every translation; (va) that page in every address space; (none, asid)
   * that ASID's non-global translations; (va, asid) that page in that ASID unless global.
   * RangeError for an ASID outside 0..511.
   */
  sfenceVma(va?: number, asid?: number): void {
    if (asid !== undefined && (!Number.isInteger(asid) || asid < 0 || asid > 0x1ff)) {
      throw new RangeError(`sfenceVma: ASID ${asid} is not 0..511`);
    }
    this.tlb.flush(va === undefined ? undefined : va >>> 0, asid);
  }

  /**
   * Switch the reference clock (refclock.ts) on, or off with null. The whole TLB is flushed, so that
   * entries filled with fast-path tags before it was on cannot bypass it.
   */
  setReferenceClock(refs: ReferenceClock | null): void {
    this.lsu.refs = refs;
    this.tlb.flush();
  }

  /** Drop the LR reservation, so the next SC fails (the kernel does this on every context switch). */
  clearReservation(): void {
    this.reservation = -1;
  }

  /**
   * The value (unsigned 32 bits) a guest would read now from counter CSR `csr` (cycle, time, instret
   * or their h halves, by CSR number); RangeError for any other CSR.
   */
  readCounter(csr: number): number {
    const value = this.counterAt(csr, this.clock.cycles, this.instret);
    if (value < 0) throw new RangeError(`CSR 0x${csr.toString(16)} is not a counter`);
    return value;
  }

  /** Counter `csr` given the 64-bit cycle and instret counts, or -1 if `csr` is not a counter. */
  private counterAt(csr: number, cycles: number, instret: number): number {
    switch (csr) {
      case CSR_CYCLE: return cycles >>> 0;
      case CSR_CYCLEH: return Math.floor(cycles / TWO_32) >>> 0;
      case CSR_TIME: return timeOf(cycles) >>> 0;
      case CSR_TIMEH: return Math.floor(timeOf(cycles) / TWO_32) >>> 0;
      case CSR_INSTRET: return instret >>> 0;
      case CSR_INSTRETH: return Math.floor(instret / TWO_32) >>> 0;
      default: return -1;
    }
  }
}
