// Files: adding up a 4 MiB file with read() (4 KiB buffer) against mmap, in guest-visible simulated
// cycles (programs/readvsmmap.s times each pass with rdcycle) and in host time per run; and read()
// throughput on a page-cache hit, in host time, against qemu-riscv32 running the same guest program
// on the same file (there, read() is Linux's page cache on the host).
// The peer for the first figures is the other method: `cat file > /dev/null` on the host measures
// neither vmos's copy nor its faults, so the two guest methods are compared with each other.

import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assemble } from "../src/asm/index.js";
import { fileIncludeResolver } from "../src/cli/include.js";
import { Machine } from "../src/hw/machine.js";
import { run_init, start_kernel } from "../kernel/main.js";
import { Tracer } from "../kernel/trace.js";
import { report, timeBest, type BenchResult } from "./report.js";

const FILE_BYTES = 4 << 20;
const PAGES = FILE_BYTES / 4096;
const MEM_BYTES = 64 << 20;

/** A 4 MiB file of deterministic bytes (a linear congruential generator). */
function makeFile(dir: string): string {
  const bytes = new Uint8Array(FILE_BYTES);
  let seed = 1;
  for (let i = 0; i < bytes.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bytes[i] = seed >>> 24;
  }
  writeFileSync(join(dir, "big"), bytes);
  return "big";
}

function elfOf(name: string, text: string): Uint8Array {
  const r = assemble([{ name, text }], { include: fileIncludeResolver(["programs"]) });
  if (!r.elf) throw new Error(`${name} does not assemble`);
  return r.elf;
}

interface GuestRun {
  seconds: number;
  stderr: string;
}

/** Boot a machine whose `/` is `root`, run `elf` with `args` (best of `repeat`), and keep its stderr. */
function runOnRoot(elf: Uint8Array, args: string[], root: string, repeat = 3): GuestRun {
  let stderr = "";
  const decoder = new TextDecoder();
  const seconds = timeBest(repeat, () => {
    stderr = "";
    const machine = new Machine({ memBytes: MEM_BYTES, tlbEntries: 64, checkTlb: false, root });
    const k = start_kernel(machine, { quantum: 100_000, maxSteps: 0, check: false, seed: 0 }, new Tracer(), {
      write: (fd, data) => {
        if (fd === 2) stderr += decoder.decode(data);
      },
      read: () => new Uint8Array(0),
      log() {},
    });
    const o = run_init(k, "prog", elf, ["prog", ...args], []);
    if (o.status !== 0) throw new Error(`prog ${args.join(" ")} exited with ${o.status}: ${stderr}`);
  });
  return { seconds, stderr };
}

/** The cycles readvsmmap.s printed for pass `n` ("pass N, METHOD: CYCLES cycles"). */
function passCycles(stderr: string, n: number): number {
  const m = new RegExp(`^pass ${n}, [^:]+: (\\d+) cycles$`, "m").exec(stderr);
  if (m === null) throw new Error(`no cycles for pass ${n} in: ${stderr}`);
  return Number(m[1]);
}

/**
 * read() of the file named by argv[1], PASSES times from the start (llseek back to 0 between
 * passes), into a 4 KiB buffer; nothing else. Only the first pass misses in the page cache.
 */
function readLoop(passes: number): string {
  return `
        .include "lib/sys.s"
        .text
        .globl  _start
_start: lw      a0, 8(sp)
        li      a1, O_RDONLY
        li      a2, 0
        call    sys_open
        bltz    a0, 9f
        mv      s0, a0
        li      s1, ${passes}
1:      mv      a0, s0
        li      a1, 0
        li      a2, SEEK_SET
        call    sys_lseek
2:      mv      a0, s0
        la      a1, buf
        li      a2, 4096
        call    sys_read
        bgtz    a0, 2b
        bltz    a0, 9f
        addi    s1, s1, -1
        bnez    s1, 1b
        li      a0, 0
        call    sys_exit
9:      li      a0, 1
        call    sys_exit
        .bss
        .align  12
buf:    .zero   4096
`;
}

function haveQemu(): boolean {
  return spawnSync("sh", ["-c", "command -v qemu-riscv32"]).status === 0;
}

