// Assembling one instruction statement: a pseudo-instruction form, or a row of the instruction table
// with its operands read by kind.

import { INSTRUCTIONS, type InstructionDef, type OperandKind } from "../isa/instructions.js";
import type { Statement } from "./ast.js";
import type { FileAssembler } from "./assembler.js";
import { didYouMean } from "./diagnostics.js";
import { Expander, looksLikeRegister, shapeOf, type OpFields, type Shape } from "./operands.js";
import { PSEUDO_FORMS, pseudoNames } from "./pseudo.js";

const KIND_SHAPE: Record<OperandKind, Shape> = {
  rd: "r", rs1: "r", rs2: "r", mem: "m", amo: "m",
  imm12: "e", shamt: "e", branch: "e", jump: "e", uimm20: "e", csr: "e", uimm5: "e", pred: "e", succ: "e",
};

const KIND_SYNTAX: Record<OperandKind, string> = {
  rd: "rd", rs1: "rs1", rs2: "rs2", mem: "offset(rs1)", amo: "(rs1)", imm12: "imm", shamt: "shamt",
  branch: "label", jump: "label", uimm20: "imm20", csr: "csr", uimm5: "uimm5", pred: "pred", succ: "succ",
};

interface Mnemonic {
  def: InstructionDef;
  aq: boolean;
  rl: boolean;
  /** Operand shapes the row takes, e.g. `r,r,e`. */
  shape: string;
}

/** Every spelling of every row, with AMO ordering suffixes (`amoadd.w.aqrl`), built once. */
const MNEMONICS = new Map<string, Mnemonic>();
for (const def of INSTRUCTIONS) {
  const shape = def.operands.map((k) => KIND_SHAPE[k]).join(",");
  MNEMONICS.set(def.mnemonic, { def, aq: false, rl: false, shape });
  if (def.ordering) {
    for (const suffix of ["aq", "rl", "aqrl"]) {
      MNEMONICS.set(`${def.mnemonic}.${suffix}`, { def, aq: suffix.includes("aq"), rl: suffix.includes("rl"), shape });
    }
  }
}

/** Every mnemonic vmos accepts, for "did you mean" suggestions. */
export function allMnemonics(): string[] {
  return [...INSTRUCTIONS.map((d) => d.mnemonic), ...pseudoNames()];
}

/** Assemble one instruction statement into the current section (errors go to asm.diag). */
export function assembleInstruction(asm: FileAssembler, st: Statement): void {
  const name = st.op!.name.toLowerCase();
  const x = new Expander(asm, st);
  let shapes = "";
  for (let i = 0; i < st.operands.length; i++) shapes += (i === 0 ? "" : ",") + shapeOf(st.operands[i]!);

  const forms = PSEUDO_FORMS[name];
  if (forms !== undefined) {
    for (const form of forms) {
      if (form.shape === shapes) return form.expand(x);
    }
  }
  const found = MNEMONICS.get(name);
  if (found === undefined) {
    if (PSEUDO_FORMS[name]) return reportOperands(asm, st, name, PSEUDO_FORMS[name]!.map((f) => f.shape));
    const hint = didYouMean(name, allMnemonics());
    asm.diag.error(st.op!.pos, `unknown instruction '${st.op!.name}'${hint ? `; did you mean '${hint}'?` : ""}`);
    return;
  }
  const { def } = found;
  if (found.shape !== shapes) {
    return reportOperands(asm, st, name, [found.shape, ...(forms?.map((f) => f.shape) ?? [])], def);
  }
  const f: OpFields = { aq: found.aq, rl: found.rl };
  let ok = true;
  for (let i = 0; i < def.operands.length; i++) {
    const kind = def.operands[i]!;
    switch (kind) {
      case "rd": f.rd = x.r(i); break;
      case "rs1": f.rs1 = x.r(i); break;
      case "rs2": f.rs2 = x.r(i); break;
      case "csr": ok = (f.csr = x.csr(i)) !== undefined && ok; break;
      case "pred": ok = (f.pred = x.fenceSet(i)) !== undefined && ok; break;
      case "succ": ok = (f.succ = x.fenceSet(i)) !== undefined && ok; break;
      case "mem":
      case "amo": {
        const m = x.m(i);
        if (m === undefined) { ok = false; break; }
        f.rs1 = m.base;
        if (kind === "mem") f.imm = m.offset;
        else if (!(m.offset.k === "num" && m.offset.value === 0)) {
          asm.diag.error(m.offset.pos, `${name} takes no offset: the address is just (rs1)`);
          ok = false;
        }
        break;
      }
      default: f.imm = x.e(i);
    }
  }
  if (ok) x.op(def.op, f);
}

/** Explain an operand mismatch: a register where one was expected, or the accepted forms. */
function reportOperands(asm: FileAssembler, st: Statement, name: string, forms: string[], def?: InstructionDef): void {
  const want = forms[0]!.split(",").filter((s) => s !== "");
  // Same count: point at the first operand of the wrong kind.
  const sameCount = forms.map((f) => f.split(",").filter((s) => s !== "")).find((w) => w.length === st.operands.length);
  if (sameCount) {
    for (let i = 0; i < st.operands.length; i++) {
      const op = st.operands[i]!;
      const got = shapeOf(op);
      if (got === sameCount[i]) continue;
      const e = op.expr;
      if (e.k === "sym" && looksLikeRegister(e.name) && sameCount[i] === "r") {
        asm.diag.error(e.pos, `bad register name '${e.name}'`);
      } else {
        const what = { r: "a register", m: "a memory operand like 8(sp)", e: "an immediate or label" }[sameCount[i] as Shape];
        asm.diag.error(op.pos, `operand ${i + 1} of '${name}' must be ${what}`);
      }
      return;
    }
  }
  const syntax = def ? `${name} ${def.operands.map((k) => KIND_SYNTAX[k]).join(", ")}` : `${name} (${forms.map((f) => f || "no operands").join(" | ")})`;
  asm.diag.error(st.op!.pos, `wrong number of operands for '${name}': expected ${want.length}, got ${st.operands.length} (${syntax})`);
}
