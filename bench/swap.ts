// Swapping, end to end: programs/sweep.s over a working set several times what a 512 KiB machine has
// free, so that every page of every pass goes out to swap and comes back (a major fault, a reclaim,
// a swap write and a swap read each). The figure is pages moved (vmstat's pswpin + pswpout, the
// kernel's own count) per second of host time, boot and exit included. The peer, in the same run, is
// the same sweep on a 4 MiB machine, big enough never to swap: the ratio is what swapping costs the host.
// Simulated time is not host time: each page's 5 ms on the simulated disk costs the host nothing.
// Target (issue 6): >= 100,000 pages swapped out and in per second.

import { readFileSync } from "node:fs";
import { assemble } from "../src/asm/index.js";
import { fileIncludeResolver } from "../src/cli/include.js";
import { Machine } from "../src/hw/machine.js";
import { run_init, start_kernel } from "../kernel/main.js";
import type { Kernel } from "../kernel/kernel.js";
import { Tracer } from "../kernel/trace.js";
import { report, timeBest, type BenchResult } from "./report.js";
import { silentConsole } from "../src/cli/host-console.js";

const SWEEP = "programs/sweep.s";
/** Working set and passes: 384 pages is ~5x the small machine's free frames. */
const PAGES = 384, PASSES = 40;
const SMALL = { memBytes: 512 << 10, swapBytes: 4 << 20 };
const PLENTY = { memBytes: 4 << 20, swapBytes: 4 << 20 };

interface SweepRun {
  seconds: number;
  kernel: Kernel;
}

/** Boot a machine with `memBytes` of RAM and `swapBytes` of swap and run sweep.s (best of `repeat`). */
function sweep(elf: Uint8Array, memBytes: number, swapBytes: number, repeat: number): SweepRun {
  let kernel: Kernel | undefined;
  const seconds = timeBest(repeat, () => {
    const machine = new Machine({ memBytes, tlbEntries: 64, checkTlb: false, swapBytes });
    kernel = start_kernel(machine, { quantum: 100_000, maxSteps: 0, check: false, seed: 0 }, new Tracer(),
      silentConsole());
    const o = run_init(kernel, "sweep", elf, ["sweep", String(PAGES), String(PASSES)], []);
    machine.swap?.close();
    if (o.status !== 0) throw new Error(`sweep.s exited with status ${o.status}`);
  });
  return { seconds, kernel: kernel! };
}

export function benchSwap(): BenchResult[] {
  const r = assemble([{ name: SWEEP, text: readFileSync(SWEEP, "utf8") }], { include: fileIncludeResolver() });
  if (!r.elf) throw new Error(`${SWEEP} does not assemble`);
  sweep(r.elf, SMALL.memBytes, SMALL.swapBytes, 1); // warm-up: the JIT compiles the swap paths
  const small = sweep(r.elf, SMALL.memBytes, SMALL.swapBytes, 5);
  const plenty = sweep(r.elf, PLENTY.memBytes, PLENTY.swapBytes, 5);
  const ev = small.kernel.vm_events;
  const moved = ev.pswpin + ev.pswpout;
  if (plenty.kernel.vm_events.pswpout !== 0) throw new Error("the big machine swapped");
  return [
    { name: `sweep.s ${PAGES} ${PASSES} in 512 KiB: swap`, value: moved / small.seconds, unit: "pages/s", target: ">= 100000 pages/s",
      note: `${ev.pswpout} out + ${ev.pswpin} in, ${ev.pgmajfault} major faults in ${small.seconds.toFixed(3)} s` },
    { name: "same sweep in 4 MiB (no swapping)", value: plenty.seconds, unit: "s" },
    { name: "512 KiB time / 4 MiB time", value: small.seconds / plenty.seconds, unit: "x",
      note: `${(((small.seconds - plenty.seconds) / moved) * 1e6).toFixed(2)} us of host time per page moved` },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) report("swap", benchSwap());
