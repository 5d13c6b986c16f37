// The `vmos run` contract: options before FILE, the guest's argv after it; exit status = the
// program's (128 + signal when killed); one clear line for every user mistake.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vmos } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmos-run-"));

describe("vmos run", () => {
  it("runs assembly, passes everything after FILE to the program, and exits with its status", () => {
    const r = vmos(["run", "programs/argv.s", "--stats", "x"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("argc = 3\nargv[0] = programs/argv.s\nargv[1] = --stats\nargv[2] = x\n");
    expect(r.stderr).toBe("");
  });

  it("exits 128 + signal when the program is killed, after the kernel's one-line explanation", () => {
    const r = vmos(["run", "programs/segfault.s"]);
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(/^segfault\.s\[1\]: unhandled signal 11 \(SIGSEGV\) code 0x1 \(SEGV_MAPERR\) at 0x00000000 pc 0x[0-9a-f]{8} <_start\+0x[0-9a-f]+>: write at an address with no mapping\n$/);
  });

  it("prints --stats to stderr at exit", () => {
    const r = vmos(["run", "--stats", "programs/demand.s", "10"]);
    expect(r.status).toBe(0);
    for (const row of ["instructions", "cycles", "page faults", "TLB", "peak RSS", "page-table pages", "frames free"]) {
      expect(r.stderr).toContain(row);
    }
    expect(r.stderr).toMatch(/page faults\s+minor 1[4-9], major 0/);
  });

  it("writes a Chrome trace that is valid JSON with begin/end pairs", () => {
    const out = join(dir, "t.json");
    expect(vmos(["run", "--trace-out", out, "programs/hello.s"]).status).toBe(0);
    const events = JSON.parse(readFileSync(out, "utf8")).traceEvents as { ph: string; name: string }[];
    expect(events.some((e) => e.name === "do_page_fault" && e.ph === "B")).toBe(true);
    expect(events.filter((e) => e.ph === "B").length).toBe(events.filter((e) => e.ph === "E").length);
  });

  it("runs an ELF file, and refuses one that is not an executable with one line and status 126", () => {
    const elf = join(dir, "hello");
    expect(vmos(["asm", "programs/hello.s", "-o", elf]).status).toBe(0);
    expect(vmos(["run", elf]).stdout).toBe("Hello from vmos!\n");
    const junk = join(dir, "junk");
    writeFileSync(junk, "not an ELF");
    const r = vmos(["run", junk]);
    expect(r.status).toBe(126);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/bad magic/);
  });

  it("rejects bad options with one clear line", () => {
    expect(vmos(["run", "--mem", "lots", "programs/hello.s"]).stderr.trim()).toBe("vmos: --mem lots: not a size (examples: 64M, 512K, 1G)");
    expect(vmos(["run", "--mem", "100K", "programs/hello.s"]).stderr).toMatch(/must be a multiple of 4 KiB between 256K and/);
    expect(vmos(["run", "--tlb", "3", "programs/hello.s"]).stderr.trim()).toBe("vmos: --tlb 3: must be a power of two up to 65536");
    expect(vmos(["run", "--trace", "faults", "programs/hello.s"]).stderr).toMatch(/unknown category 'faults'/);
    const missing = vmos(["run", join(dir, "none.s")]);
    expect([missing.status, missing.stderr.trim()]).toEqual([1, `vmos: ${join(dir, "none.s")}: no such file`]);
  });

  it("stops a runaway program at --max-steps with status 124 and says so", () => {
    const loop = join(dir, "loop.s");
    writeFileSync(loop, ".globl _start\n_start: j _start\n");
    const r = vmos(["run", "--max-steps", "5000", loop]);
    expect(r.status).toBe(124);
    expect(r.stderr.trim()).toBe("vmos: stopped after 5000 instructions (--max-steps 5000)");
  });
});
