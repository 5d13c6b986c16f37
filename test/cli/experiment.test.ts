import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vmos } from "../helpers/cli.js";

describe("vmos experiment thrash", () => {
  it("prints the thrashing curve: utilisation stays high while the workers fit, then collapses", () => {
    const svg = join(mkdtempSync(join(tmpdir(), "vmos-thrash-")), "thrash.svg");
    const r = vmos(["experiment", "thrash", "--mem", "512K", "--swap", "4M", "--pages", "40", "--rounds", "40", "--max-k", "3", "--svg", svg]);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split("\n").slice(2).map((l) => l.trim().split(/\s+/));
    expect(rows.map((row) => row[0])).toEqual(["1", "2", "3"]);
    const util = rows.map((row) => Number(row[2]));
    expect(util[0]).toBeGreaterThan(90);
    expect(util[2]).toBeLessThan(10);
    expect(rows.every((row) => row[row.length - 1] === "0")).toBe(true);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[\s\S]*CPU utilisation[\s\S]*<\/svg>\s*$/);
  });

  it("names an --svg file it cannot write in one line, without a stack trace", () => {
    const r = vmos(["experiment", "thrash", "--max-k", "1", "--pages", "4", "--rounds", "1", "--svg", "/nonexistent-dir/t.svg"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("vmos: --svg /nonexistent-dir/t.svg: no such directory");
  });

  it("rejects a bad --max-k", () => {
    const r = vmos(["experiment", "thrash", "--max-k", "100"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--max-k 100: at most 64/);
  });
});
