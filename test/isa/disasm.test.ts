// disassemble(): GNU objdump 2.40's aliases and operand spellings, on words built with the encoder.
// (disasm.oracle.test.ts checks the same against the real objdump; these pin the behaviour down
// without it, and say what each rule is.)

import { describe, expect, it } from "vitest";
import { disassemble } from "../../src/isa/disasm.js";
import { emptyFields, encode, type Fields } from "../../src/isa/encode.js";
import { INSTRUCTIONS, Op } from "../../src/isa/instructions.js";
import { parseRegister } from "../../src/isa/registers.js";

const r = (name: string): number => parseRegister(name)!;
const word = (op: Op, f: Partial<Fields> = {}): number => encode(INSTRUCTIONS[op]!, { ...emptyFields(), ...f });

/** objdump's two columns joined by a space, e.g. "li a0,5". */
function text(w: number, pc = 0x1000): string {
  const d = disassemble(w, pc);
  return d.operands === "" ? d.mnemonic : `${d.mnemonic} ${d.operands}`;
}

describe("disassemble: integer aliases", () => {
  it.each([
    ["addi zero,zero,0", word(Op.ADDI), "nop"],
    ["addi a0,zero,5", word(Op.ADDI, { rd: r("a0"), imm: 5 }), "li a0,5"],
    ["addi a0,zero,0 (li wins over mv)", word(Op.ADDI, { rd: r("a0") }), "li a0,0"],
    ["addi zero,zero,1 (li, not nop)", word(Op.ADDI, { imm: 1 }), "li zero,1"],
    ["addi a0,a1,0", word(Op.ADDI, { rd: r("a0"), rs1: r("a1") }), "mv a0,a1"],
    ["addi a0,a1,5 (GNU prints the register-form name)", word(Op.ADDI, { rd: r("a0"), rs1: r("a1"), imm: 5 }), "add a0,a1,5"],
    ["xori a0,a1,-1", word(Op.XORI, { rd: r("a0"), rs1: r("a1"), imm: -1 }), "not a0,a1"],
    ["xori a0,a1,-2", word(Op.XORI, { rd: r("a0"), rs1: r("a1"), imm: -2 }), "xor a0,a1,-2"],
    ["ori a0,a1,7", word(Op.ORI, { rd: r("a0"), rs1: r("a1"), imm: 7 }), "or a0,a1,7"],
    ["andi a0,a1,255", word(Op.ANDI, { rd: r("a0"), rs1: r("a1"), imm: 255 }), "zext.b a0,a1"],
    ["andi a0,a1,-1", word(Op.ANDI, { rd: r("a0"), rs1: r("a1"), imm: -1 }), "and a0,a1,-1"],
    ["slti keeps its name", word(Op.SLTI, { rd: r("a0"), rs1: r("a1"), imm: 1 }), "slti a0,a1,1"],
    ["sltiu a0,a1,1", word(Op.SLTIU, { rd: r("a0"), rs1: r("a1"), imm: 1 }), "seqz a0,a1"],
    ["sub a0,zero,a1", word(Op.SUB, { rd: r("a0"), rs2: r("a1") }), "neg a0,a1"],
    ["sltu a0,zero,a1", word(Op.SLTU, { rd: r("a0"), rs2: r("a1") }), "snez a0,a1"],
    ["slt a0,a1,zero", word(Op.SLT, { rd: r("a0"), rs1: r("a1") }), "sltz a0,a1"],
    ["slt a0,zero,a1", word(Op.SLT, { rd: r("a0"), rs2: r("a1") }), "sgtz a0,a1"],
    ["slli a0,a0,3 (hex shift amount, register-form name)", word(Op.SLLI, { rd: r("a0"), rs1: r("a0"), imm: 3 }), "sll a0,a0,0x3"],
    ["srai a0,a1,31", word(Op.SRAI, { rd: r("a0"), rs1: r("a1"), imm: 31 }), "sra a0,a1,0x1f"],
    ["add keeps its name", word(Op.ADD, { rd: r("a0"), rs1: r("a1"), rs2: r("a2") }), "add a0,a1,a2"],
  ])("%s -> %s", (_source, w, want) => expect(text(w)).toBe(want));
});

