import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EM_RISCV, ET_EXEC, Elf32_Ehdr, PT_LOAD, SHT_NOBITS, SHT_SYMTAB } from "../../src/elf/constants.js";
import { readExecutable, sectionBytes, type ElfFile } from "../../src/elf/reader.js";
import { writeExecutable, type ElfSymbol } from "../../src/elf/writer.js";
import { buildImage, exitImage, fullImage, wordsToBytes } from "./fixtures.js";

const NOP = 0x00000013; // addi x0, x0, 0

function read(bytes: Uint8Array): ElfFile {
  const result = readExecutable(bytes);
  if (!result.ok) throw new Error(result.error);
  return result.elf;
}

describe("writeExecutable", () => {
  it("writes a little-endian ELF32 RISC-V ET_EXEC header with e_flags 0, as GNU ld does for rv32ima/ilp32", () => {
    const bytes = writeExecutable(exitImage());
    const view = new DataView(bytes.buffer);
    expect([...bytes.subarray(0, 8)]).toEqual([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
    expect(view.getUint16(Elf32_Ehdr.e_type, true)).toBe(ET_EXEC);
    expect(view.getUint16(Elf32_Ehdr.e_machine, true)).toBe(EM_RISCV);
    expect(view.getUint32(Elf32_Ehdr.e_flags, true)).toBe(0);
  });

  it("round-trips entry, section addresses and contents, and symbols through readExecutable", () => {
    const image = fullImage();
    const elf = read(writeExecutable(image));
    expect(elf.entry).toBe(image.entry);
    for (const s of image.sections) {
      const header = elf.sections.find((h) => h.name === s.name)!;
      expect(header).toMatchObject({ addr: s.addr, size: s.size });
      if (s.name === ".bss") expect(header.type).toBe(SHT_NOBITS);
      else expect(sectionBytes(elf, header)).toEqual(s.data);
    }
    const byName = (a: ElfSymbol, b: ElfSymbol) => a.name.localeCompare(b.name);
    expect([...elf.symbols].sort(byName)).toEqual([...image.symbols].sort(byName));
  });

  it("names sections .text .rodata .data .bss .symtab .strtab .shstrtab after the null section", () => {
    const elf = read(writeExecutable(fullImage()));
    expect(elf.sections.map((s) => s.name)).toEqual(["", ".text", ".rodata", ".data", ".bss", ".symtab", ".strtab", ".shstrtab"]);
  });

  it("writes local symbols before global ones, as ELF requires", () => {
    const elf = read(writeExecutable(fullImage()));
    const bindings = elf.symbols.map((s) => s.binding);
    expect(bindings).toEqual([...bindings].sort((a, b) => (a === b ? 0 : a === "local" ? -1 : 1)));
  });

  it("writes one PT_LOAD per present segment, covering exactly the placed sections", () => {
    const image = fullImage();
    const elf = read(writeExecutable(image));
    const addr = (name: string) => image.sections.find((s) => s.name === name)!.addr;
    expect(elf.segments.map((s) => s.type)).toEqual([PT_LOAD, PT_LOAD, PT_LOAD]);
    const [code, rodata, data] = elf.loadSegments;
    expect(code.vaddr + code.filesz).toBe(addr(".text") + 12);
    expect(rodata).toMatchObject({ vaddr: addr(".rodata"), filesz: 6, memsz: 6 });
    expect(data).toMatchObject({ vaddr: addr(".data"), filesz: 8, memsz: addr(".bss") + 64 - addr(".data") });
  });

  it("writes a file with only .text as a single segment and no empty sections", () => {
    const elf = read(writeExecutable(exitImage()));
    expect(elf.loadSegments).toHaveLength(1);
    expect(elf.sections.map((s) => s.name)).toEqual(["", ".text", ".symtab", ".strtab", ".shstrtab"]);
  });

  it("writes an empty symbol table (just the null entry) when there are no symbols", () => {
    const elf = read(writeExecutable({ ...exitImage(), symbols: [] }));
    expect(elf.sections.find((s) => s.type === SHT_SYMTAB)!.size).toBe(16);
    expect(elf.symbols).toEqual([]);
  });

  it("throws a vmos bug when a section address disagrees with layoutSections", () => {
    const image = exitImage();
    image.sections[0].addr += 4;
    expect(() => writeExecutable(image)).toThrow(/vmos bug: \.text is at 0x10058 but the layout puts it at 0x10054/);
  });

  it("throws a vmos bug when a section's data length is not its size", () => {
    const image = exitImage();
    image.sections[0].size = 16;
    expect(() => writeExecutable(image)).toThrow(/vmos bug: \.text has 12 bytes of data for size 16/);
  });

  it("writes the entry point as given, even outside .text, which readExecutable then rejects", () => {
    const image = exitImage();
    image.entry += 12;
    const result = readExecutable(writeExecutable(image));
    expect(result).toEqual({ ok: false, error: "entry point 0x10060 is not inside an executable (PF_X) PT_LOAD segment" });
  });

  it("writes a symbol in an empty, left-out section as absolute", () => {
    const image = exitImage();
    image.sections.push({ name: ".data", addr: 0x11000, align: 4, size: 0, data: new Uint8Array(0) });
    image.symbols.push({ name: "buf", value: 0x11000, size: 0, type: "object", binding: "local", section: ".data" });
    const elf = read(writeExecutable(image));
    expect(elf.symbols.find((s) => s.name === "buf")).toMatchObject({ value: 0x11000, section: "abs" });
  });

  it("round-trips any contents and symbols", () => {
    const bytes = (max: number) => fc.uint8Array({ maxLength: max });
    const code = fc.integer({ min: 1, max: 16 }).map((n) => wordsToBytes(new Array<number>(n).fill(NOP)));
    const symbol = fc.record({
      name: fc.stringMatching(/^[A-Za-z_.][A-Za-z0-9_.]{0,12}$/),
      value: fc.nat({ max: 0xffff_ffff }),
      size: fc.nat({ max: 0xffff_ffff }),
      type: fc.constantFrom("notype", "object", "func"),
      binding: fc.constantFrom("local", "global"),
      section: fc.constantFrom(".text", "abs"),
    }) as fc.Arbitrary<ElfSymbol>;
    fc.assert(
      fc.property(code, bytes(64), bytes(64), fc.nat({ max: 200 }), fc.array(symbol, { maxLength: 8 }), (text, rodata, data, bssSize, symbols) => {
        const image = buildImage({ ".text": text, ".rodata": rodata, ".data": data, bssSize }, () => symbols);
        const elf = read(writeExecutable(image));
        for (const s of image.sections) {
          const header = elf.sections.find((h) => h.name === s.name);
          if (s.size === 0 && s.name !== ".text") expect(header).toBeUndefined();
          else {
            expect(header!.addr).toBe(s.addr);
            if (s.data) expect(sectionBytes(elf, header!)).toEqual(s.data);
          }
        }
        const locals = symbols.filter((s) => s.binding === "local");
        expect(elf.symbols).toEqual([...locals, ...symbols.filter((s) => s.binding === "global")]);
      }),
      { numRuns: 200 },
    );
  });
});
