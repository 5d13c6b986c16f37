import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EHDR_SIZE, PAGE_SIZE, PF_R, PF_W, PF_X, PHDR_SIZE } from "../../src/elf/constants.js";
import { BASE_ADDR, layoutImage, layoutSections, type SectionRequest } from "../../src/elf/layout.js";

const byName = (placed: ReturnType<typeof layoutSections>, name: string) => placed.find((s) => s.name === name);

describe("layoutSections", () => {
  it("puts .text right after the ELF header and one program header when it is the only section", () => {
    const [text] = layoutSections([{ name: ".text", size: 12, align: 4 }]);
    expect(text).toEqual({ name: ".text", addr: BASE_ADDR + EHDR_SIZE + PHDR_SIZE, offset: EHDR_SIZE + PHDR_SIZE, size: 12, align: 4 });
  });

  it("moves .text down as program headers are added for .rodata and .data", () => {
    const placed = layoutSections([
      { name: ".text", size: 8, align: 4 },
      { name: ".rodata", size: 3, align: 1 },
      { name: ".data", size: 4, align: 4 },
    ]);
    expect(byName(placed, ".text")!.addr).toBe(BASE_ADDR + EHDR_SIZE + 3 * PHDR_SIZE);
  });

  it("rounds the .text address up to .text's alignment", () => {
    const [text] = layoutSections([{ name: ".text", size: 4, align: 64 }]);
    expect(text.addr).toBe(0x10080); // headers end at 0x10054
    expect(text.offset).toBe(0x80);
  });

  it("places an empty .text even when none is requested", () => {
    const placed = layoutSections([{ name: ".data", size: 4, align: 4 }]);
    expect(placed.map((s) => s.name)).toEqual([".text", ".data"]);
    expect(placed[0].size).toBe(0);
  });

  it("starts .rodata and .data on their own pages, with vaddr equal to offset modulo the page", () => {
    const placed = layoutSections([
      { name: ".text", size: 0x1234, align: 4 },
      { name: ".rodata", size: 0x10, align: 8 },
      { name: ".data", size: 0x20, align: 4 },
    ]);
    expect(byName(placed, ".rodata")).toMatchObject({ addr: 0x12000, offset: 0x2000 });
    expect(byName(placed, ".data")).toMatchObject({ addr: 0x13000, offset: 0x3000 });
  });

  it("puts .bss after .data at .bss's alignment, in memory only", () => {
    const { sections, segments } = layoutImage([
      { name: ".text", size: 4, align: 4 },
      { name: ".data", size: 5, align: 4 },
      { name: ".bss", size: 100, align: 16 },
    ]);
    const bss = sections.find((s) => s.name === ".bss")!;
    expect(bss.addr).toBe(0x11010);
    expect(segments[1]).toMatchObject({ vaddr: 0x11000, filesz: 5, memsz: 0x10 + 100 });
  });

  it("gives a .bss-only image a writable segment with no file bytes", () => {
    const { segments } = layoutImage([
      { name: ".text", size: 4, align: 4 },
      { name: ".bss", size: 8, align: 4 },
    ]);
    expect(segments[1]).toMatchObject({ vaddr: 0x11000, filesz: 0, memsz: 8, flags: PF_R | PF_W });
  });

  it("leaves out sections of size 0 other than .text, and their program headers", () => {
    const { sections, segments } = layoutImage([
      { name: ".text", size: 4, align: 4 },
      { name: ".rodata", size: 0, align: 1 },
      { name: ".data", size: 0, align: 4 },
      { name: ".bss", size: 0, align: 4 },
    ]);
    expect(sections.map((s) => s.name)).toEqual([".text"]);
    expect(segments).toHaveLength(1);
  });

  it("gives segment 1 R+X, the .rodata segment R and the .data segment R+W", () => {
    const { segments } = layoutImage([
      { name: ".text", size: 4, align: 4 },
      { name: ".rodata", size: 4, align: 4 },
      { name: ".data", size: 4, align: 4 },
    ]);
    expect(segments.map((s) => s.flags)).toEqual([PF_R | PF_X, PF_R, PF_R | PF_W]);
    expect(segments[0]).toMatchObject({ offset: 0, vaddr: BASE_ADDR });
  });

  it("throws a vmos bug for a repeated section or an alignment that is not a power of two", () => {
    expect(() => layoutSections([{ name: ".text", size: 4, align: 3 }])).toThrow(/vmos bug/);
    expect(() => layoutSections([{ name: ".data", size: 4, align: 4 }, { name: ".data", size: 4, align: 4 }])).toThrow(/vmos bug/);
  });

  it("throws a RangeError when the sections do not fit below 2^32", () => {
    expect(() => layoutSections([{ name: ".bss", size: 0xffff_0000, align: 4 }])).toThrow(RangeError);
  });

  it("keeps sections aligned, in order, page-mapped and non-overlapping for any sizes", () => {
    const request = (name: SectionRequest["name"]) =>
      fc.record({ name: fc.constant(name), size: fc.nat({ max: 0x5000 }), align: fc.constantFrom(1, 2, 4, 8, 16, 0x1000, 0x2000) });
    fc.assert(
      fc.property(fc.tuple(request(".text"), request(".rodata"), request(".data"), request(".bss")), (requests) => {
        const { sections, segments, fileEnd } = layoutImage(requests);
        for (const s of sections) expect(s.addr % s.align).toBe(0);
        for (let i = 1; i < sections.length; i++) {
          expect(sections[i].addr).toBeGreaterThanOrEqual(sections[i - 1].addr + sections[i - 1].size);
        }
        expect(sections[0].addr).toBeGreaterThanOrEqual(BASE_ADDR + EHDR_SIZE + segments.length * PHDR_SIZE);
        for (const [i, seg] of segments.entries()) {
          expect(seg.vaddr % PAGE_SIZE).toBe(seg.offset % PAGE_SIZE);
          if (i > 0) {
            expect(seg.vaddr % PAGE_SIZE).toBe(0);
            expect(seg.vaddr).toBeGreaterThanOrEqual(segments[i - 1].vaddr + segments[i - 1].memsz);
            expect(seg.offset).toBeGreaterThanOrEqual(segments[i - 1].offset + segments[i - 1].filesz);
          }
          expect(seg.filesz).toBeLessThanOrEqual(seg.memsz);
        }
        const last = segments[segments.length - 1];
        expect(fileEnd).toBe(last.offset + last.filesz);
      }),
    );
  });
});
