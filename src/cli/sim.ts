// `vmos sim`: the trace-driven simulator on the command line. One policy over a reference string
// (--verbose: every reference, as the textbooks tabulate it), or --compare: every policy over a range
// of frame counts, as a table of hit rates (or faults), Belady's anomalies spelt out, and an SVG plot;
// or --wss TAU: no policy, the working-set size W(t, TAU) of one process over time (src/sim/wss.ts).
// The reference string comes from a file (--trace, see src/sim/trace.ts for the formats) or is
// generated (--pattern, src/sim/patterns.ts).

import { policyNames } from "../../kernel/mm/policy/index.js";
import { generate, PATTERNS, type PatternName } from "../sim/patterns.js";
import { distinctPages, type RefString } from "../sim/refs.js";
import { anomalies, compare, simulate, type AccessRecord, type SimSummary } from "../sim/simulate.js";
import { lineChart } from "../sim/svg.js";
import { parseTrace } from "../sim/trace.js";
import { pidsInOrder, processRefs, workingSetSizes } from "../sim/wss.js";
import { CliError } from "./errors.js";
import { readInput, writeOutput } from "./files.js";
import { parseCount } from "./size.js";

export interface SimOptions {
  policy?: string;
  frames?: string;
  trace?: string;
  pattern?: string;
  pages?: string;
  length?: string;
  seed?: string;
  exponent?: string;
  writes?: string;
  tick?: string;
  tau?: string;
  verbose?: boolean;
  compare?: boolean;
  framesRange?: string;
  svg?: string;
  faults?: boolean;
  wss?: string;
  sample?: string;
  pid?: string;
}

/** The compare table's rows when neither --frames-range nor --frames says: 1 up to this (or fewer pages). */
const DEFAULT_MAX_FRAMES = 32;

/** `vmos sim` with commander's options: prints to stdout; a CliError (one line) for every user mistake. */
export function simCommand(o: SimOptions): void {
  if (o.wss !== undefined) return wssCommand(o);
  for (const [flag, given] of [["--sample", o.sample], ["--pid", o.pid]] as const) {
    if (given !== undefined) throw new CliError(`vmos sim: ${flag} goes with --wss`);
  }
  if (!o.compare) {
    for (const [flag, given] of [["--frames-range", o.framesRange], ["--svg", o.svg], ["--faults", o.faults]] as const) {
      if (given !== undefined) throw new CliError(`vmos sim: ${flag} goes with --compare`);
    }
  } else if (o.verbose) throw new CliError("vmos sim: --verbose shows one policy's run; it does not go with --compare");
  const { refs, source } = loadRefs(o);
  const tickEvery = o.tick === undefined ? undefined : parseCount(o.tick, "--tick");
  const tau = o.tau === undefined ? undefined : parseCount(o.tau, "--tau");
  const seed = o.seed === undefined ? 0 : parseCount(o.seed, "--seed", 0);
  if (o.compare) compareCommand(o, refs, source, { tickEvery, tau, seed });
  else runOne(o, refs, source, { tickEvery, tau, seed });
}

function checkPolicy(name: string): string {
  if (!policyNames.includes(name)) throw new CliError(`vmos sim: --policy ${name}: unknown policy (known: ${policyNames.join(", ")})`);
  return name;
}

interface Tuning {
  tickEvery?: number;
  tau?: number;
  seed: number;
}

