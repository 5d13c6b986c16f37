// `vmos run [OPTIONS] FILE [ARGS...]`: boot a machine, run FILE as init, exit with its status.
// FILE is assembly (assembled in memory) or an ELF executable (vmos's or GNU's).

import { closeSync, createWriteStream, openSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { writeback_tunables } from "../../kernel/mm/page-writeback.js";
import { ExecError } from "../../kernel/proc/exec.js";
import { KernelBug } from "../../kernel/bug.js";
import { run_init, start_kernel, type RunOutcome } from "../../kernel/main.js";
import type { Kernel } from "../../kernel/kernel.js";
import { Tracer, TRACE_CATEGORIES, type TraceCategory, type TraceSink } from "../../kernel/trace.js";
import { kswapd_state } from "../../kernel/mm/kswapd.js";
import {
  high_wmark_pages, low_wmark_pages, min_wmark_pages, nr_free_pages, type MemInitOptions,
} from "../../kernel/mm/page_alloc.js";
import { reclaim_policy_name, set_reclaim_policy } from "../../kernel/mm/vmscan_policy.js";
import { listen_references, record_first_run, type ReferenceString } from "../../kernel/mm/refclock.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { CYCLES_PER_SECOND } from "../hw/clock.js";
import { StaleTlbError } from "../hw/cpu.js";
import { Machine } from "../hw/machine.js";
import { REFS_HEADER } from "../sim/trace.js";
import { MAX_RAM_BYTES } from "../hw/ram.js";
import { ChromeTraceSink, TeeTraceSink } from "../trace/chrome.js";
import { GraphTraceSink } from "../trace/graph.js";
import { assembleSources } from "./asm.js";
import { CliError } from "./errors.js";
import { readInput } from "./files.js";
import { hostConsole, silentConsole } from "./host-console.js";
import { guestAssembler } from "./guest-assembler.js";
import { installProcDump, parseProcSpecs } from "./proc-dump.js";
import { parseCount, parseSize } from "./size.js";

export interface RunOptions {
  mem: string;
  /** --swap SIZE ("0": none), --swap-file PATH, --swap-latency MS. */
  swap?: string;
  swapFile?: string;
  swapLatency?: string;
  /** --policy NAME: the page-replacement policy of reclaim (default linux). */
  policy?: string;
  /** --min-free-kbytes N, --watermark-scale N: vm.min_free_kbytes and vm.watermark_scale_factor. */
  minFreeKbytes?: string;
  watermarkScale?: string;
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
  /** --record-refs FILE: write the run's page reference string (`# vmos refs v1`) for `vmos sim`. */
  recordRefs?: string;
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
  const swap = swapOptions(opts);
  const wmarks = watermarkOptions(opts);
  const bytes = programBytes(file);
  const envp = Object.entries(process.env).map(([key, v]) => `${key}=${v}`);
  const policy = opts.policy ?? "linux";
  /** A machine and its booted kernel; `dry`: OPT's recording run (no output, no trace, read-only root, swap in memory). */
  const boot = (dry: boolean): { machine: Machine; k: Kernel; trace: Tracer } => {
    let machine: Machine;
    try {
      machine = new Machine({
        memBytes, tlbEntries, checkTlb: !dry && (opts.checkTlb ?? false), root, readOnlyRoot: dry,
        ...swap, swapFile: dry ? undefined : swap.swapFile,
      });
    } catch (err) {
      if (swap.swapFile === undefined || (err as NodeJS.ErrnoException).code === undefined) throw err;
      throw new CliError(`vmos: --swap-file ${opts.swapFile}: ${(err as Error).message}`);
    }
    const trace = dry ? new Tracer() : makeTracer(opts);
    const io = dry ? silentConsole() : hostConsole(stderrLine);
    const k = start_kernel(machine, { quantum, maxSteps, check: !dry && (opts.check ?? false), seed }, trace, io, wmarks);
    k.assemble = guestAssembler(root);
    const tunables = writeback_tunables(k);
    if (wbPeriod !== undefined) tunables.dirty_writeback_centisecs = wbPeriod;
    if (wbExpire !== undefined) tunables.dirty_expire_centisecs = wbExpire;
    return { machine, k, trace };
  };
  let future: ReferenceString | undefined;
  if (policy === "opt") {
    future = record_first_run(() => boot(true).k, (k) => run_init(k, file, bytes, [file, ...args], envp));
    if (future.truncated) stderrLine(`vmos: --policy opt: the first run made more than ${future.names.length} references; OPT knows the future only that far`);
  }
  const { machine, k, trace } = boot(false);
  const policyError = set_reclaim_policy(k, policy, future);
  if (policyError !== null) throw new CliError(`vmos: --policy ${opts.policy}: ${policyError}`);
  const finishProcDump = installProcDump(k, procSpecs, (text) => writeSync(2, text));
  const finishRefs = opts.recordRefs === undefined ? () => {} : recordRefs(k, opts.recordRefs);
  let outcome: RunOutcome;
  try {
    outcome = run_init(k, file, bytes, [file, ...args], envp);
  } catch (err) {
    trace.close();
    machine.swap?.close();
    finishRefs();
    if (err instanceof ExecError) throw new CliError(`vmos: ${err.message}`, 126);
    if (err instanceof KernelBug || err instanceof StaleTlbError) throw new CliError(`vmos: kernel bug: ${err.message}`, 70);
    throw err;
  }
  trace.close();
  machine.swap?.close();
  finishRefs();
  finishProcDump();
  if (outcome.reason === "max-steps") stderrLine(`vmos: stopped after ${k.instructions} instructions (--max-steps ${maxSteps})`);
  if (opts.stats) printStats(k, outcome);
  process.exitCode = outcome.status;
}

/**
 * --record-refs FILE: from now on, every page reference is written to FILE as `PID 0xVPN` (the sim's
 * `# vmos refs v1` format, src/sim/trace.ts), PID being the task on the CPU. Page-granular and
 * exact: the board's reference clock (src/hw/refclock.ts) counts every fetch, load and store, with
 * consecutive references to one page counted once; it makes the run slower (the MMU's slow path).
 * Writes are not told apart (no `w` flag). Returns the function that flushes and closes the file.
 * CliError if the file cannot be made.
 */
function recordRefs(k: Kernel, path: string): () => void {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (err) {
    throw new CliError(`vmos: --record-refs ${path}: ${(err as Error).message}`);
  }
  let buf = `${REFS_HEADER}\n`;
  const stop = listen_references(k, (_name, key) => {
    buf += `${k.current?.pid ?? 0} 0x${(key & 0xfffff).toString(16)}\n`;
    if (buf.length > 1 << 16) {
      writeSync(fd, buf);
      buf = "";
    }
  });
  return () => {
    stop();
    writeSync(fd, buf);
    closeSync(fd);
  };
}

/** --swap, --swap-file and --swap-latency as Machine options, or a CliError saying what is wrong. */
function swapOptions(opts: RunOptions): { swapBytes?: number; swapFile?: string; swapLatencyCycles?: number } {
  const swapBytes = parseSize(opts.swap ?? "0", "--swap");
  // In memory it is an ArrayBuffer, as RAM is; in a file, up to what a riscv32 swap PTE can address.
  const max = opts.swapFile === undefined ? MAX_RAM_BYTES : 2 ** 37;
  if (swapBytes !== 0 && (swapBytes % 4096 !== 0 || swapBytes < 8192 || swapBytes > max)) {
    throw new CliError(`vmos: --swap ${opts.swap}: must be 0 or a multiple of 4 KiB between 8K and ${max / 2 ** 30}G` +
      `${opts.swapFile === undefined ? " (128G with --swap-file)" : ""}`);
  }
  if (opts.swapFile !== undefined && swapBytes === 0) throw new CliError(`vmos: --swap-file ${opts.swapFile}: give the swap size too (--swap SIZE)`);
  const ms = opts.swapLatency ?? "5";
  if (!/^\d+(\.\d+)?$/.test(ms.trim()) || Number(ms) > 60_000) {
    throw new CliError(`vmos: --swap-latency ${ms}: expected milliseconds, a number from 0 to 60000 (5 is a hard disk, 0.1 an SSD)`);
  }
  if (swapBytes === 0) return {};
  return {
    swapBytes,
    swapFile: opts.swapFile === undefined ? undefined : resolve(opts.swapFile),
    swapLatencyCycles: Math.round(Number(ms) * (CYCLES_PER_SECOND / 1000)),
  };
}

/** --min-free-kbytes and --watermark-scale, checked against the sysctls' ranges. */
function watermarkOptions(opts: RunOptions): MemInitOptions {
  const wm: MemInitOptions = {};
  if (opts.minFreeKbytes !== undefined) wm.min_free_kbytes = parseCount(opts.minFreeKbytes, "--min-free-kbytes", 0);
  if (opts.watermarkScale !== undefined) {
    const n = parseCount(opts.watermarkScale, "--watermark-scale", 0);
    if (n < 1 || n > 1000) throw new CliError(`vmos: --watermark-scale ${opts.watermarkScale}: must be between 1 and 1000`);
    wm.watermark_scale_factor = n;
  }
  return wm;
}

/** The --stats lines about reclaim: watermarks, the policy, kswapd and direct reclaim, OOM kills. */
function reclaimRows(k: Kernel): [string, string][] {
  const z = k.zone;
  const ev = z.lruvec.events;
  const kswapd = kswapd_state(k);
  const t = kswapd.task;
  const ms = (cycles: number): string => ((cycles * 1000) / CYCLES_PER_SECOND).toFixed(3);
  return [
    ["watermarks", `min ${min_wmark_pages(z)}, low ${low_wmark_pages(z)}, high ${high_wmark_pages(z)} pages ` +
      `(min_free_kbytes ${z.min_free_kbytes}, watermark_scale_factor ${z.watermark_scale_factor})`],
    ["reclaim", `policy ${reclaim_policy_name(k)}; ${t === null ? "kswapd0 never woke" : `kswapd0[${t.pid}] woke ${kswapd.wakeups} times, ran ${ev.pageoutrun} balance_pgdat (${ms(t.stime_cycles)} ms)`}; ` +
      `direct reclaim ${ev.allocstall_normal} times`],
    ["pages reclaimed", `scanned ${ev.pgscan_kswapd} by kswapd + ${ev.pgscan_direct} direct, ` +
      `freed ${ev.pgsteal_kswapd} + ${ev.pgsteal_direct} (anon ${ev.pgsteal_anon}, file ${ev.pgsteal_file}), written ${ev.nr_vmscan_write}`],
    ["OOM kills", `${ev.oom_kill}`],
  ];
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
    ...reclaimRows(k),
    ["swap", m.swap === null ? "none" : `in ${k.vm_events.pswpin}, out ${k.vm_events.pswpout} pages; ` +
      `${total_swap_pages(k) - nr_swap_pages(k)} of ${total_swap_pages(k)} slots in use`],
    ["iowait", `${k.iowait_cycles} cycles (${percent(k.iowait_cycles, m.clock.cycles)}% of the time idle waiting for the disk; ` +
      `CPU busy ${percent(m.clock.cycles - k.iowait_cycles, m.clock.cycles)}%)`],
    ...timeRows(k),
  ];
  stderrLine(`vmos: ${o.init.comm}[${o.init.pid}] ${o.reason === "signal" ? "killed" : "exited"} with status ${o.status}`);
  for (const [name, value] of rows) stderrLine(`  ${name.padEnd(18)} ${value}`);
}

