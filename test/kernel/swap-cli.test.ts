// `vmos run --swap SIZE [--swap-file PATH] [--swap-latency MS]`: the options, their one-line errors,
// and what --stats and --proc swaps report.

import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { vmos } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmos-swapcli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A program that writes a page, sends it out with vmos_pageout and reads it back (exit 0 if intact). */
const PROGRAM = `  .text
  .globl _start
_start:
  li a0, 0
  li a1, 4096
  li a2, 3
  li a3, 0x22
  li a4, -1
  li a5, 0
  li a7, 222
  ecall
  mv s1, a0
  li t0, 0x1234
  sw t0, 0(s1)
  mv a0, s1
  li a7, 1025
  ecall
  lw t1, 0(s1)
  sub a0, t1, t0
  li a7, 93
  ecall
`;

const program = join(dir, "swapper.s");
writeFileSync(program, PROGRAM);

describe("vmos run --swap", () => {
  it("runs with a swap disk and reports swap traffic and iowait with --stats", () => {
    const r = vmos(["run", "--swap", "1M", "--stats", program]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/swap\s+in 1, out 1 pages; 0 of 255 slots in use/);
    expect(r.stderr).toMatch(/iowait\s+\d+ cycles \(\d+\.\d\d% of the time idle waiting for the disk; CPU busy \d+\.\d\d%\)/);
  });

  it("says `none` without swap, and the program's page cannot go out", () => {
    const r = vmos(["run", "--stats", program]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/swap\s+none/);
  });

  it("keeps swap in a host file of the given size (--swap-file), named in /proc/swaps", () => {
    const file = join(dir, "swapfile");
    const r = vmos(["run", "--swap", "64K", "--swap-file", file, "--swap-latency", "0.1", "--proc", "swaps", program]);
    expect(r.status).toBe(0);
    expect(statSync(file).size).toBe(65536);
    expect(r.stderr).toContain(`${file}`);
    // Shown as init exits, its address space still there: the page read back keeps its slot.
    expect(r.stderr).toMatch(/file\t\t60\t\t4\t\t-2/);
  });

  it("refuses bad values with one line each", () => {
    const cases: [string[], RegExp][] = [
      [["--swap", "5K"], /^vmos: --swap 5K: must be 0 or a multiple of 4 KiB between 8K and 1G \(128G with --swap-file\)\n$/],
      [["--swap", "2G"], /^vmos: --swap 2G: must be 0 or a multiple of 4 KiB between 8K and 1G/],
      [["--swap", "lots"], /^vmos: --swap lots: not a size/],
      [["--swap-file", join(dir, "x")], /^vmos: --swap-file .*x: give the swap size too \(--swap SIZE\)\n$/],
      [["--swap", "1M", "--swap-latency", "fast"], /^vmos: --swap-latency fast: expected milliseconds/],
      [["--swap", "1M", "--swap-file", join(dir, "no", "such", "dir")], /^vmos: --swap-file .*dir: ENOENT/],
    ];
    for (const [args, message] of cases) {
      const r = vmos(["run", ...args, program]);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
