// `vmos run`'s reclaim options: --policy, --min-free-kbytes, --watermark-scale, the vmscan trace
// category, and the reclaim lines of --stats.

import { describe, expect, it } from "vitest";
import { vmos } from "../helpers/cli.js";

describe("vmos run and reclaim", () => {
  it("--stats shows the watermarks, kswapd, what reclaim took, and the policy", () => {
    const r = vmos(["run", "--mem", "1M", "--swap", "4M", "--policy", "clock", "--stats", "programs/demand.s", "600"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("touched 600 pages");
    expect(r.stderr).toMatch(/\n {2}watermarks {9}min 32, low 40, high 48 pages \(min_free_kbytes 128, watermark_scale_factor 10\)\n/);
    expect(r.stderr).toMatch(/\n {2}reclaim {12}policy clock; kswapd0\[2\] woke \d+ times, ran \d+ balance_pgdat \([\d.]+ ms\); direct reclaim \d+ times\n/);
    expect(r.stderr).toMatch(/\n {2}pages reclaimed {4}scanned \d+ by kswapd \+ \d+ direct, freed \d+ \+ \d+ \(anon \d+, file \d+\), written \d+\n/);
    expect(r.stderr).toMatch(/\n {2}OOM kills {10}0\n/);
  });

  it("takes --min-free-kbytes and --watermark-scale, and rejects values out of the sysctls' ranges", () => {
    const r = vmos(["run", "--mem", "4M", "--min-free-kbytes", "1024", "--watermark-scale", "100", "--stats", "programs/hello.s"]);
    expect(r.status).toBe(0);
    // min 256 pages; the step is max(256 / 4, 1024 * 100 / 10000 = 10) = 64.
    expect(r.stderr).toContain("watermarks         min 256, low 320, high 384 pages (min_free_kbytes 1024, watermark_scale_factor 100)");
    const bad = vmos(["run", "--watermark-scale", "0", "programs/hello.s"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe("vmos: --watermark-scale 0: must be between 1 and 1000");
  });

  it("rejects an unknown policy in one line naming the known ones", () => {
    const unknown = vmos(["run", "--policy", "nope", "programs/hello.s"]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr.trim()).toBe("vmos: --policy nope: unknown policy 'nope' (known: linux, fifo, second-chance, clock, enhanced-clock, wsclock, clock-pro, lru, aging, lfu, mfu, random, opt)");
  });

  it("traces reclaim under --trace vmscan: kswapd waking and sleeping, and what each pass freed", () => {
    const r = vmos(["run", "--mem", "1M", "--swap", "4M", "--trace", "vmscan", "programs/demand.s", "400"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/wakeup_kswapd: kswapd0\[2\] woken \(free \d+ <= low 40, high 48\)/);
    expect(r.stderr).toMatch(/pid 2 .*balance_pgdat\(free=\d+ high=48\)/);
    expect(r.stderr).toMatch(/shrink_inactive_list inactive_anon: scanned \d+, reclaimed \d+/);
    expect(r.stderr).toMatch(/kswapd0\[2\] sleeps \(free \d+, high 48\)/);
  });
});