/** Best wall time of qemu-riscv32 running `elf` with `args` in `dir`. */
function qemuSeconds(elf: Uint8Array, args: string[], dir: string): number {
  const exe = join(dir, "readloop");
  writeFileSync(exe, elf);
  chmodSync(exe, 0o755);
  return timeBest(5, () => execFileSync("qemu-riscv32", [exe, ...args], { cwd: dir, stdio: "ignore" }));
}

function benchReadVsMmap(root: string, file: string): BenchResult[] {
  const elf = elfOf("programs/readvsmmap.s", readFileSync("programs/readvsmmap.s", "utf8"));
  runOnRoot(elf, [file, "read"], root, 1); // warm-up: the JIT compiles the read and fault paths
  runOnRoot(elf, [file, "mmap"], root, 1);
  const read = runOnRoot(elf, [file, "read"], root);
  const mmap = runOnRoot(elf, [file, "mmap"], root);
  const cycles = {
    readCold: passCycles(read.stderr, 1), readCached: passCycles(read.stderr, 2),
    mmapCold: passCycles(mmap.stderr, 1), mmapCached: passCycles(mmap.stderr, 2),
  };
  const perPage = (c: number): string => `${Math.round(c / PAGES).toLocaleString("en-US")} cycles per 4 KiB page`;
  return [
    { name: "sum 4 MiB, read(), cold cache", value: cycles.readCold, unit: "cycles", note: perPage(cycles.readCold) },
    { name: "sum 4 MiB, mmap, cold cache", value: cycles.mmapCold, unit: "cycles", note: perPage(cycles.mmapCold) },
    { name: "read() / mmap cycles, cold cache", value: cycles.readCold / cycles.mmapCold, unit: "x", note: "both pay COST.filePage per page" },
    { name: "sum 4 MiB, read(), cached", value: cycles.readCached, unit: "cycles", note: perPage(cycles.readCached) },
    { name: "sum 4 MiB, mmap, cached", value: cycles.mmapCached, unit: "cycles", note: perPage(cycles.mmapCached) },
    { name: "read() / mmap cycles, cached", value: cycles.readCached / cycles.mmapCached, unit: "x",
      note: `read() costs ${Math.round((cycles.readCached - cycles.mmapCached) / PAGES)} cycles more per page` },
    { name: "host time, readvsmmap read run", value: read.seconds, unit: "s", note: "boot, 2 passes (cold, cached), exit" },
    { name: "host time, readvsmmap mmap run", value: mmap.seconds, unit: "s", note: "boot, 2 passes (cold, cached), exit" },
    { name: "read() run / mmap run, host time", value: read.seconds / mmap.seconds, unit: "x" },
  ];
}

function benchCachedRead(root: string, file: string): BenchResult[] {
  const extra = 256; // cached passes (1 GiB) on top of the first, cold one: enough to dwarf boot and exit
  const one = elfOf("readloop1.s", readLoop(1));
  const many = elfOf("readloop.s", readLoop(1 + extra));
  runOnRoot(many, [file], root, 1); // warm-up
  const seconds = runOnRoot(many, [file], root, 5).seconds - runOnRoot(one, [file], root, 5).seconds;
  const mbs = (extra * FILE_BYTES) / seconds / 1e6;
  const results: BenchResult[] = [{
    name: "read() throughput, page-cache hit", value: mbs, unit: "MB/s",
    note: `${extra} passes over 4 MiB in 4 KiB reads, host time (${Math.round(mbs * 1e6 / 4096 / 1000)}k reads/s)`,
  }];
  if (!haveQemu()) {
    results.push({ name: "qemu-riscv32: same program", value: NaN, unit: "MB/s", note: "qemu-riscv32 not installed" });
    return results;
  }
  const qemu = (extra * FILE_BYTES) / (qemuSeconds(many, [file], root) - qemuSeconds(one, [file], root)) / 1e6;
  results.push({ name: "qemu-riscv32: same program", value: qemu, unit: "MB/s", note: "read() through the host's page cache" });
  results.push({ name: "vmos / qemu throughput", value: mbs / qemu, unit: "x" });
  return results;
}

export function benchFiles(): BenchResult[] {
  const root = mkdtempSync(join(tmpdir(), "vmos-bench-files-"));
  try {
    const file = makeFile(root);
    return [...benchReadVsMmap(root, file), ...benchCachedRead(root, file)];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) report("files", benchFiles());