/** Where the simulated time went, system-wide: the CPU's split as /proc/stat's cpu line has it. */
export interface CpuTimes {
  /** Every simulated cycle since boot. */
  total: number;
  /** In user mode: every task's utime, reaped children's included (cutime). */
  user: number;
  /** In the kernel: traps, syscalls, faults, kernel threads, boot (total - user - iowait). */
  system: number;
  /** Idle while some task waited for the disk (Kernel.iowait_cycles). */
  iowait: number;
  /** (user + system) / total, 0..1: how much of the time the CPU did work. */
  utilisation: number;
  /** Page faults handled (pgfault) and the major ones among them (pgmajfault), system-wide. */
  faults: number;
  majorFaults: number;
  /** Cycles the swap disk spent moving pages: (reads + writes) * its latency. */
  swapIo: number;
}

/** The CPU time split of `k` now (after a run: of the whole run). */
export function cpuTimes(k: Kernel): CpuTimes {
  const total = k.machine.clock.cycles;
  let user = 0;
  for (const t of k.tasks.values()) user += t.utime_cycles + t.cutime_cycles;
  const iowait = k.iowait_cycles;
  const system = Math.max(0, total - user - iowait);
  const swap = k.machine.swap;
  return {
    total, user, system, iowait,
    utilisation: total > 0 ? (user + system) / total : 0,
    faults: k.vm_events.pgfault,
    majorFaults: k.vm_events.pgmajfault,
    swapIo: swap === null ? 0 : (swap.stats.reads + swap.stats.writes) * swap.latency,
  };
}

