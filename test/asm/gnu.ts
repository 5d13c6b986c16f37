// Building the same sources with GNU as + ld at the addresses vmos chose, for byte comparisons.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { readExecutable, sectionBytes, type ElfFile } from "../../src/elf/reader.js";
import { AS, GNU_AS_FLAGS, GNU_LD_FLAGS, LD, runTool } from "../helpers/oracle.js";

/** Contents of each allocated section of `elf`, by name. */
export function allocSections(elf: ElfFile): Map<string, { addr: number; size: number; bytes: Uint8Array }> {
  const out = new Map<string, { addr: number; size: number; bytes: Uint8Array }>();
  for (const s of elf.sections) {
    if ([".text", ".rodata", ".data", ".bss"].includes(s.name) && s.size > 0) {
      out.set(s.name, { addr: s.addr, size: s.size, bytes: sectionBytes(elf, s) });
    }
  }
  return out;
}

/** Assemble and link `paths` with GNU, placing each section at the address `layout` gives it. */
export function gnuBuild(paths: string[], layout: Map<string, { addr: number }>): ElfFile {
  const dir = mkdtempSync(join(tmpdir(), "vmos-gnu-"));
  try {
    const objects = paths.map((p, i) => {
      const o = join(dir, `${i}-${basename(p)}.o`);
      runTool(AS, [...GNU_AS_FLAGS, p, "-o", o]);
      return o;
    });
    const starts = [...layout].map(([name, s]) => `--section-start=${name}=0x${s.addr.toString(16)}`);
    const out = join(dir, "a.out");
    runTool(LD, [...GNU_LD_FLAGS, "-e", "_start", ...starts, ...objects, "-o", out]);
    const parsed = readExecutable(new Uint8Array(readFileSync(out)));
    if (!parsed.ok) throw new Error(`GNU output rejected by vmos's reader: ${parsed.error}`);
    return parsed.elf;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
