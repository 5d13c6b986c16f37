// The assembler's user interface: every mistake gets file:line:col, a clear message, and all of a
// file's mistakes are reported in one run.

import { describe, expect, it } from "vitest";
import { assemble, formatDiagnostic } from "../../src/asm/index.js";
import { asm, errors, START, textWords } from "./helpers.js";

describe("assembler diagnostics", () => {
  it("suggests the closest mnemonic for an unknown one", () => {
    expect(errors(asm(`${START}  ad a0, a1, a2\n`))).toEqual(["3:3: unknown instruction 'ad'; did you mean 'add'?"]);
    expect(errors(asm(`${START}  mvv a0, a1\n`))[0]).toContain("did you mean 'mv'?");
  });

  it("reports a wrong number of operands with the expected syntax", () => {
    expect(errors(asm(`${START}  add a0, a1\n`))).toEqual([
      "3:3: wrong number of operands for 'add': expected 3, got 2 (add rd, rs1, rs2)",
    ]);
    expect(errors(asm(`${START}  ecall a0\n`))[0]).toMatch(/wrong number of operands for 'ecall': expected 0, got 1/);
  });

  it("points at an operand of the wrong kind", () => {
    expect(errors(asm(`${START}  add a0, a1, 5\n`))).toEqual(["3:15: operand 3 of 'add' must be a register"]);
    expect(errors(asm(`${START}  addi a0, 5, a1\n`))).toEqual(["3:12: operand 2 of 'addi' must be a register"]);
    expect(errors(asm(`${START}  lw a0, a1\n`))[0]).toMatch(/operand 2 of 'lw'/);
  });

  it("names bad registers", () => {
    expect(errors(asm(`${START}  add x32, a0, a1\n`))).toEqual(["3:7: bad register name 'x32'"]);
    expect(errors(asm(`${START}  lw a0, 4(a9)\n`))).toEqual(["3:12: bad register name 'a9'"]);
  });

  it("gives the range of an immediate that does not fit", () => {
    expect(errors(asm(`${START}  addi a0, a0, 2048\n`))).toEqual(["3:16: immediate 2048 out of range for addi: must be -2048..2047"]);
    expect(errors(asm(`${START}  addi a0, a0, -2049\n`))[0]).toContain("-2048..2047");
    expect(errors(asm(`${START}  slli a0, a0, 32\n`))[0]).toContain("must be 0..31");
    expect(errors(asm(`${START}  lui a0, 0x100000\n`))[0]).toContain("must be 0..1048575");
    expect(errors(asm(`${START}  sw a0, 4096(sp)\n`))[0]).toContain("-2048..2047");
  });

  it("gives the range of a branch whose target is too far", () => {
    const src = `${START}  beq a0, a1, far\n  .space 4096\nfar: nop\n`;
    expect(errors(asm(src))).toEqual(["3:15: beq target out of range: offset 4100 bytes, must be within -4096..4094"]);
    const ok = `${START}  beq a0, a1, far\n  .space 4084\nfar: nop\n`;
    expect(errors(asm(ok))).toEqual([]);
  });

  it("reports undefined symbols at each use", () => {
    expect(errors(asm(`${START}  j nowhere\n  la a0, nothing\n`))).toEqual([
      "3:5: undefined symbol 'nowhere'",
      "4:10: undefined symbol 'nothing'",
    ]);
  });

  it("says when a symbol exists in another file but is not .globl", () => {
    const r = asm(["a.s", `${START}  call helper\n`], ["b.s", "helper: ret\n"]);
    expect(errors(r)).toEqual(["3:8: undefined symbol 'helper' (defined in b.s but not .globl there)"]);
  });

  it("rejects duplicate symbols, within a file and across files", () => {
    expect(errors(asm(`${START}x: nop\nx: nop\n`))).toEqual(["4:1: symbol 'x' is already defined (first at line 3)"]);
    const r = asm(["a.s", `${START}.globl f\nf: ret\n`], ["b.s", ".globl f\nf: ret\n"]);
    expect(errors(r)).toEqual(["2:1: multiple definition of 'f' (first defined at a.s:4)"]);
  });

  it("suggests the closest directive for an unknown one", () => {
    expect(errors(asm(`${START}  .wrod 5\n`))).toEqual(["3:3: unknown directive '.wrod'; did you mean '.word'?"]);
  });

  it("reports an unterminated string", () => {
    expect(errors(asm(`${START}  .ascii "abc\n`))).toEqual(["3:10: unterminated string (missing closing '\"')"]);
  });

  it("reports every error of a file in one run, each on its own line", () => {
    const src = `${START}  ad a0, a1, a2\n  addi a0, a0, 9999\n  .wrod 1\n  j nowhere\n  add a0\n`;
    expect(errors(asm(src)).map((e) => e.split(":")[0])).toEqual(["3", "4", "5", "6", "7"]);
  });

  it("prints file:line:col, the source line and a caret under the column", () => {
    const text = `${START}\tadd a0, a1, 5\n`;
    const r = asm(text);
    expect(formatDiagnostic(r.diagnostics[0]!, new Map([["t.s", text]]))).toBe(
      "t.s:3:14: error: operand 3 of 'add' must be a register\n    \tadd a0, a1, 5\n    \t            ^",
    );
  });

  it("rejects unknown characters, bad numbers and unsupported relocations", () => {
    expect(errors(asm(`${START}  addi a0, a0, 1 @ 2\n`))[0]).toMatch(/^3:\d+: unexpected/);
    expect(errors(asm(`${START}  li a0, 12ab\n`))).toEqual(["3:10: bad number '12ab'"]);
    expect(errors(asm(`${START}  lw a0, %got_pcrel_hi(x)(a0)\n`))[0]).toContain("unsupported relocation '%got_pcrel_hi'");
  });

  it("refuses instructions and non-zero data in .bss", () => {
    expect(errors(asm(`${START}nop\n.bss\n  nop\n  .word 1\n  .zero 8\n`))).toEqual([
      "5:3: instructions cannot go in .bss (it holds only zeros)",
      "6:9: non-zero data in .bss (use .data)",
    ]);
  });

  it("warns, like GNU, when a data value is truncated", () => {
    const r = asm(`${START}nop\n.data\n.byte 256\n`);
    expect(errors(r)).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(["value 256 truncated to 8 bits in .byte"]);
  });

  it("warns and uses the start of .text when there is no _start", () => {
    const r = asm("main: nop\n");
    expect(r.elf).toBeDefined();
    expect(r.diagnostics[0]!.message).toMatch(/no _start symbol/);
    expect(r.image!.entry).toBe(r.image!.sections[0]!.addr);
  });
});