describe("disassemble: immediates", () => {
  it("prints I and S immediates signed and decimal, at both ends of their range", () => {
    expect(text(word(Op.ADDI, { rd: r("a0"), imm: -2048 }))).toBe("li a0,-2048");
    expect(text(word(Op.ADDI, { rd: r("a0"), imm: 2047 }))).toBe("li a0,2047");
    expect(text(word(Op.LW, { rd: r("a0"), rs1: r("sp"), imm: -8 }))).toBe("lw a0,-8(sp)");
    expect(text(word(Op.SW, { rs2: r("a0"), rs1: r("sp"), imm: -2048 }))).toBe("sw a0,-2048(sp)");
    expect(text(word(Op.SB, { rs2: r("a0"), rs1: r("sp"), imm: 2047 }))).toBe("sb a0,2047(sp)");
  });

  it("prints U immediates as the 20-bit field in hex", () => {
    expect(text(word(Op.LUI, { rd: r("a0"), imm: 0x12345 }))).toBe("lui a0,0x12345");
    expect(text(word(Op.LUI, { rd: r("a0"), imm: 0xfffff }))).toBe("lui a0,0xfffff");
    expect(text(word(Op.AUIPC, { rd: r("a0") }))).toBe("auipc a0,0x0");
  });
});

describe("disassemble: branches and jumps", () => {
  it.each([
    [word(Op.BEQ, { rs1: r("a0"), imm: 8 }), "beqz a0,1008"],
    [word(Op.BNE, { rs1: r("a0"), imm: -8 }), "bnez a0,ff8"],
    [word(Op.BNE, { rs2: r("a0"), imm: 4 }), "bne zero,a0,1004"],
    [word(Op.BGE, { rs2: r("a0"), imm: 4 }), "blez a0,1004"],
    [word(Op.BGE, { rs1: r("a0"), imm: 4 }), "bgez a0,1004"],
    [word(Op.BLT, { rs1: r("a0"), imm: 4 }), "bltz a0,1004"],
    [word(Op.BLT, { rs2: r("a0"), imm: 4 }), "bgtz a0,1004"],
    [word(Op.BLTU, { rs2: r("a0"), imm: 4 }), "bltu zero,a0,1004"],
    [word(Op.JAL, { imm: -0x1000 }), "j 0"],
    [word(Op.JAL, { rd: r("ra"), imm: 0x10 }), "jal 1010"],
    [word(Op.JAL, { rd: r("t0"), imm: 0x10 }), "jal t0,1010"],
  ])("%#: -> %s", (w, want) => expect(text(w)).toBe(want));

  it("returns the target address, wrapping at 2^32", () => {
    expect(disassemble(word(Op.BEQ, { rs1: r("a0"), imm: -8 }), 0x4).target).toBe(0xffff_fffc);
    expect(disassemble(word(Op.JAL, { imm: 0x10 }), 0xffff_fff8).target).toBe(0x8);
    expect(text(word(Op.JAL, { imm: 0x10 }), 0xffff_fff8)).toBe("j 8");
    expect(disassemble(word(Op.ADDI), 0).target).toBeUndefined();
  });

  it.each([
    [word(Op.JALR, { rs1: r("ra") }), "ret"],
    [word(Op.JALR, { rs1: r("a0") }), "jr a0"],
    [word(Op.JALR, { rs1: r("a0"), imm: 4 }), "jr 4(a0)"],
    [word(Op.JALR, { rd: r("ra"), rs1: r("a0") }), "jalr a0"],
    [word(Op.JALR, { rd: r("ra"), rs1: r("a0"), imm: -2048 }), "jalr -2048(a0)"],
    [word(Op.JALR, { rd: r("t0"), rs1: r("a0") }), "jalr t0,a0"],
    [word(Op.JALR, { rd: r("t0"), rs1: r("a0"), imm: 4 }), "jalr t0,4(a0)"],
  ])("jalr %#: -> %s", (w, want) => expect(text(w)).toBe(want));
});

