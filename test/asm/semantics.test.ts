// Assembler behaviour beyond byte-compatibility with GNU: forms GNU rejects that vmos accepts on
// purpose, symbol scoping, and how values are computed.

import { describe, expect, it } from "vitest";
import { decode } from "../../src/isa/decode.js";
import { immI, immJ, immU } from "../../src/isa/formats.js";
import { assemble } from "../../src/asm/index.js";
import { asm, errors, START, textWords } from "./helpers.js";

describe("assembler semantics", () => {
  it("numeric local labels refer to the nearest definition backward or forward", () => {
    const words = textWords(asm(`${START}1: j 1f\n1: j 1b\n   j 1b\n1: nop\n`));
    expect(words.slice(0, 3).map(immJ)).toEqual([4, 0, -4]);
  });

  it("reports a backward reference to a local label that does not exist yet", () => {
    expect(errors(asm(`${START}  j 1b\n`))).toEqual(["3:5: no local label '1:' before this '1b'"]);
  });

  it("li of a symbol or forward .equ becomes lui+addi with the full value (GNU rejects it)", () => {
    const r = asm(`${START}  li a0, later\n  li a1, target\n  nop\ntarget: nop\n.equ later, 0x12345fff\n`);
    const w = textWords(r);
    expect(((immU(w[0]!) + immI(w[1]!)) >>> 0).toString(16)).toBe("12345fff");
    const targetAddr = r.image!.symbols.find((s) => s.name === "target")!.value;
    expect((immU(w[2]!) + immI(w[3]!)) >>> 0).toBe(targetAddr);
  });

  it("freezes a .set value at the point it is set, as GNU does", () => {
    const w = textWords(asm(`${START}  .set here, .\n  nop\n  .set x, 1\n  addi a0, a0, x\n  .set x, 2\n  addi a0, a0, x\n  j here\n`));
    expect(w.slice(1, 3).map(immI)).toEqual([1, 2]);
    expect(immJ(w[3]!)).toBe(-12);
  });

  it("keeps symbols local to their file unless declared .globl", () => {
    const r = asm(["a.s", `${START}  call f\n  j helper\nhelper: ret\n.globl f\n`], ["b.s", "helper: ret\n.globl f\nf: j helper\n"]);
    expect(errors(r)).toEqual([]);
    const syms = r.image!.symbols;
    expect(syms.filter((s) => s.name === "helper").map((s) => s.binding)).toEqual(["local", "local"]);
    expect(syms.find((s) => s.name === "f")!.binding).toBe("global");
  });

  it("accepts ';' between statements and upper-case mnemonics", () => {
    const w = textWords(asm(`${START}  ADDI a0, a0, 1; Nop ; ecall\n`));
    expect(w.map((x) => decode(x)?.mnemonic)).toEqual(["addi", "addi", "ecall"]);
  });

  it("does not put .L labels or numeric labels in the symbol table", () => {
    const r = asm(`${START}.Lhidden: nop\n1: nop\nvisible: nop\n`);
    expect(r.image!.symbols.map((s) => s.name).sort()).toEqual(["_start", "visible"]);
  });

  it("records .type and .size in the symbol table", () => {
    const r = asm(`${START}.type _start, @function\n  nop\n  nop\n.size _start, . - _start\n.data\n.type v, %object\nv: .word 1\n.size v, 4\n`);
    const byName = new Map(r.image!.symbols.map((s) => [s.name, s]));
    expect(byName.get("_start")).toMatchObject({ type: "func", size: 8 });
    expect(byName.get("v")).toMatchObject({ type: "object", size: 4, section: ".data" });
  });

  it("rejects a symbol defined in terms of itself", () => {
    expect(errors(asm(`${START}  .word a\n.equ a, b + 1\n.equ b, a\n`)).some((e) => e.includes("defined in terms of itself"))).toBe(true);
  });
});

describe(".include", () => {
  const files: Record<string, string> = {
    "lib/util.s": "util: ret\n",
    "lib/loop.s": '.include "loop.s"\n',
    "lib/bad.s": "  addx a0, a0, a0\n",
  };
  const include = (path: string, from: string) => {
    const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
    const name = files[dir + path] !== undefined ? dir + path : path;
    return files[name] !== undefined ? { name, text: files[name]! } : { error: "not found" };
  };

  it("assembles the included text in place, in the including file's scope", () => {
    const r = assemble([{ name: "t.s", text: `${START}  call util\n.include "lib/util.s"\n` }], { include });
    expect(errors(r as never)).toEqual([]);
    expect(r.image!.symbols.map((s) => s.name).sort()).toEqual(["_start", "util"]);
  });

  it("reports errors inside the included file with its own name and line", () => {
    const r = assemble([{ name: "t.s", text: `${START}.include "lib/bad.s"\n` }], { include });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}`)).toEqual(["lib/bad.s:1:3"]);
    expect(r.sources.get("lib/bad.s")).toBe(files["lib/bad.s"]);
  });

  it("stops a file that includes itself, and reports a missing one", () => {
    const loop = assemble([{ name: "t.s", text: `${START}.include "lib/loop.s"\n` }], { include });
    expect(loop.diagnostics[0]!.message).toMatch(/nested more than 16 deep/);
    const missing = assemble([{ name: "t.s", text: `${START}.include "nope.s"\n` }], { include });
    expect(missing.diagnostics[0]!.message).toBe("cannot include 'nope.s': not found");
  });
});