/** The --stats lines about time: user/system/iowait, utilisation, fault rate, swap I/O time. */
function timeRows(k: Kernel): [string, string][] {
  const c = cpuTimes(k);
  const seconds = c.total / CYCLES_PER_SECOND;
  const rate = (n: number): string => (seconds > 0 ? n / seconds : 0).toFixed(1);
  const ms = (cycles: number): string => ((cycles * 1000) / CYCLES_PER_SECOND).toFixed(3);
  return [
    ["time", `user ${ms(c.user)} ms (${percent(c.user, c.total)}%), system ${ms(c.system)} ms (${percent(c.system, c.total)}%), ` +
      `iowait ${ms(c.iowait)} ms (${percent(c.iowait, c.total)}%)`],
    ["CPU utilisation", `${percent(c.user + c.system, c.total)}% ((user + system) / total)`],
    ["fault rate", `${rate(c.faults)} faults/s simulated (major ${rate(c.majorFaults)}/s, minor ${rate(c.faults - c.majorFaults)}/s)`],
    ["swap I/O", `${ms(c.swapIo)} ms of disk time (${c.swapIo <= c.total ? `${percent(c.swapIo, c.total)}% of the run`
      : `more than the run's ${ms(c.total)} ms: requests were still queued when it ended`})`],
  ];
}

/** `part` as a percentage of `whole`, two decimals ("0.00" when whole is 0). */
function percent(part: number, whole: number): string {
  return whole > 0 ? ((100 * part) / whole).toFixed(2) : "0.00";
}
