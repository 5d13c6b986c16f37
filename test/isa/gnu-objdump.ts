// Test helper: assemble RISC-V source with GNU as and read back GNU objdump's disassembly, one entry
// per 32-bit instruction, in the `mnemonic` / `operands` split that vmos's disassemble() returns.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PrivSpec } from "../../src/isa/csr-names.js";
import { AS, GNU_AS_FLAGS, OBJDUMP, READELF, runTool } from "../helpers/oracle.js";

export const OBJCOPY = "riscv64-unknown-elf-objcopy";

export interface GnuLine {
  /** Address of the instruction as vmos computes it: vma + 4 * index. */
  pc: number;
  word: number;
  mnemonic: string;
  /** Operands without objdump's ` <symbol>` after targets and its `# address` comments. */
  operands: string;
  /** The untouched objdump line, for failure messages. */
  raw: string;
}

export interface GnuDisassembly {
  lines: GnuLine[];
  /**
   * The privileged spec objdump named CSRs by: the ELF's Tag_RISCV_priv_spec, which GNU as 2.40
   * writes (as 1.11) only if the source uses a CSR instruction by name; "1.12" without it.
   */
  privSpec: PrivSpec;
}

export interface GnuOptions {
  /** Load address to disassemble at (objdump --adjust-vma); default 0. */
  vma?: number;
  /** Drop .riscv.attributes, so objdump falls back to its defaults (priv spec 1.12, all extensions). */
  stripAttributes?: boolean;
}

const LINE = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s*\t([^\t]+)(?:\t(.*))?$/;

/**
 * Assemble `source` (a .text section of 32-bit instructions) with GNU_AS_FLAGS and return objdump's
 * lines and the CSR naming it used. Throws with GNU's message if as rejects the source, or if objdump's output has a 16-bit or
 * data line, which would break the one-line-per-word correspondence the tests rely on.
 */
export function gnuDisassemble(source: string, options: GnuOptions = {}): GnuDisassembly {
  const dir = mkdtempSync(join(tmpdir(), "vmos-disasm-"));
  try {
    const src = join(dir, "t.s");
    const obj = join(dir, "t.o");
    writeFileSync(src, `\t.text\n${source}\n`);
    runTool(AS, [...GNU_AS_FLAGS, src, "-o", obj]);
    if (options.stripAttributes) runTool(OBJCOPY, ["-R", ".riscv.attributes", obj]);
    const vma = (options.vma ?? 0) >>> 0;
    const out = runTool(OBJDUMP, ["-d", "-z", `--adjust-vma=${vma}`, obj]);
    const attributes = runTool(READELF, ["-A", obj]);
    const spec = /Tag_RISCV_priv_spec: (\d+)\s+Tag_RISCV_priv_spec_minor: (\d+)/.exec(attributes);
    const privSpec = spec === null ? "1.12" : `${spec[1]}.${spec[2]}`;
    if (privSpec !== "1.11" && privSpec !== "1.12") throw new Error(`unexpected priv spec ${privSpec}`);
    return { lines: parseObjdump(out, vma), privSpec };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseObjdump(out: string, vma: number): GnuLine[] {
  const lines: GnuLine[] = [];
  for (const raw of out.split("\n")) {
    const m = LINE.exec(raw);
    if (m === null) continue;
    const [, addr, bytes, mnemonic, operands = ""] = m as unknown as [string, string, string, string, string?];
    if (bytes.length !== 8) throw new Error(`objdump printed a non-32-bit unit: ${raw}`);
    const pc = (vma + 4 * lines.length) >>> 0;
    // objdump drops leading digits of wrapped addresses, so check only as many as it printed.
    if (pc % 16 ** addr.length !== parseInt(addr, 16)) throw new Error(`objdump line out of step at ${pc}: ${raw}`);
    const clean = operands.replace(/\s+#\s.*$/, "").replace(/ <[^>]*>/g, "");
    lines.push({ pc, word: parseInt(bytes, 16) >>> 0, mnemonic, operands: clean, raw });
  }
  return lines;
}

/** `.insn 4, 0x...` lines for raw words: unlike `.word`, this keeps them in a code region, so
 * objdump disassembles them instead of printing `.word`. */
export function insnLines(words: readonly number[]): string {
  return words.map((w) => `\t.insn 4, 0x${(w >>> 0).toString(16).padStart(8, "0")}`).join("\n");
}