function runOne(o: SimOptions, refs: RefString, source: string, t: Tuning): void {
  if (o.policy === undefined) throw new CliError("vmos sim: --policy NAME is required (or --compare to run them all)");
  if (o.frames === undefined) throw new CliError("vmos sim: --frames N is required");
  const policy = checkPolicy(o.policy);
  const frames = parseCount(o.frames, "--frames");
  let observe: ((r: AccessRecord) => void) | undefined;
  const lines: string[] = [];
  const flush = (): void => {
    if (lines.length > 0) process.stdout.write(lines.join("\n") + "\n");
    lines.length = 0;
  };
  if (o.verbose) {
    const width = Math.max(4, ...Array.from({ length: refs.ids }, (_, id) => refs.label(id).length + 1));
    const show = (id: number): string => (id < 0 ? "." : refs.label(id)).padStart(width);
    process.stdout.write(`${"#".padStart(8)}  ${"page".padStart(width)}  result  ${"evicted".padStart(width)}  frames\n`);
    observe = (r) => {
      const page = refs.label(r.page) + (r.write ? "w" : "");
      const evicted = r.evicted === null ? "" : refs.label(r.evicted);
      const result = r.hit ? "hit " : "miss";
      lines.push(`${String(r.index + 1).padStart(8)}  ${page.padStart(width)}  ${result}    ${evicted.padStart(width)}  ${r.frames.map(show).join("")}`);
      if (lines.length >= 4096) flush();
    };
  }
  const s = simulate(refs, { policy, frames, ...t }, observe);
  flush();
  const rows: [string, string][] = [
    ["policy", policy],
    ["frames", String(frames)],
    ["references", `${s.references} (${distinctPages(refs)} distinct pages, ${source})`],
    ["faults", String(s.faults)],
    ["hit rate", `${percent(s.hitRate, 2)}% (${s.hits} hits)`],
    ["writebacks", String(s.writebacks)],
  ];
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(12)}${v}\n`).join(""));
}

function compareCommand(o: SimOptions, refs: RefString, source: string, t: Tuning): void {
  const policies = o.policy === undefined ? [...policyNames] : o.policy.split(",").map((p) => checkPolicy(p.trim()));
  const frames = framesList(o, refs);
  const table = compare(refs, policies, frames, t);
  const metric = o.faults ? "faults" : "hit rate (%)";
  const cell = (s: SimSummary): string => (o.faults ? String(s.faults) : percent(s.hitRate, 1));
  const widths = policies.map((p) => Math.max(p.length, 6));
  const out = [
    `${metric} by frames: ${refs.pages.length} references, ${distinctPages(refs)} distinct pages (${source})`,
    ["frames", ...policies.map((p, i) => p.padStart(widths[i]!))].join("  "),
    ...table.map((row, r) => [String(frames[r]).padStart(6), ...row.map((s, i) => cell(s).padStart(widths[i]!))].join("  ")),
  ];
  for (const a of anomalies(table)) {
    const more = `${a.faultsAfter} faults with ${a.framesAfter} frames`;
    out.push(`Belady's anomaly: ${a.policy} has ${more}, more than ${a.faultsBefore} with ${a.framesBefore}`);
  }
  if (o.svg !== undefined) {
    const svg = lineChart({
      title: `Hit rate against frames: ${source}`,
      xLabel: "frames",
      yLabel: "hit rate",
      yMin: 0,
      yMax: 1,
      yFormat: (y) => `${Math.round(y * 100)}%`,
      series: policies.map((name, c) => ({ name, points: table.map((row) => [row[c]!.frames, row[c]!.hitRate] as const) })),
    });
    writeOutput(o.svg, svg, "--svg");
    out.push(`wrote ${o.svg}`);
  }
  process.stdout.write(out.join("\n") + "\n");
}

/**
 * --wss TAU: the working-set size of one process (the only one, or --pid, or the trace's first pid)
 * over its virtual time, as a table of samples, then its mean and maximum; --svg plots it.
 */
function wssCommand(o: SimOptions): void {
  if (o.compare) throw new CliError("vmos sim: --wss and --compare are alternatives: give one");
  if (o.tau !== undefined) throw new CliError("vmos sim: --tau is WSClock's window; --wss TAU takes its own");
  const simulation = [["--policy", o.policy], ["--frames", o.frames], ["--tick", o.tick], ["--verbose", o.verbose], ["--frames-range", o.framesRange], ["--faults", o.faults]] as const;
  for (const [flag, given] of simulation) {
    if (given !== undefined) throw new CliError(`vmos sim: ${flag} does not go with --wss (the working set depends on the references alone)`);
  }
  const tau = parseCount(o.wss!, "--wss");
  const sampleEvery = o.sample === undefined ? undefined : parseCount(o.sample, "--sample");
  const { refs: all, source } = loadRefs(o);
  const { refs, pid, who } = oneProcess(o, all, source);
  const ws = workingSetSizes(refs, tau, sampleEvery);
  const width = Math.max(8, String(refs.pages.length).length);
  const out = [
    `working-set size W(t, tau), tau = ${tau} references, sampled every ${ws.sampleEvery}: ${source}`,
    `${"process".padEnd(12)}${who}`,
    `${"t".padStart(width)}  W(t,tau)`,
    ...Array.from(ws.times, (t, i) => `${String(t).padStart(width)}  ${String(ws.sizes[i]).padStart(8)}`),
  ];
  out.push(`${"mean W".padEnd(12)}${ws.mean.toFixed(2)} pages (over every t)`);
  out.push(`${"max W".padEnd(12)}${ws.max} page${ws.max === 1 ? "" : "s"} (first at t = ${ws.maxAt})`);
  if (o.svg !== undefined) {
    const points = Array.from(ws.times, (t, i) => [t, ws.sizes[i]!] as const);
    const ends = [points[0]![0], points[points.length - 1]![0]];
    const svg = lineChart({
      title: `Working-set size, tau = ${tau}: ${source}${pid === null ? "" : `, pid ${pid}`}`,
      xLabel: pid === null ? "t (references)" : `t (references of pid ${pid})`,
      yLabel: "pages in W(t, tau)",
      yMin: 0,
      series: [
        { name: `W(t, ${tau})`, points },
        { name: `mean ${ws.mean.toFixed(1)}`, points: ends.map((t) => [t, ws.mean] as const) },
      ],
    });
    writeOutput(o.svg, svg, "--svg");
    out.push(`wrote ${o.svg}`);
  }
  process.stdout.write(out.join("\n") + "\n");
}

