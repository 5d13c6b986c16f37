// `vmos sim`, the trace-driven simulator: its library (reference strings from files and patterns,
// the simulation's records, the SVG writer) and its command line (one line per user mistake).

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/sim/patterns.js";
import { distinctPages, refString } from "../../src/sim/refs.js";
import { anomalies, compare, simulate, type AccessRecord } from "../../src/sim/simulate.js";
import { lineChart, ticks } from "../../src/sim/svg.js";
import { parseTrace } from "../../src/sim/trace.js";
import { vmos } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmos-sim-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
const SILBERSCHATZ = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];

describe("simulate", () => {
  it("records every access: page, hit or miss, the evicted page and the frames", () => {
    const records: AccessRecord[] = [];
    const s = simulate(refString([1, 2, 1, 3], [false, true, false, false]), { policy: "fifo", frames: 2 }, (r) => records.push(r));
    expect(records.map((r) => [r.page, r.write, r.hit, r.evicted, r.frames])).toEqual([
      [1, false, false, null, [1, -1]],
      [2, true, false, null, [1, 2]],
      [1, false, true, null, [1, 2]],
      [3, false, false, 1, [3, 2]], // the new page takes the victim's frame
    ]);
    expect(s).toEqual({ policy: "fifo", frames: 2, references: 4, faults: 3, hits: 1, hitRate: 0.25, writebacks: 0 });
  });

  it("counts the write-back of a dirty victim", () => {
    expect(simulate(refString([1, 2, 3], [true, false, false]), { policy: "fifo", frames: 2 }).writebacks).toBe(1);
  });

  it("finds Belady's anomaly in a comparison table", () => {
    const table = compare(refString(BELADY), ["fifo", "lru"], [1, 2, 3, 4, 5]);
    expect(table.map((row) => row.map((s) => s.faults))).toEqual([[12, 12], [12, 12], [9, 10], [10, 8], [5, 5]]);
    expect(anomalies(table)).toEqual([{ policy: "fifo", framesBefore: 3, faultsBefore: 9, framesAfter: 4, faultsAfter: 10 }]);
  });

  it("rejects an unknown policy", () => {
    expect(() => simulate(refString([1]), { policy: "belady", frames: 1 })).toThrow(/unknown policy/);
  });
});

