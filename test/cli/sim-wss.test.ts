// `vmos sim --wss TAU`: the working-set size over time as a table and an SVG plot, for a generated
// string, a plain trace and one process of a `# vmos refs v1` trace; mistakes in one line.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vmos } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmos-wss-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The table's rows as [t, W]. */
function rows(stdout: string): number[][] {
  return stdout.split("\n").filter((l) => /^\s+\d+\s+\d+$/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
}

describe("vmos sim --wss", () => {
  it("tabulates W(t, tau) at every reference of a short trace, then its mean and maximum", () => {
    const trace = file("short.txt", "1\n2\n1\n3\n4\n1\n");
    const r = vmos(["sim", "--trace", trace, "--wss", "3"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(`working-set size W(t, tau), tau = 3 references, sampled every 1: ${trace}`);
    expect(lines[1]).toBe("process     the only one: 6 references, 4 distinct pages");
    expect(lines[2]).toMatch(/^\s+t\s+W\(t,tau\)$/);
    expect(rows(r.stdout)).toEqual([[1, 1], [2, 2], [3, 2], [4, 3], [5, 3], [6, 3]]);
    expect(r.stdout).toMatch(/^mean W\s+2\.33 pages \(over every t\)$/m);
    expect(r.stdout).toMatch(/^max W\s+3 pages \(first at t = 4\)$/m);
  });

  it("samples a generated loop every --sample references", () => {
    const r = vmos(["sim", "--pattern", "loop", "--pages", "8", "--length", "40", "--wss", "5", "--sample", "10"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("working-set size W(t, tau), tau = 5 references, sampled every 10: loop, 8 pages, seed 0");
    expect(rows(r.stdout)).toEqual([[10, 5], [20, 5], [30, 5], [40, 5]]);
    expect(r.stdout).toMatch(/^max W\s+5 pages \(first at t = 5\)$/m);
  });

  it("measures the trace's first pid unless --pid names another, and says which", () => {
    const trace = file("two.refs", "# vmos refs v1\n2 0x10\n1 0x10\n1 0x11\n2 0x20\n1 0x10\n2 0x10\n1 0x12\n");
    const first = vmos(["sim", "--trace", trace, "--wss", "2"]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("process     pid 2 (the first in the trace; pids: 2, 1): 3 of 7 references, 2 distinct pages; t counts its references alone");
    expect(rows(first.stdout)).toEqual([[1, 1], [2, 2], [3, 2]]);
    const one = vmos(["sim", "--trace", trace, "--wss", "2", "--pid", "1"]);
    expect(one.status).toBe(0);
    expect(one.stdout).toContain("process     pid 1 (pids: 2, 1): 4 of 7 references, 3 distinct pages; t counts its references alone");
    expect(rows(one.stdout)).toEqual([[1, 1], [2, 2], [3, 2], [4, 2]]);
  });

  it("plots W against t with --svg, with a line at the mean", () => {
    const svg = join(dir, "wss.svg");
    const r = vmos(["sim", "--pattern", "zipf", "--pages", "100", "--length", "3000", "--wss", "50", "--svg", svg]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote ${svg}`);
    expect(rows(r.stdout)).toHaveLength(100);
    const plot = readFileSync(svg, "utf8");
    expect(plot.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(plot.match(/<path /g)).toHaveLength(2);
    expect(plot).toContain("Working-set size, tau = 50: zipf, 100 pages, exponent 1, seed 0");
    expect(plot).toContain(">W(t, 50)</text>");
    expect(plot).toMatch(/>mean \d+\.\d<\/text>/);
  });

  it("refuses mistakes with one clear line and status 1", () => {
    const plain = file("plain.txt", "1\n2\n");
    const refs = file("one.refs", "# vmos refs v1\n1 0x10\n3 0x10\n");
    const cases: [string[], string][] = [
      [["sim", "--trace", plain, "--wss", "0"], "vmos: --wss 0: expected a whole number >= 1"],
      [["sim", "--trace", plain, "--wss", "ten"], "vmos: --wss ten: expected a whole number >= 1"],
      [["sim", "--trace", plain, "--wss", "3", "--compare"], "vmos sim: --wss and --compare are alternatives: give one"],
      [["sim", "--trace", plain, "--wss", "3", "--policy", "lru"], "vmos sim: --policy does not go with --wss (the working set depends on the references alone)"],
      [["sim", "--trace", plain, "--wss", "3", "--tau", "5"], "vmos sim: --tau is WSClock's window; --wss TAU takes its own"],
      [["sim", "--trace", plain, "--wss", "3", "--sample", "0"], "vmos: --sample 0: expected a whole number >= 1"],
      [["sim", "--trace", refs, "--wss", "3", "--pid", "2"], `vmos sim: --pid 2: no references of pid 2 in ${refs} (pids: 1, 3)`],
      [["sim", "--trace", plain, "--wss", "3", "--pid", "1"], `vmos sim: --pid needs a \`# vmos refs v1\` trace (the references of ${plain} carry no pids)`],
      [["sim", "--pattern", "loop", "--wss", "3", "--pid", "1"], "vmos sim: --pid needs a `# vmos refs v1` trace (the references of loop, 64 pages, seed 0 carry no pids)"],
      [["sim", "--policy", "lru", "--frames", "2", "--trace", plain, "--sample", "5"], "vmos sim: --sample goes with --wss"],
      [["sim", "--trace", plain, "--wss", "3", "--svg", join(dir, "missing", "w.svg")], `vmos: --svg ${join(dir, "missing", "w.svg")}: no such directory`],
    ];
    for (const [args, message] of cases) {
      const r = vmos(args);
      expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 1, stderr: message + "\n" });
    }
  });
});