/**
 * The references --wss measures: all of them for a string without pids (pid null), else those of
 * --pid or of the trace's first pid; `who` says which, for the output.
 */
function oneProcess(o: SimOptions, refs: RefString, source: string): { refs: RefString; pid: number | null; who: string } {
  const pids = refs.pids;
  if (pids === undefined) {
    if (o.pid !== undefined) throw new CliError(`vmos sim: --pid needs a \`# vmos refs v1\` trace (the references of ${source} carry no pids)`);
    return { refs, pid: null, who: `the only one: ${refs.pages.length} references, ${distinctPages(refs)} distinct pages` };
  }
  const order = pidsInOrder(refs, pids);
  const pid = o.pid === undefined ? order[0]! : parseCount(o.pid, "--pid", 0);
  if (!order.includes(pid)) throw new CliError(`vmos sim: --pid ${pid}: no references of pid ${pid} in ${source} (pids: ${order.join(", ")})`);
  const own = processRefs(refs, pids, pid);
  const which = o.pid === undefined ? "the first in the trace; pids: " : "pids: ";
  const counted = `${own.pages.length} of ${refs.pages.length} references, ${distinctPages(own)} distinct pages`;
  return { refs: own, pid, who: `pid ${pid} (${which}${order.join(", ")}): ${counted}; t counts its references alone` };
}

/** --frames-range A..B[:STEP], else 1..--frames, else 1..min(distinct pages, DEFAULT_MAX_FRAMES). */
function framesList(o: SimOptions, refs: RefString): number[] {
  let lo = 1;
  let hi: number;
  let step = 1;
  if (o.framesRange !== undefined) {
    const m = /^(\d+)\.\.(\d+)(?::(\d+))?$/.exec(o.framesRange.trim());
    if (m === null || Number(m[1]) < 1 || Number(m[2]) < Number(m[1]) || m[3] === "0") {
      const expected = "expected A..B or A..B:STEP with 1 <= A <= B (example: 1..8, 8..128:8)";
      throw new CliError(`vmos sim: --frames-range ${o.framesRange}: ${expected}`);
    }
    [lo, hi, step] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
  } else if (o.frames !== undefined) hi = parseCount(o.frames, "--frames");
  else hi = Math.min(Math.max(1, distinctPages(refs)), DEFAULT_MAX_FRAMES);
  const list: number[] = [];
  for (let f = lo; f <= hi; f += step) list.push(f);
  return list;
}

function loadRefs(o: SimOptions): { refs: RefString; source: string } {
  const generated = { pages: o.pages, length: o.length, exponent: o.exponent, writes: o.writes };
  if (o.trace !== undefined) {
    if (o.pattern !== undefined) throw new CliError("vmos sim: --trace and --pattern are alternatives: give one");
    for (const [name, value] of Object.entries(generated)) {
      if (value !== undefined) throw new CliError(`vmos sim: --${name} goes with --pattern, not --trace`);
    }
    const parsed = parseTrace(readInput(o.trace).toString("utf8"));
    if (!parsed.ok) throw new CliError(`vmos sim: ${o.trace}:${parsed.error.line}: ${parsed.error.message}`);
    if (parsed.refs.pages.length === 0) throw new CliError(`vmos sim: ${o.trace}: no references`);
    return { refs: parsed.refs, source: o.trace };
  }
  if (o.pattern === undefined) throw new CliError(`vmos sim: give a reference string: --trace FILE or --pattern ${PATTERNS.join("|")}`);
  if (!(PATTERNS as readonly string[]).includes(o.pattern)) {
    throw new CliError(`vmos sim: --pattern ${o.pattern}: unknown pattern (known: ${PATTERNS.join(", ")})`);
  }
  const pattern = o.pattern as PatternName;
  const pages = o.pages === undefined ? 64 : parseCount(o.pages, "--pages");
  const length = o.length === undefined ? 10_000 : parseCount(o.length, "--length");
  const seed = o.seed === undefined ? 0 : parseCount(o.seed, "--seed", 0);
  const exponent = o.exponent === undefined ? 1 : parseNumber(o.exponent, "--exponent", 0, Infinity);
  if (o.exponent !== undefined && pattern !== "zipf") throw new CliError("vmos sim: --exponent goes with --pattern zipf");
  const writeRatio = o.writes === undefined ? 0 : parseNumber(o.writes, "--writes", 0, 1);
  const refs = generate({ pattern, pages, length, seed, exponent, writeRatio });
  const details = [`${pages} pages`];
  if (pattern === "zipf") details.push(`exponent ${exponent}`);
  details.push(`seed ${seed}`);
  if (writeRatio > 0) details.push(`${writeRatio} writes`);
  return { refs, source: `${pattern}, ${details.join(", ")}` };
}

function parseNumber(text: string, option: string, min: number, max: number): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < min || v > max) {
    throw new CliError(`vmos sim: ${option} ${text}: expected a number ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}`);
  }
  return v;
}

function percent(rate: number, digits: number): string {
  return (rate * 100).toFixed(digits);
}