describe("disassemble: CSRs", () => {
  const csr = (op: Op, rd: string, csrNum: number, src: string | number): number =>
    word(op, { rd: r(rd), csr: csrNum, ...(typeof src === "number" ? { imm: src } : { rs1: r(src) }) });

  it.each([
    [csr(Op.CSRRS, "a0", 0xc00, "zero"), "rdcycle a0"],
    [csr(Op.CSRRS, "a0", 0xc81, "zero"), "rdtimeh a0"],
    [csr(Op.CSRRS, "a0", 0xc02, "a1"), "csrrs a0,instret,a1"],
    [csr(Op.CSRRS, "a0", 0x300, "zero"), "csrr a0,mstatus"],
    [csr(Op.CSRRS, "zero", 0x300, "zero"), "csrr zero,mstatus"],
    [csr(Op.CSRRS, "zero", 0x300, "a0"), "csrs mstatus,a0"],
    [csr(Op.CSRRW, "zero", 0x300, "a0"), "csrw mstatus,a0"],
    [csr(Op.CSRRW, "a1", 0x300, "a0"), "csrrw a1,mstatus,a0"],
    [csr(Op.CSRRW, "zero", 0xc00, "zero"), "unimp"],
    [csr(Op.CSRRC, "zero", 0x003, "a0"), "csrc fcsr,a0"],
    [csr(Op.CSRRWI, "zero", 0x300, 5), "csrw mstatus,5"],
    [csr(Op.CSRRWI, "a1", 0x300, 5), "csrrw a1,mstatus,5"],
    [csr(Op.CSRRSI, "zero", 0x300, 31), "csrs mstatus,31"],
    [csr(Op.CSRRCI, "a0", 0x300, 0), "csrrc a0,mstatus,0"],
    [csr(Op.CSRRS, "a0", 0x7ff, "zero"), "csrr a0,0x7ff"],
  ])("%#: -> %s", (w, want) => expect(text(w)).toBe(want));

  it("names CSRs by the chosen privileged spec, 1.11 by default like GNU as 2.40", () => {
    const ustatus = csr(Op.CSRRS, "a0", 0x000, "zero");
    const menvcfg = csr(Op.CSRRS, "a0", 0x30a, "zero");
    expect(text(ustatus)).toBe("csrr a0,ustatus");
    expect(text(menvcfg)).toBe("csrr a0,0x30a");
    expect(disassemble(ustatus, 0, { privSpec: "1.12" }).operands).toBe("a0,0x0");
    expect(disassemble(menvcfg, 0, { privSpec: "1.12" }).operands).toBe("a0,menvcfg");
  });
});

describe("disassemble: fences, atomics, system", () => {
  const fence = (pred: number, succ: number): number => word(Op.FENCE, { pred, succ });

  it.each([
    [fence(0b1111, 0b1111), "fence"],
    [fence(0b0011, 0b0001), "fence rw,w"],
    [fence(0b1000, 0b0100), "fence i,o"],
    [fence(0b0001, 0), "fence w,unknown"],
    [0x8330_000f, "fence.tso"],
    [fence(0b0011, 0b0011) | (1 << 7), ".4byte 0x330008f"], // rd != 0: reserved, no spelling
    [0x8ff0_000f, ".4byte 0x8ff0000f"], // fm=1000 with pred/succ other than rw,rw
  ])("%#: -> %s", (w, want) => expect(text(w)).toBe(want));

  it.each([
    [word(Op.AMOADD_W, { rd: r("a0"), rs2: r("a1"), rs1: r("a2"), aq: true, rl: true }), "amoadd.w.aqrl a0,a1,(a2)"],
    [word(Op.AMOSWAP_W, { rd: r("a0"), rs2: r("a1"), rs1: r("a2"), aq: true }), "amoswap.w.aq a0,a1,(a2)"],
    [word(Op.SC_W, { rd: r("a0"), rs2: r("a1"), rs1: r("a2"), rl: true }), "sc.w.rl a0,a1,(a2)"],
    [word(Op.LR_W, { rd: r("a0"), rs1: r("a1") }), "lr.w a0,(a1)"],
    [word(Op.ECALL), "ecall"],
    [word(Op.EBREAK), "ebreak"],
  ])("%#: -> %s", (w, want) => expect(text(w)).toBe(want));

  it("prints a word the table cannot decode as .4byte, split into mnemonic and operand", () => {
    expect(disassemble(0x3020_0073, 0)).toEqual({ mnemonic: ".4byte", operands: "0x30200073" });
    expect(disassemble(0xffff_ffff, 0)).toEqual({ mnemonic: ".4byte", operands: "0xffffffff" });
    expect(disassemble(0x0000_0000, 0)).toEqual({ mnemonic: ".4byte", operands: "0x0" });
    expect(disassemble(-1, 0).operands).toBe("0xffffffff"); // signed input is taken as unsigned
  });
});
