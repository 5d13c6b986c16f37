// GNU binutils and qemu judge the files vmos writes, and GNU ld's output judges vmos's reader.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readExecutable } from "../../src/elf/reader.js";
import { writeExecutable } from "../../src/elf/writer.js";
import { AS, GNU_AS_FLAGS, GNU_LD_FLAGS, LD, OBJDUMP, QEMU, READELF, describeOracle, runTool } from "../helpers/oracle.js";
import { EXIT3_WORDS, buildImage, exitImage, fullImage, wordsToBytes } from "./fixtures.js";

const OBJCOPY = "riscv64-unknown-elf-objcopy";

const dir = mkdtempSync(join(tmpdir(), "vmos-elf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write `bytes` to a file in the test directory and return its path. */
function save(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes, { mode: 0o755 });
  return path;
}

/** Run a tool and keep what it says on both streams: GNU tools print warnings on stderr and exit 0. */
function runCapturing(tool: string, args: string[]): { status: number | null; output: string } {
  const run = spawnSync(tool, args, { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describeOracle("vmos ELF files under GNU binutils", [READELF, OBJDUMP, OBJCOPY], () => {
  const full = save("full", writeExecutable(fullImage()));

  const shapes = {
    "every section": full,
    ".text only": save("exit", writeExecutable(exitImage())),
    ".text and .bss only": save("bss", writeExecutable(buildImage({ ".text": wordsToBytes(EXIT3_WORDS), bssSize: 8 }))),
  };
  for (const [shape, path] of Object.entries(shapes)) {
    it(`readelf -a -W prints no warning or error for a file with ${shape}`, () => {
      const { status, output } = runCapturing(READELF, ["-a", "-W", path]);
      expect(status).toBe(0);
      expect(output).not.toMatch(/warning|error/i);
      expect(output).toMatch(/Machine:\s+RISC-V/);
    });
  }

  it("readelf maps .bss into the same segment as .data", () => {
    expect(runTool(READELF, ["-l", "-W", full])).toMatch(/^\s+02\s+\.data \.bss\s*$/m);
  });

  it("objdump -d disassembles .text with the symbol as its label and no complaint", () => {
    const { status, output } = runCapturing(OBJDUMP, ["-d", full]);
    expect(status).toBe(0);
    expect(output).not.toMatch(/warning|error/i);
    expect(output).toMatch(/<_start>:\s+\S+:\s+05d00893\s+li\s+a7,93/);
    expect(output).toMatch(/ecall/);
  });

  it("objcopy -O binary succeeds and starts the image with .text's bytes", () => {
    const bin = join(dir, "full.bin");
    const { status, output } = runCapturing(OBJCOPY, ["-O", "binary", full, bin]);
    expect(status).toBe(0);
    expect(output).toBe("");
    expect(readFileSync(bin).subarray(0, 12)).toEqual(Buffer.from(wordsToBytes(EXIT3_WORDS)));
  });
});

describeOracle("readExecutable on GNU-linked files", [AS, LD], () => {
  const source = save("gnu-exit.s", ".globl _start\n_start:\n  li a7, 93\n  li a0, 3\n  ecall\n.data\nanswer: .word 42\n");
  const object = join(dir, "gnu-exit.o");
  const linked = join(dir, "gnu-exit");
  // In beforeAll, not here: a skipped describe still runs its body to collect the tests.
  beforeAll(() => {
    runTool(AS, [...GNU_AS_FLAGS, source, "-o", object]);
    runTool(LD, [...GNU_LD_FLAGS, object, "-o", linked]);
  });

  it("accepts GNU ld's executable, extra segments and sections included, with _start as entry", () => {
    const result = readExecutable(readFileSync(linked));
    if (!result.ok) throw new Error(result.error);
    const start = result.elf.symbols.find((s) => s.name === "_start");
    expect(start).toMatchObject({ binding: "global", section: ".text" });
    expect(result.elf.entry).toBe(start!.value);
    expect(result.elf.sections.map((s) => s.name)).toContain(".riscv.attributes");
    expect(result.elf.symbols.some((s) => s.name.startsWith("$x"))).toBe(false);
  });

  it("reads the e_flags GNU ld writes for rv32ima/ilp32 objects as 0, the value the writer uses", () => {
    expect(runTool(READELF, ["-h", linked])).toMatch(/Flags:\s+0x0\n/);
  });

  it("rejects GNU as's unlinked object file, saying to link it", () => {
    const result = readExecutable(readFileSync(object));
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/relocatable object file \(ET_REL\).*link it/) });
  });
});

describeOracle("vmos ELF files under qemu", [QEMU], () => {
  it("runs the hand-encoded exit program, which exits with status 3", () => {
    const exe = save("exit3", writeExecutable(exitImage()));
    const run = spawnSync(QEMU, [exe], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
  });
});
