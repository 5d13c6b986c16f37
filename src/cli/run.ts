// `vmos run [OPTIONS] FILE [ARGS...]`: boot a machine, run FILE as init, exit with its status.
// FILE is assembly (assembled in memory) or an ELF executable (vmos's or GNU's).

import { createWriteStream, statSync, writeSync } from "node:fs";
import { writeback_tunables } from "../../kernel/mm/page-writeback.js";
import { ExecError } from "../../kernel/proc/exec.js";
import { KernelBug } from "../../kernel/bug.js";
import { run_init, start_kernel, type RunOutcome } from "../../kernel/main.js";
import type { Kernel } from "../../kernel/kernel.js";
import { Tracer, TRACE_CATEGORIES, type TraceCategory, type TraceSink } from "../../kernel/trace.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { CYCLES_PER_SECOND } from "../hw/clock.js";
import { StaleTlbError } from "../hw/cpu.js";
import { Machine } from "../hw/machine.js";
import { MAX_RAM_BYTES } from "../hw/ram.js";
import { ChromeTraceSink, TeeTraceSink } from "../trace/chrome.js";
import { GraphTraceSink } from "../trace/graph.js";
import { assembleSources } from "./asm.js";
import { CliError } from "./errors.js";
import { readInput } from "./files.js";
import { hostConsole } from "./host-console.js";
import { guestAssembler } from "./guest-assembler.js";
import { installProcDump, parseProcSpecs } from "./proc-dump.js";
import { parseCount, parseSize } from "./size.js";

export interface RunOptions {
  mem: string;
  tlb: string;
  quantum: string;
  maxSteps?: string;
  check?: boolean;
  checkTlb?: boolean;
  stats?: boolean;
  trace?: string | boolean;
  traceOut?: string;
  seed: string;
  /** --proc PID:FILE / --proc FILE, repeatable: /proc files to print at exit. */
  proc?: string[];
  /** --root DIR: the host directory that is the guest's `/` (default: the current directory). */
  root?: string;
  /** --dirty-writeback-centisecs / --dirty-expire-centisecs: the flusher's period and age limit. */
  dirtyWritebackCentisecs?: string;
  dirtyExpireCentisecs?: string;
}

const stderrLine = (line: string): void => {
  writeSync(2, `${line}\n`);
};

function traceCategories(list: string | boolean | undefined): TraceCategory[] {
  if (list === undefined || list === false) return [];
  if (list === true || list === "" || list === "all") return [...TRACE_CATEGORIES];
  const names = list.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!TRACE_CATEGORIES.includes(n as TraceCategory)) {
      throw new CliError(`vmos: --trace ${list}: unknown category '${n}' (known: ${TRACE_CATEGORIES.join(", ")})`);
    }
  }
  return names as TraceCategory[];
}

function makeTracer(opts: RunOptions): Tracer {
  const sinks: TraceSink[] = [];
  let categories = traceCategories(opts.trace);
  if (opts.trace !== undefined) sinks.push(new GraphTraceSink((s) => writeSync(2, s)));
  if (opts.traceOut !== undefined) {
    const out = createWriteStream(opts.traceOut);
    out.on("error", (err) => stderrLine(`vmos: --trace-out ${opts.traceOut}: ${err.message}`));
    sinks.push(new ChromeTraceSink((s) => out.write(s)));
    if (categories.length === 0) categories = [...TRACE_CATEGORIES];
  }
  if (sinks.length === 0) return new Tracer();
  return new Tracer(sinks.length === 1 ? sinks[0] : new TeeTraceSink(sinks), categories);
}

/** The program's bytes: ELF as is, or `.s` assembled now (its diagnostics printed, exit 1 on errors). */
function programBytes(file: string): Uint8Array {
  if (/\.(s|S|asm)$/.test(file)) return assembleSources([file]);
  return new Uint8Array(readInput(file));
}

