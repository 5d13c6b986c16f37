// Benchmark plumbing: wall-clock timing (benchmarks are the only place vmos reads the host clock)
// and a uniform printout of figures, targets and ratios.

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

/** Best of `runs` wall-clock timings of `f`, in seconds (best-of filters out scheduler noise). */
export function timeBest(runs: number, f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

function formatValue(r: BenchResult): string {
  if (Number.isNaN(r.value)) return "n/a";
  if (r.unit === "x") return `${r.value.toFixed(2)}x`;
  if (r.unit === "s") return `${(r.value * 1000).toFixed(1)} ms`;
  return `${Math.round(r.value).toLocaleString("en-US")} ${r.unit}`;
}

/** Print one group of results as aligned rows. */
export function report(group: string, results: BenchResult[]): void {
  console.log(`\n== ${group} ==`);
  for (const r of results) {
    const extra = [r.target ? `target ${r.target}` : "", r.note ?? ""].filter(Boolean).join("; ");
    console.log(`  ${r.name.padEnd(34)} ${formatValue(r).padStart(22)}${extra ? `   (${extra})` : ""}`);
  }
}