describe("entry point", () => {
  it("must be a label in .text", () => {
    expect(errors(asm(".globl _start\n.equ _start, 5\nnop\n"))).toEqual(["2:6: _start must label an instruction in .text"]);
    expect(errors(asm("nop\n.data\n_start: .word 1\n"))).toEqual(["3:1: _start must label an instruction in .text"]);
  });

  it("cannot be missing when there is no code at all", () => {
    expect(errors(asm(".data\n.word 1\n"))).toEqual(["1:1: nothing to run: there is no _start and .text is empty"]);
  });
});

describe("recovery after a syntax error", () => {
  it("handles every statement exactly once: no duplicate-symbol errors from the lines before the error", () => {
    const r = asm(`${START}before: nop\n  addi a0, a0, 1 +\nafter: nop\n  j before\n  j after\n`);
    expect(errors(r)).toEqual(["4:19: unexpected end of line"]);
  });

  it("still assembles an .include that follows a syntax error", () => {
    const include = () => ({ name: "inc.s", text: "inc: ret\n" });
    const r = assemble([{ name: "t.s", text: `${START}  call inc\n  add a0,\n.include "inc.s"\n` }], { include });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(["t.s:4"]);
  });
});

describe("big files (lexed in chunks of lines)", () => {
  const lines = (n: number, text: string): string => Array(n).fill(text).join("\n") + "\n";

  it("reports line numbers past the first chunk exactly", () => {
    const src = `${START}${lines(4997, "  nop")}  addx a0, a0, a0\n${lines(3000, "  nop")}  .wrod 1\n`;
    expect(errors(asm(src)).map((e) => e.split(": ")[0])).toEqual(["5000:3", "8001:3"]);
  });

  it("lexes a /* comment */ that spans a chunk boundary as one comment", () => {
    const src = `${START}${lines(2000, "  nop")}/*\n${lines(100, "  this is not code")}*/\n  nop\n`;
    const r = asm(src);
    expect(errors(r)).toEqual([]);
    expect(textWords(r)).toHaveLength(2001);
  });
});