export function runCommand(file: string, args: string[], opts: RunOptions): void {
  const memBytes = parseSize(opts.mem, "--mem");
  if (memBytes % 4096 !== 0 || memBytes < 256 << 10 || memBytes > MAX_RAM_BYTES) {
    throw new CliError(`vmos: --mem ${opts.mem}: must be a multiple of 4 KiB between 256K and ${MAX_RAM_BYTES >> 20}M`);
  }
  const tlbEntries = parseCount(opts.tlb, "--tlb");
  if ((tlbEntries & (tlbEntries - 1)) !== 0 || tlbEntries > 65536) throw new CliError(`vmos: --tlb ${opts.tlb}: must be a power of two up to 65536`);
  const quantum = parseCount(opts.quantum, "--quantum");
  const maxSteps = opts.maxSteps === undefined ? 0 : parseCount(opts.maxSteps, "--max-steps");
  const seed = parseCount(opts.seed, "--seed", 0);
  const procSpecs = parseProcSpecs(opts.proc ?? []);

  const root = opts.root ?? ".";
  try {
    if (!statSync(root).isDirectory()) throw new Error("not a directory");
  } catch (err) {
    throw new CliError(`vmos: --root ${root}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : "not a directory"}`);
  }
  const wbPeriod = opts.dirtyWritebackCentisecs === undefined ? undefined : parseCount(opts.dirtyWritebackCentisecs, "--dirty-writeback-centisecs", 0);
  const wbExpire = opts.dirtyExpireCentisecs === undefined ? undefined : parseCount(opts.dirtyExpireCentisecs, "--dirty-expire-centisecs", 0);
  const bytes = programBytes(file);
  const machine = new Machine({ memBytes, tlbEntries, checkTlb: opts.checkTlb ?? false, root });
  const trace = makeTracer(opts);
  const k = start_kernel(machine, { quantum, maxSteps, check: opts.check ?? false, seed }, trace, hostConsole(stderrLine));
  k.assemble = guestAssembler(root);
  const tunables = writeback_tunables(k);
  if (wbPeriod !== undefined) tunables.dirty_writeback_centisecs = wbPeriod;
  if (wbExpire !== undefined) tunables.dirty_expire_centisecs = wbExpire;
  const envp = Object.entries(process.env).map(([key, v]) => `${key}=${v}`);
  const finishProcDump = installProcDump(k, procSpecs, (text) => writeSync(2, text));
  let outcome: RunOutcome;
  try {
    outcome = run_init(k, file, bytes, [file, ...args], envp);
  } catch (err) {
    trace.close();
    if (err instanceof ExecError) throw new CliError(`vmos: ${err.message}`, 126);
    if (err instanceof KernelBug || err instanceof StaleTlbError) throw new CliError(`vmos: kernel bug: ${err.message}`, 70);
    throw err;
  }
  trace.close();
  finishProcDump();
  if (outcome.reason === "max-steps") stderrLine(`vmos: stopped after ${k.instructions} instructions (--max-steps ${maxSteps})`);
  if (opts.stats) printStats(k, outcome);
  process.exitCode = outcome.status;
}

function printStats(k: Kernel, o: RunOutcome): void {
  const m = k.machine;
  const tlb = m.tlb;
  const lookups = tlb.hits + tlb.misses;
  const rows: [string, string][] = [
    ["instructions", `${k.instructions}`],
    ["cycles", `${m.clock.cycles} (${(m.clock.cycles / CYCLES_PER_SECOND).toFixed(6)} s simulated)`],
    ["page faults", `minor ${o.init.min_flt}, major ${o.init.maj_flt} (pgfault events ${k.vm_events.pgfault})`],
    ["TLB", `hits ${tlb.hits}, misses ${tlb.misses} (${lookups ? ((100 * tlb.hits) / lookups).toFixed(2) : "0.00"}% hit rate), flushes ${tlb.flushes}`],
    ["peak RSS", `${o.init.maxrss * 4} KiB (${o.init.maxrss} pages)`],
    ["page-table pages", `${o.init.maxpgtables} (peak)`],
    ["frames free", `${nr_free_pages(k.zone)} of ${m.ram.frames} (after boot: ${k.boot_free_pages})`],
  ];
  stderrLine(`vmos: ${o.init.comm}[${o.init.pid}] ${o.reason === "signal" ? "killed" : "exited"} with status ${o.status}`);
  for (const [name, value] of rows) stderrLine(`  ${name.padEnd(18)} ${value}`);
}
