import { describe, expect, it } from "vitest";
import {
  EHDR_SIZE, EI_CLASS, EI_DATA, EI_VERSION, ET_CORE, ET_DYN, ET_REL, Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr, Elf32_Sym,
  PHDR_SIZE, SHDR_SIZE, SYM_SIZE,
} from "../../src/elf/constants.js";
import { readExecutable } from "../../src/elf/reader.js";
import { writeExecutable } from "../../src/elf/writer.js";
import { fullImage } from "./fixtures.js";

// fullImage's file: segments 0 (.text, R+X), 1 (.rodata, R), 2 (.data/.bss, RW); sections
// 0 null, 1 .text, 2 .rodata, 3 .data, 4 .bss, 5 .symtab, 6 .strtab, 7 .shstrtab.
const TEXT = 1;
const SYMTAB = 5;
const STRTAB = 6;
const SHSTRTAB = 7;
const valid = writeExecutable(fullImage());

/** A copy of the valid file, changed by `edit` through a little-endian view with ELF field helpers. */
function corrupt(edit: (f: Fields) => void): Uint8Array {
  const bytes = valid.slice();
  const view = new DataView(bytes.buffer);
  const shoff = view.getUint32(Elf32_Ehdr.e_shoff, true);
  const symtab = view.getUint32(shoff + SYMTAB * SHDR_SIZE + Elf32_Shdr.sh_offset, true);
  edit({
    bytes,
    ehdr: (field, value, width = 4) => set(view, Elf32_Ehdr[field], value, width),
    phdr: (i, field, value) => set(view, EHDR_SIZE + i * PHDR_SIZE + Elf32_Phdr[field], value, 4),
    shdr: (i, field, value) => set(view, shoff + i * SHDR_SIZE + Elf32_Shdr[field], value, 4),
    sym: (i, field, value, width = 4) => set(view, symtab + i * SYM_SIZE + Elf32_Sym[field], value, width),
  });
  return bytes;
}

interface Fields {
  bytes: Uint8Array;
  ehdr(field: keyof typeof Elf32_Ehdr, value: number, width?: 2 | 4): void;
  phdr(i: number, field: keyof typeof Elf32_Phdr, value: number): void;
  shdr(i: number, field: keyof typeof Elf32_Shdr, value: number): void;
  sym(i: number, field: keyof typeof Elf32_Sym, value: number, width?: 2 | 4): void;
}

function set(view: DataView, at: number, value: number, width: number): void {
  if (width === 2) view.setUint16(at, value, true);
  else view.setUint32(at, value >>> 0, true);
}

function errorOf(bytes: Uint8Array): string {
  const result = readExecutable(bytes);
  return result.ok ? "(accepted)" : result.error;
}

