// Booting vmos in-process for tests: assemble a program, run it as init on a fresh machine with the
// invariant checker and the TLB checker on, and capture what it printed and how it ended.

import { readFileSync } from "node:fs";
import { assemble } from "../../src/asm/index.js";
import { fileIncludeResolver } from "../../src/cli/include.js";
import { Machine } from "../../src/hw/machine.js";
import type { ConsoleIo, Kernel } from "../../kernel/kernel.js";
import { run_init, start_kernel, type RunOutcome } from "../../kernel/main.js";
import { set_reclaim_policy } from "../../kernel/mm/vmscan_policy.js";
import { record_first_run } from "../../kernel/mm/refclock.js";
import { Tracer, type TraceCategory } from "../../kernel/trace.js";
import { GraphTraceSink } from "../../src/trace/graph.js";
import { silentConsole } from "../../src/cli/host-console.js";

export interface RunOptions {
  args?: string[];
  env?: string[];
  mem?: number;
  /** Bytes of swap disk (Machine's swapBytes); none if omitted. */
  swap?: number;
  /** A host file for the swap disk, and the cycles per page it takes (Machine's swapFile, swapLatencyCycles). */
  swapFile?: string;
  swapLatency?: number;
  /** Reclaim's page-replacement policy (--policy); "linux" if omitted. */
  policy?: string;
  /** vm.min_free_kbytes and vm.watermark_scale_factor (--min-free-kbytes, --watermark-scale). */
  minFreeKbytes?: number;
  watermarkScale?: number;
  tlb?: number;
  quantum?: number;
  maxSteps?: number;
  check?: boolean;
  trace?: TraceCategory[];
  stdin?: string;
  seed?: number;
  /** Programs execve can find, by path. */
  programs?: Record<string, Uint8Array>;
  /** A host directory to export as the guest's `/` (Machine's root); none: an empty root. */
  root?: string;
  /** Runs on the booted kernel before init starts (to set a sysctl, for instance). */
  setup?: (k: Kernel) => void;
}

export interface RunResult extends RunOutcome {
  stdout: string;
  stderr: string;
  /** Kernel messages (dmesg lines) printed on stderr. */
  log: string[];
  trace: string;
  kernel: Kernel;
}

/** ELF bytes for assembly `source` (with `.include` resolved from programs/). */
export function elfOf(source: string, name = "t.s"): Uint8Array {
  const r = assemble([{ name, text: source }], { include: fileIncludeResolver(["programs"]) });
  if (!r.elf) throw new Error(`assembly failed: ${r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join("; ")}`);
  return r.elf;
}

/** Run an ELF as init and collect everything. */
export function runElf(elf: Uint8Array, name: string, o: RunOptions = {}): RunResult {
  const argv = [name, ...(o.args ?? [])], envp = o.env ?? ["HOME=/", "TERM=vt100"];
  const programs = o.programs ?? {};
  const check = o.check ?? true;
  /** A booted kernel; `dry`: OPT's recording run, made as `vmos run` makes it (src/cli/run.ts). */
  const boot = (dry: boolean, tracer: Tracer, io: ConsoleIo): Kernel => {
    const machine = new Machine({
      memBytes: o.mem ?? 4 << 20, tlbEntries: o.tlb ?? 64, checkTlb: !dry && check, root: o.root, readOnlyRoot: dry,
      swapBytes: o.swap, swapFile: dry ? undefined : o.swapFile, swapLatencyCycles: o.swapLatency,
    });
    const k = start_kernel(machine, { quantum: o.quantum ?? 10_000, maxSteps: o.maxSteps ?? 50_000_000, check: !dry && check, seed: o.seed ?? 0 },
      tracer, io, { min_free_kbytes: o.minFreeKbytes, watermark_scale_factor: o.watermarkScale });
    k.load_program = (path) => programs[path] ?? { errno: 2 };
    return k;
  };
  const future = o.policy !== "opt" ? undefined : record_first_run(() => {
    const k = boot(true, new Tracer(), silentConsole());
    o.setup?.(k);
    return k;
  }, (k) => run_init(k, name, elf, argv, envp));
  let stdout = "", stderr = "", trace = "";
  const log: string[] = [];
  const decoder = new TextDecoder();
  let stdin = new TextEncoder().encode(o.stdin ?? "");
  const tracer = o.trace ? new Tracer(new GraphTraceSink((s) => (trace += s)), o.trace) : new Tracer();
  const k = boot(false, tracer, {
    write: (fd, data) => {
      if (fd === 1) stdout += decoder.decode(data);
      else stderr += decoder.decode(data);
    },
    read: (max) => {
      const out = stdin.subarray(0, max);
      stdin = stdin.subarray(out.length);
      return out;
    },
    log: (line) => log.push(line),
  });
  const policyError = set_reclaim_policy(k, o.policy ?? "linux", future);
  if (policyError !== null) throw new Error(policyError);
  o.setup?.(k);
  let outcome: RunOutcome;
  try {
    outcome = run_init(k, name, elf, argv, envp);
  } finally {
    k.machine.swap?.close();
  }
  tracer.close();
  return { ...outcome, stdout, stderr, log, trace, kernel: k };
}

/** Assemble and run inline source. */
export function runSource(source: string, o: RunOptions = {}): RunResult {
  return runElf(elfOf(source), "t", o);
}

/** Run a program from programs/. */
export function runProgram(name: string, o: RunOptions = {}): RunResult {
  const path = `programs/${name}`;
  const r = assemble([{ name: path, text: readFileSync(path, "utf8") }], { include: fileIncludeResolver() });
  if (!r.elf) throw new Error(`${path} failed to assemble`);
  return runElf(r.elf, path, o);
}

/** A program prologue: `_start` plus syscall helpers as macros-by-convention. */
export const START = ".text\n.globl _start\n_start:\n";

/** Assembly for exit(code): a number, or a register whose value is the status. */
export const exit = (code: number | string): string =>
  `${typeof code === "number" ? `  li a0, ${code}` : code === "a0" ? "" : `  mv a0, ${code}`}\n  li a7, 93\n  ecall\n`;
