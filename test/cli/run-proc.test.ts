// `vmos run --proc PID:FILE` / `--proc FILE`: /proc files printed from the host side to stderr,
// each under a header line, when the process exits (before its memory goes) or when init exits.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vmos } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmos-proc-"));

describe("vmos run --proc", () => {
  it("prints /proc/1/maps and /proc/meminfo as init exits, its memory still mapped", () => {
    const r = vmos(["run", "--proc", "1:maps", "--proc", "meminfo", "programs/hello.s"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("Hello from vmos!\n");
    expect(r.stderr).toMatch(/^==> \/proc\/1\/maps \(exit of hello\.s\[1\]\) <==\n00010000-00011000 r-xp 00000000 fe:00 \d{6} {5}\/programs\/hello\.s\n/);
    expect(r.stderr).toContain("[stack]\n==> /proc/meminfo (exit of hello.s[1]) <==\nMemTotal:          65536 kB\n");
    expect(r.stderr).toMatch(/\nPercpu:                0 kB\n$/);
  });

  it("accepts /proc paths; a run stopped by --max-steps ends init, which prints; a pid never seen is named", () => {
    const loop = join(dir, "loop.s");
    writeFileSync(loop, ".globl _start\n_start: j _start\n");
    const r = vmos(["run", "--max-steps", "5000", "--proc", "/proc/1/status", "--proc", "3:maps", loop]);
    expect(r.status).toBe(124);
    expect(r.stderr).toContain("==> /proc/1/status (exit of loop.s[1]) <==\nName:\tloop.s\nUmask:\t0022\nState:\tR (running)\n");
    expect(r.stderr).toContain("vmos: --proc 3:maps: no process 3 at the end of the run\n");
  });

  it("rejects an unknown file with one line listing the known ones", () => {
    const r = vmos(["run", "--proc", "1:nope", "programs/hello.s"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("vmos: --proc 1:nope: expected FILE (buddyinfo, meminfo, swaps, vmstat, zoneinfo) or PID:FILE (cmdline, maps, smaps, smaps_rollup, stat, statm, status)");
  });
});