describe("patterns", () => {
  it("loop cycles through the pages; every pattern stays in range and repeats for a seed", () => {
    expect(Array.from(generate({ pattern: "loop", pages: 3, length: 7, seed: 0 }).pages)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    for (const pattern of ["loop", "random", "zipf", "scan"] as const) {
      const a = generate({ pattern, pages: 50, length: 2000, seed: 9 });
      expect(a.pages.every((p) => p >= 0 && p < 50)).toBe(true);
      expect(generate({ pattern, pages: 50, length: 2000, seed: 9 }).pages).toEqual(a.pages);
    }
    expect(generate({ pattern: "random", pages: 50, length: 100, seed: 1 }).pages).not.toEqual(generate({ pattern: "random", pages: 50, length: 100, seed: 2 }).pages);
  });

  it("zipf makes low pages hot, more so with a larger exponent", () => {
    const share0 = (s: number): number => {
      const r = generate({ pattern: "zipf", pages: 100, length: 20_000, seed: 1, exponent: s });
      return r.pages.filter((p) => p === 0).length / r.pages.length;
    };
    // P(0) = 1 / H(100, s): 0.193 for s = 1, 0.61 for s = 2
    expect(share0(1)).toBeGreaterThan(0.17);
    expect(share0(1)).toBeLessThan(0.22);
    expect(share0(2)).toBeGreaterThan(0.58);
  });

  it("scan mixes a hot set with a sequential pass over the rest", () => {
    const r = generate({ pattern: "scan", pages: 40, length: 1000, seed: 2 });
    const cold = Array.from(r.pages).filter((p) => p >= 10);
    expect(cold.slice(0, 5)).toEqual([10, 11, 12, 13, 14]);
    expect(cold.length).toBeGreaterThan(400);
    expect(cold.length).toBeLessThan(600);
  });

  it("marks the asked fraction of references as writes", () => {
    const r = generate({ pattern: "random", pages: 10, length: 10_000, seed: 0, writeRatio: 0.25 });
    const writes = r.writes!.reduce((a, b) => a + b, 0);
    expect(writes).toBeGreaterThan(2300);
    expect(writes).toBeLessThan(2700);
  });
});

describe("trace files", () => {
  it("reads page numbers with W and F flags, comments and blank lines", () => {
    const r = parseTrace("# a comment\n7\n\n0x1f W\n3w\n7f\n");
    if (!r.ok) throw new Error(r.error.message);
    expect(Array.from(r.refs.pages)).toEqual([0, 1, 2, 0]);
    expect(Array.from(r.refs.writes!)).toEqual([0, 1, 1, 0]);
    expect(Array.from(r.refs.fileBacked!)).toEqual([1, 0, 0]);
    expect([0, 1, 2].map(r.refs.label)).toEqual(["7", "0x1f", "3"]);
  });

  it("reads `# vmos refs v1`: (pid, vpn) pairs are distinct pages", () => {
    const r = parseTrace("# vmos refs v1\n1 0x10\n2 0x10 w\n1 16\n");
    if (!r.ok) throw new Error(r.error.message);
    expect(Array.from(r.refs.pages)).toEqual([0, 1, 0]);
    expect(distinctPages(r.refs)).toBe(2);
    expect(r.refs.label(1)).toBe("2:0x10");
  });

  it("names the first bad line", () => {
    expect(parseTrace("1\n2\nthree\n")).toEqual({ ok: false, error: { line: 3, message: "expected a page number with optional W or F, found 'three'" } });
    expect(parseTrace("# vmos refs v1\n1 0x10\n0x10\n")).toMatchObject({ ok: false, error: { line: 3 } });
    expect(parseTrace("# vmos refs v1\n1 0x100000\n")).toMatchObject({ ok: false, error: { line: 2, message: "VPN 0x100000 is beyond Sv32's 20 bits" } });
  });
});

describe("svg", () => {
  it("draws one line per series with axes and a legend", () => {
    const svg = lineChart({ title: "a < b", xLabel: "frames", yLabel: "hit rate", series: [{ name: "fifo", points: [[1, 0], [2, 0.5]] }, { name: "lru", points: [[1, 0.1], [2, 0.6]] }] });
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain(">fifo</text>");
    expect(svg).toContain("a &lt; b");
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(1, 5, true)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("vmos sim", () => {
  it("prints every reference with --verbose, then the summary", () => {
    const trace = file("silberschatz.txt", SILBERSCHATZ.join("\n") + "\n");
    const r = vmos(["sim", "--policy", "opt", "--frames", "3", "--trace", trace, "--verbose"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^\s+#\s+page\s+result\s+evicted\s+frames$/);
    expect(lines[4]).toMatch(/^\s+4\s+2\s+miss\s+7\s+2\s+0\s+1$/);
    expect(lines[5]).toMatch(/^\s+5\s+0\s+hit\s+2\s+0\s+1$/);
    expect(r.stdout).toMatch(/^faults\s+9$/m);
    expect(r.stdout).toMatch(/^hit rate\s+55\.00% \(11 hits\)$/m);
  });

  it("--compare on Belady's string shows FIFO's anomaly in the table, and plots it", () => {
    const trace = file("belady.txt", BELADY.join("\n") + "\n");
    const svg = join(dir, "belady.svg");
    const r = vmos(["sim", "--compare", "--trace", trace, "--frames-range", "1..5", "--svg", svg]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines[1]!.trim().split(/\s+/);
    const fifo = header.indexOf("fifo");
    const row = (frames: number): string[] => lines.find((l) => l.trim().split(/\s+/)[0] === String(frames))!.trim().split(/\s+/);
    expect(row(3)[fifo]).toBe("25.0"); // 3 hits of 12
    expect(row(4)[fifo]).toBe("16.7"); // 2 hits: more frames, fewer hits
    expect(r.stdout).toContain("Belady's anomaly: fifo has 10 faults with 4 frames, more than 9 with 3");
    expect(r.stdout).not.toMatch(/anomaly: (lru|opt) /);
    const plot = readFileSync(svg, "utf8");
    expect(plot.match(/<path /g)).toHaveLength(13);
    expect(r.stdout).toContain(`wrote ${svg}`);
  });

  it("names an --svg file it cannot write in one line, without a stack trace", () => {
    const trace = file("short.txt", "1\n2\n1\n");
    const r = vmos(["sim", "--compare", "--trace", trace, "--frames-range", "1..2", "--svg", join(dir, "missing", "x.svg")]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`vmos: --svg ${join(dir, "missing", "x.svg")}: no such directory`);
  });

  it("--compare --faults tabulates faults for the chosen policies over a generated string", () => {
    const args = ["sim", "--compare", "--faults", "--policy", "clock,lru,opt", "--pattern", "zipf", "--pages", "50", "--length", "2000", "--seed", "3", "--frames-range", "5..20:5"];
    const r = vmos(args);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("faults by frames: 2000 references, 50 distinct pages (zipf, 50 pages, exponent 1, seed 3)");
    expect(lines[1]!.trim().split(/\s+/)).toEqual(["frames", "clock", "lru", "opt"]);
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(["5", "10", "15", "20"]);
    for (const l of lines.slice(2)) {
      const [, clock, lru, opt] = l.trim().split(/\s+/).map(Number);
      expect(opt).toBeLessThanOrEqual(Math.min(clock!, lru!));
    }
    expect(vmos(args).stdout).toBe(r.stdout);
  });

  it("reads `vmos run --record-refs` traces and counts write-backs", () => {
    const trace = file("refs.txt", "# vmos refs v1\n1 0x10 w\n2 0x10\n1 0x10\n");
    const r = vmos(["sim", "--policy", "fifo", "--frames", "1", "--trace", trace, "--verbose"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\s+1\s+1:0x10w\s+miss\s+1:0x10$/m); // a write: the page is dirty
    expect(r.stdout).toMatch(/^\s+2\s+2:0x10\s+miss\s+1:0x10\s+2:0x10$/m);
    expect(r.stdout).toMatch(/^faults\s+3$/m);
    expect(r.stdout).toMatch(/^writebacks\s+1$/m);
  });

  it("refuses mistakes with one clear line and status 1", () => {
    const bad = file("bad.txt", "1\n2\nthree\n");
    const ok = file("ok.txt", "1\n2\n");
    const cases: [string[], string][] = [
      [["sim", "--policy", "belady", "--frames", "3", "--trace", ok], "vmos sim: --policy belady: unknown policy (known: linux, fifo, second-chance, clock, enhanced-clock, wsclock, clock-pro, lru, aging, lfu, mfu, random, opt)"],
      [["sim", "--policy", "lru", "--frames", "3"], "vmos sim: give a reference string: --trace FILE or --pattern loop|random|zipf|scan"],
      [["sim", "--policy", "lru", "--frames", "3", "--trace", ok, "--pattern", "loop"], "vmos sim: --trace and --pattern are alternatives: give one"],
      [["sim", "--policy", "lru", "--frames", "3", "--trace", bad], `vmos sim: ${bad}:3: expected a page number with optional W or F, found 'three'`],
      [["sim", "--policy", "lru", "--frames", "0", "--trace", ok], "vmos: --frames 0: expected a whole number >= 1"],
      [["sim", "--frames", "3", "--trace", ok], "vmos sim: --policy NAME is required (or --compare to run them all)"],
      [["sim", "--compare", "--trace", ok, "--frames-range", "5..2"], "vmos sim: --frames-range 5..2: expected A..B or A..B:STEP with 1 <= A <= B (example: 1..8, 8..128:8)"],
      [["sim", "--policy", "lru", "--frames", "3", "--trace", ok, "--svg", "x.svg"], "vmos sim: --svg goes with --compare"],
      [["sim", "--policy", "lru", "--frames", "3", "--pattern", "zipf", "--exponent", "-1"], "vmos sim: --exponent -1: expected a number >= 0"],
      [["sim", "--policy", "lru", "--frames", "3", "--trace", join(dir, "none.txt")], `vmos: ${join(dir, "none.txt")}: no such file`],
    ];
    for (const [args, message] of cases) {
      const r = vmos(args);
      expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 1, stderr: message + "\n" });
    }
  });
});
