import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EHDR_SIZE, Elf32_Ehdr, PHDR_SIZE, SHDR_SIZE, SHT_NOBITS } from "../../src/elf/constants.js";
import { readExecutable, sectionBytes } from "../../src/elf/reader.js";
import { writeExecutable } from "../../src/elf/writer.js";
import { exitImage, fullImage } from "./fixtures.js";

const files = [writeExecutable(fullImage()), writeExecutable(exitImage())];

/**
 * Byte offsets worth damaging: the headers and tables the reader trusts, more often than the
 * section contents it only hands out, so that most runs reach deep checks rather than the magic.
 */
function interestingOffset(file: Uint8Array): fc.Arbitrary<number> {
  const view = new DataView(file.buffer);
  const shoff = view.getUint32(Elf32_Ehdr.e_shoff, true);
  const shnum = view.getUint16(Elf32_Ehdr.e_shnum, true);
  const phnum = view.getUint16(Elf32_Ehdr.e_phnum, true);
  return fc.oneof(
    fc.integer({ min: 0, max: EHDR_SIZE + phnum * PHDR_SIZE - 1 }),
    fc.integer({ min: shoff, max: shoff + shnum * SHDR_SIZE - 1 }),
    fc.integer({ min: 0, max: file.length - 1 }),
  );
}

/** Values that break bounds arithmetic: zero, all ones, sign bits, the file length and off-by-ones. */
const nastyWord = (file: Uint8Array) =>
  fc.oneof(fc.constantFrom(0, 1, 0xffff_ffff, 0x8000_0000, 0x7fff_ffff, 0xffff, file.length, file.length - 1, file.length + 1), fc.nat({ max: 0xffff_ffff }));

/** readExecutable's promise: a verdict for any input, and when it accepts, every range is readable. */
function checkVerdict(bytes: Uint8Array): void {
  const result = readExecutable(bytes);
  if (!result.ok) {
    expect(result.error).toMatch(/^[^\n]+$/);
    return;
  }
  for (const seg of result.elf.loadSegments) {
    expect(seg.offset + seg.filesz <= bytes.length || seg.filesz === 0).toBe(true);
    expect(seg.vaddr + seg.memsz).toBeLessThanOrEqual(2 ** 32);
  }
  for (const section of result.elf.sections) {
    const contents = sectionBytes(result.elf, section);
    expect(contents.length).toBe(section.type === SHT_NOBITS ? 0 : section.size);
  }
}

describe("readExecutable on damaged files", () => {
  for (const [n, file] of files.entries()) {
    it(`never throws when bytes of valid file ${n} are flipped`, () => {
      const flip = fc.tuple(interestingOffset(file), fc.integer({ min: 1, max: 255 }));
      fc.assert(
        fc.property(fc.array(flip, { minLength: 1, maxLength: 6 }), (flips) => {
          const bytes = file.slice();
          for (const [at, mask] of flips) bytes[at] ^= mask;
          checkVerdict(bytes);
        }),
        { numRuns: 3000 },
      );
    });

    it(`never throws when 32-bit fields of valid file ${n} get boundary values`, () => {
      const write = fc.tuple(interestingOffset(file), nastyWord(file));
      fc.assert(
        fc.property(fc.array(write, { minLength: 1, maxLength: 4 }), (writes) => {
          const bytes = file.slice();
          const view = new DataView(bytes.buffer);
          for (const [at, value] of writes) {
            const aligned = Math.min(at & ~3, bytes.length - 4);
            view.setUint32(aligned, value, true);
          }
          checkVerdict(bytes);
        }),
        { numRuns: 3000 },
      );
    });

    it(`names a damaged section of valid file ${n} on one line even when its name holds a newline`, () => {
      // Found by the property above (seed 1682319425): a section's name offset moved onto bytes
      // that read as "\nsymtab" made the report two lines.
      const bytes = file.slice();
      const view = new DataView(bytes.buffer);
      for (const [at, value] of [[268, 372], [140, 167772160], [64, 0]] as const) view.setUint32(Math.min(at & ~3, bytes.length - 4), value, true);
      checkVerdict(bytes);
    });

    it(`never throws when valid file ${n} is truncated anywhere`, () => {
      for (let length = 0; length < file.length; length++) checkVerdict(file.subarray(0, length));
    });
  }

  it("never throws on random bytes behind a valid ELF identification", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (tail) => {
        const bytes = new Uint8Array(16 + tail.length);
        bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
        bytes.set(tail, 16);
        checkVerdict(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});