const cases: { problem: string; file: () => Uint8Array; message: string }[] = [
  { problem: "an empty file", file: () => new Uint8Array(0), message: "file too short for an ELF header (0 bytes; ELF32 needs 52)" },
  { problem: "a truncated header", file: () => valid.subarray(0, 40), message: "file too short for an ELF header (40 bytes; ELF32 needs 52)" },
  { problem: "a text file", file: () => new TextEncoder().encode("li a0, 3\n"), message: "not an ELF file (bad magic)" },
  { problem: "a damaged magic number", file: () => corrupt((f) => (f.bytes[1] = 0x46)), message: "not an ELF file (bad magic)" },
  { problem: "a 64-bit file", file: () => corrupt((f) => (f.bytes[EI_CLASS] = 2)), message: "ELF class is 64-bit; vmos runs 32-bit RISC-V (ELFCLASS32) executables" },
  { problem: "an invalid class", file: () => corrupt((f) => (f.bytes[EI_CLASS] = 9)), message: "ELF class 9 is invalid (expected ELFCLASS32 = 1)" },
  { problem: "a big-endian file", file: () => corrupt((f) => (f.bytes[EI_DATA] = 2)), message: "ELF data is big-endian; vmos runs little-endian (ELFDATA2LSB) executables" },
  { problem: "an invalid data encoding", file: () => corrupt((f) => (f.bytes[EI_DATA] = 0)), message: "ELF data encoding 0 is invalid (expected ELFDATA2LSB = 1)" },
  { problem: "a wrong identification version", file: () => corrupt((f) => (f.bytes[EI_VERSION] = 0)), message: "ELF identification version 0 is not EV_CURRENT (1)" },
  { problem: "a wrong e_version", file: () => corrupt((f) => f.ehdr("e_version", 2)), message: "ELF version 2 is not EV_CURRENT (1)" },
  { problem: "an x86-64 file", file: () => corrupt((f) => f.ehdr("e_machine", 62, 2)), message: "ELF machine is x86-64 (e_machine 62); vmos runs RISC-V (EM_RISCV = 243) executables" },
  { problem: "an unknown machine", file: () => corrupt((f) => f.ehdr("e_machine", 999, 2)), message: "ELF machine is not RISC-V (e_machine 999); vmos runs RISC-V (EM_RISCV = 243) executables" },
  { problem: "a relocatable object", file: () => corrupt((f) => f.ehdr("e_type", ET_REL, 2)), message: "this is a relocatable object file (ET_REL), not an executable: link it into an executable first" },
  { problem: "a shared object", file: () => corrupt((f) => f.ehdr("e_type", ET_DYN, 2)), message: "this is a shared object or position-independent executable (ET_DYN); vmos runs static executables (ET_EXEC)" },
  { problem: "a core dump", file: () => corrupt((f) => f.ehdr("e_type", ET_CORE, 2)), message: "this is a core dump (ET_CORE), not an executable" },
  { problem: "an unknown type", file: () => corrupt((f) => f.ehdr("e_type", 7, 2)), message: "ELF type 7 is not an executable (ET_EXEC = 2)" },
  { problem: "no program headers", file: () => corrupt((f) => f.ehdr("e_phnum", 0, 2)), message: "no program headers: nothing to load" },
  { problem: "a wrong program header size", file: () => corrupt((f) => f.ehdr("e_phentsize", 56, 2)), message: "program header size is 56 bytes; ELF32 program headers are 32" },
  { problem: "a program header table past the end", file: () => corrupt((f) => f.ehdr("e_phoff", valid.length - 40)), message: `program header table (offset 0x${(valid.length - 40).toString(16)}, 96 bytes) extends past the end of the file` },
  { problem: "a segment past the end of the file", file: () => corrupt((f) => f.phdr(2, "p_offset", valid.length)), message: `program header 2 (PT_LOAD) extends past the end of the file (bytes 0x${valid.length.toString(16)}..0x${(valid.length + 8).toString(16)} of ${valid.length})` },
  { problem: "filesz above memsz", file: () => corrupt((f) => f.phdr(1, "p_memsz", 2)), message: "program header 1 (PT_LOAD) has more bytes in the file (0x6) than in memory (0x2)" },
  { problem: "a segment wrapping past 2^32", file: () => corrupt((f) => { f.phdr(2, "p_vaddr", 0xffff_f000); f.phdr(2, "p_memsz", 0x2000); }), message: "program header 2 (PT_LOAD) at 0xfffff000 with size 0x2000 wraps past the end of the 32-bit address space" },
  { problem: "overlapping segments", file: () => corrupt((f) => f.phdr(2, "p_vaddr", 0x10040)), message: "program headers 0 and 2 (PT_LOAD) overlap in memory" },
  { problem: "no PT_LOAD segment", file: () => corrupt((f) => [0, 1, 2].forEach((i) => f.phdr(i, "p_type", 4))), message: "no loadable segments (PT_LOAD)" },
  { problem: "an entry point in a data segment", file: () => corrupt((f) => f.ehdr("e_entry", 0x11000)), message: "entry point 0x11000 is not inside an executable (PF_X) PT_LOAD segment" },
  { problem: "an entry point outside every segment", file: () => corrupt((f) => f.ehdr("e_entry", 0x400)), message: "entry point 0x400 is not inside an executable (PF_X) PT_LOAD segment" },
  { problem: "a wrong section header size", file: () => corrupt((f) => f.ehdr("e_shentsize", 64, 2)), message: "section header size is 64 bytes; ELF32 section headers are 40" },
  { problem: "a section header table past the end", file: () => corrupt((f) => f.ehdr("e_shnum", 100, 2)), message: /^section header table \(offset 0x[0-9a-f]+, 4000 bytes\) extends past the end of the file$/.source },
  { problem: "a section name table index that is not a section", file: () => corrupt((f) => f.ehdr("e_shstrndx", 99, 2)), message: "section name string table index 99 is not a section (there are 8)" },
  { problem: "a section name table that is not a string table", file: () => corrupt((f) => f.ehdr("e_shstrndx", TEXT, 2)), message: "section name string table (section 1) is not a string table" },
  { problem: "a section name table past the end", file: () => corrupt((f) => f.shdr(SHSTRTAB, "sh_size", 0x10000)), message: "section name string table (section 7) extends past the end of the file" },
  { problem: "a section name outside its table", file: () => corrupt((f) => f.shdr(TEXT, "sh_name", 0x5000)), message: "section 1 name (offset 0x5000) is outside the section name string table" },
  { problem: "a section's bytes past the end", file: () => corrupt((f) => f.shdr(TEXT, "sh_offset", 0xffff_fff0)), message: "section 1 (.text) extends past the end of the file" },
  { problem: "a wrong symbol size", file: () => corrupt((f) => f.shdr(SYMTAB, "sh_entsize", 24)), message: "symbol table entry size is 24 bytes; ELF32 symbols are 16" },
  { problem: "a partial symbol entry", file: () => corrupt((f) => f.shdr(SYMTAB, "sh_size", 40)), message: "symbol table size 0x28 is not a whole number of 16-byte entries" },
  { problem: "a symbol string table that is not a string table", file: () => corrupt((f) => f.shdr(SYMTAB, "sh_link", TEXT)), message: "symbol table's string table (section 1) is not a string table" },
  { problem: "a symbol name outside its table", file: () => corrupt((f) => f.sym(1, "st_name", 0x7000)), message: "symbol 1 name (offset 0x7000) is outside the symbol string table" },
  { problem: "a symbol name with no terminating NUL", file: () => corrupt((f) => f.shdr(STRTAB, "sh_size", 3)), message: "symbol 1 name (offset 0x1) is outside the symbol string table" },
  { problem: "a symbol in a missing section", file: () => corrupt((f) => f.sym(1, "st_shndx", 50, 2)), message: "symbol 1 (msg) is in section 50, which does not exist" },
];

