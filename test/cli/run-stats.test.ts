import { describe, expect, it } from "vitest";
import { vmos } from "../helpers/cli.js";

describe("vmos run --stats: where the simulated time went", () => {
  it("splits time into user, system and iowait and reports utilisation and fault rate", () => {
    const r = vmos(["run", "--stats", "programs/demand.s", "16"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/time\s+user [\d.]+ ms \([\d.]+%\), system [\d.]+ ms \([\d.]+%\), iowait 0\.000 ms \(0\.00%\)/);
    expect(r.stderr).toMatch(/CPU utilisation\s+100\.00%/);
    expect(r.stderr).toMatch(/fault rate\s+[\d.]+ faults\/s simulated \(major 0\.0\/s, minor [\d.]+\/s\)/);
    expect(r.stderr).toMatch(/swap I\/O\s+0\.000 ms of disk time/);
  });

  it("shows the CPU waiting on the disk when workers thrash", () => {
    const r = vmos(["run", "--stats", "--mem", "512K", "--swap", "4M", "programs/thrash.s", "3", "40", "50"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("workers 3 done\n");
    const util = Number(/CPU utilisation\s+([\d.]+)%/.exec(r.stderr)![1]);
    const iowait = Number(/iowait [\d.]+ ms \(([\d.]+)%\)/.exec(r.stderr)![1]);
    expect(util).toBeLessThan(50);
    expect(iowait).toBeGreaterThan(50);
    expect(r.stderr).toMatch(/major [1-9][\d.]*\/s/);
  });

  it("says so when the run ends with swap writes still queued, rather than a share above 100%", () => {
    // 2.5 MiB of stack in 256 KiB of RAM and 2 MiB of swap: swap fills, and the OOM panic ends the
    // run a millisecond in, with 511 writes of 5 ms queued.
    const r = vmos(["run", "--stats", "--mem", "256K", "--swap", "2M", "programs/stack.s"]);
    expect(r.status).toBe(137);
    expect(r.stderr).toMatch(/swap I\/O\s+2555\.000 ms of disk time \(more than the run's [\d.]+ ms: requests were still queued when it ended\)/);
  });
});
