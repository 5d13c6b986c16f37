// The CLI contract for the toolchain commands: exit statuses, one clear line per failure, never a
// stack trace.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readExecutable } from "../../src/elf/reader.js";
import { vmos } from "../helpers/cli.js";

const HELLO = join(import.meta.dirname, "../../programs/hello.s");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vmos-cli-"));
});

describe("vmos asm", () => {
  it("writes an executable ELF and prints nothing on success", () => {
    const out = join(dir, "hello");
    const r = vmos(["asm", HELLO, "-o", out]);
    expect(r).toMatchObject({ status: 0, stdout: "", stderr: "" });
    const elf = readExecutable(new Uint8Array(readFileSync(out)));
    expect(elf.ok).toBe(true);
  });

  it("exits 1 with GNU-style diagnostics and a count, never a stack trace", () => {
    const src = join(dir, "bad.s");
    writeFileSync(src, ".globl _start\n_start:\n  ad a0, a1, a2\n  addi a0, a0, 5000\n");
    const r = vmos(["asm", src, "-o", join(dir, "bad")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${src}:3:3: error: unknown instruction 'ad'; did you mean 'add'?`);
    expect(r.stderr).toContain(`${src}:4:16: error: immediate 5000 out of range for addi: must be -2048..2047`);
    expect(r.stderr).toContain("vmos asm: 2 errors");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names a missing input file in one line", () => {
    const r = vmos(["asm", join(dir, "nope.s"), "-o", join(dir, "x")]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`vmos: ${join(dir, "nope.s")}: no such file`);
  });
});

describe("vmos objdump", () => {
  it("rejects a corrupt file with one line naming the problem", () => {
    const bad = join(dir, "corrupt");
    writeFileSync(bad, "this is not an ELF file at all, just text");
    const r = vmos(["objdump", bad]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/bad magic/);
  });

  it("labels functions and names branch targets", () => {
    const src = join(dir, "loop.s");
    writeFileSync(src, ".globl _start\n_start:\n  li a0, 3\nloop:\n  addi a0, a0, -1\n  bnez a0, loop\n  ret\n");
    const out = join(dir, "loop");
    expect(vmos(["asm", src, "-o", out]).status).toBe(0);
    const r = vmos(["objdump", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/<_start>:\n.*\tli\ta0,3\n/);
    expect(r.stdout).toMatch(/<loop>:\n/);
    expect(r.stdout).toMatch(/\tbnez\ta0,[0-9a-f]+ <loop>\n/);
  });
});