describe("readExecutable", () => {
  it("accepts the writer's output", () => {
    expect(errorOf(valid)).toBe("(accepted)");
  });

  it.each(cases)("rejects $problem with one line naming it", ({ file, message }) => {
    const error = errorOf(file());
    if (message.startsWith("^")) expect(error).toMatch(new RegExp(message));
    else expect(error).toBe(message);
    expect(error).not.toContain("\n");
  });

  it("accepts a stripped file with no section header table, giving no sections or symbols", () => {
    const result = readExecutable(corrupt((f) => { f.ehdr("e_shoff", 0); f.ehdr("e_shnum", 0, 2); }));
    expect(result.ok && result.elf.sections.length === 0 && result.elf.symbols.length === 0).toBe(true);
  });

  it("accepts and keeps program headers of types it does not load", () => {
    const result = readExecutable(corrupt((f) => { f.phdr(1, "p_type", 0x6474e551); f.phdr(1, "p_offset", 0xffff_0000); })); // PT_GNU_STACK
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.elf.segments.map((s) => s.type)).toEqual([1, 0x6474e551, 1]);
      expect(result.elf.loadSegments).toHaveLength(2);
    }
  });

  it("reads a file that sits at an offset inside a larger buffer", () => {
    const buffer = new Uint8Array(valid.length + 7);
    buffer.set(valid, 7);
    const result = readExecutable(buffer.subarray(7));
    expect(result.ok && result.elf.entry).toBe(fullImage().entry);
  });
});
