// Executable images for the ELF tests, built the way the assembler will: lay out first, then fill in.

import { layoutSections, type AllocSectionName, type SectionRequest } from "../../src/elf/layout.js";
import type { ElfSymbol, ExecutableImage } from "../../src/elf/writer.js";

/** The exit program encoded by hand: li a7,93; li a0,3; ecall (exit(3) on Linux and vmos). */
export const EXIT3_WORDS = [0x05d00893, 0x00300513, 0x00000073];

export function wordsToBytes(words: number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w, true));
  return bytes;
}

/**
 * An image with the given contents per section, at the addresses layoutSections gives; .bss is
 * given by size only. Empty sections are passed to the writer, as the assembler will. Symbols are made by `symbols(addrOf)` once addresses are known.
 */
export function buildImage(
  contents: Partial<Record<Exclude<AllocSectionName, ".bss">, Uint8Array>> & { bssSize?: number; bssAlign?: number },
  symbols: (addrOf: (name: AllocSectionName) => number) => ElfSymbol[] = () => [],
): ExecutableImage {
  const requests: (SectionRequest & { data?: Uint8Array })[] = [];
  for (const name of [".text", ".rodata", ".data"] as const) {
    const data = contents[name];
    if (data) requests.push({ name, size: data.length, align: name === ".rodata" ? 1 : 4, data });
  }
  if (contents.bssSize) requests.push({ name: ".bss", size: contents.bssSize, align: contents.bssAlign ?? 4 });
  const placed = layoutSections(requests);
  const addrOf = (name: AllocSectionName): number => {
    const p = placed.find((s) => s.name === name);
    if (!p) throw new Error(`fixture: ${name} was not placed`);
    return p.addr;
  };
  return {
    entry: addrOf(".text"),
    // An empty section is not placed; the writer ignores it, whatever address it claims.
    sections: requests.map((r) => ({ ...r, addr: placed.find((p) => p.name === r.name)?.addr ?? 0 })),
    symbols: symbols(addrOf),
  };
}

/** The exit(3) program alone: one segment, .text only, a global _start. */
export function exitImage(): ExecutableImage {
  return buildImage({ ".text": wordsToBytes(EXIT3_WORDS) }, (at) => [
    { name: "_start", value: at(".text"), size: 12, type: "func", binding: "global", section: ".text" },
  ]);
}

/** All four sections, local and global symbols, and an absolute one: exercises every writer path. */
export function fullImage(): ExecutableImage {
  return buildImage(
    {
      ".text": wordsToBytes(EXIT3_WORDS),
      ".rodata": new TextEncoder().encode("hello\n"),
      ".data": wordsToBytes([0xdeadbeef, 42]),
      bssSize: 64,
      bssAlign: 16,
    },
    (at) => [
      { name: "_start", value: at(".text"), size: 12, type: "func", binding: "global", section: ".text" },
      { name: "msg", value: at(".rodata"), size: 6, type: "object", binding: "local", section: ".rodata" },
      { name: "counter", value: at(".data") + 4, size: 4, type: "object", binding: "global", section: ".data" },
      { name: "buf", value: at(".bss"), size: 64, type: "object", binding: "local", section: ".bss" },
      { name: "loop", value: at(".text") + 4, size: 0, type: "notype", binding: "local", section: ".text" },
      { name: "SYS_exit", value: 93, size: 0, type: "notype", binding: "global", section: "abs" },
    ],
  );
}
