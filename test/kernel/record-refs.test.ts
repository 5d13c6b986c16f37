import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTrace } from "../../src/sim/trace.js";
import { vmos } from "../helpers/cli.js";

describe("vmos run --record-refs", () => {
  it("records every page demand.s touches, in the format vmos sim reads", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vmos-refs-")), "demand.refs");
    const r = vmos(["run", "--record-refs", file, "programs/demand.s", "32"]);
    expect(r.status).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("# vmos refs v1\n")).toBe(true);
    const parsed = parseTrace(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    // 32 heap pages, each filled into the TLB at least once, plus code, data and stack.
    expect(parsed.refs.ids).toBeGreaterThan(32);
    expect(text).toMatch(/^1 0x10$/m);

    const sim = vmos(["sim", "--trace", file, "--compare", "--frames", "8"]);
    expect(sim.status).toBe(0);
    expect(sim.stdout).toMatch(/hit rate \(%\) by frames: \d+ references, \d+ distinct pages/);
  });
});
