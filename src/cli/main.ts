// The `vmos` command line: subcommands, options, and the one place that prints errors and sets the
// exit status. Library code returns values; this file turns them into output.

import { Command } from "commander";
import { asmCommand } from "./asm.js";
import { CliError } from "./errors.js";
import { thrashCommand, type ThrashOptions } from "./experiment.js";
import { objdumpCommand } from "./objdump.js";
import { runCommand, type RunOptions } from "./run.js";
import { simCommand, type SimOptions } from "./sim.js";

const program = new Command();
program
  .name("vmos")
  .description("A teaching OS: RV32IMA assembler, Sv32 machine and Linux-like kernel")
  .enablePositionalOptions()
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

program
  .command("asm")
  .description("assemble and link GNU-syntax RV32IMA source files into a static ELF32 executable")
  .argument("<files...>", "assembly source files, linked in order")
  .option("-o, --output <file>", "output executable", "a.out")
  .option("-I, --include-dir <dir...>", "also look for .include files here", [])
  .action((files: string[], opts: { output: string; includeDir: string[] }) => asmCommand(files, opts.output, opts.includeDir));

program
  .command("run")
  .description("run an RV32 Linux program (assembly or ELF) as init on the vmos machine and kernel")
  .argument("<file>", "program: .s assembly (assembled on the fly) or an ELF executable")
  .argument("[args...]", "the program's arguments (everything after FILE)")
  .option("--mem <size>", "RAM size (K, M, G suffixes)", "64M")
  .option("--swap <size>", "swap space (K, M, G suffixes); 0: no swap, as a fresh Linux machine", "0")
  .option("--swap-file <path>", "keep the swap space in this host file (created, or truncated to the --swap size)")
  .option("--swap-latency <ms>", "simulated milliseconds each page read or written on the swap disk takes", "5")
  .option("--policy <name>", "page-replacement policy of reclaim: linux (Linux's LRU lists), fifo, second-chance, clock, enhanced-clock, wsclock, clock-pro, lru, aging, lfu, mfu, random, opt (lru and opt see every reference: slower; opt runs the program twice, see docs/policies.md)", "linux")
  .option("--min-free-kbytes <n>", "the min watermark in KiB (vm.min_free_kbytes; default: 4 * sqrt(RAM in KiB), as Linux)")
  .option("--watermark-scale <n>", "gap from min to low and low to high in 1/10000 of RAM (vm.watermark_scale_factor, 1..1000)", "10")
  .option("--tlb <n>", "TLB entries (a power of two)", "64")
  .option("--quantum <n>", "instructions per scheduling quantum", "100000")
  .option("--max-steps <n>", "stop after this many instructions in total (exit status 124)")
  .option("--check", "recount every frame and mapping after each syscall and fault")
  .option("--check-tlb", "verify every TLB hit against the page table (finds missing TLB flushes)")
  .option("--stats", "print instructions, cycles, faults, TLB and memory figures at exit")
  .option("--trace <list>", "trace kernel events to stderr: all, or some of fault,syscall,tlb,sched,mm,signal,vmscan")
  .option("--trace-out <file.json>", "write kernel events as Chrome trace JSON (open in ui.perfetto.dev)")
  .option("--seed <n>", "seed of the kernel's random source (AT_RANDOM, getrandom)", "0")
  .option("--root <dir>", "host directory that is the guest's / (default: the current directory, as qemu-user)")
  .option("--dirty-writeback-centisecs <n>", "how often the flusher writes old dirty file pages back, in simulated centiseconds", undefined)
  .option("--dirty-expire-centisecs <n>", "how old dirty file data must be before the flusher writes it, in simulated centiseconds", undefined)
  .option("--proc <[pid:]file>", "print /proc/PID/FILE when PID exits, or /proc/FILE when init exits, to stderr (repeatable: --proc 1:maps --proc meminfo)", (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
  .option("--record-refs <file>", "write the page reference string (every reference, page-granular, `# vmos refs v1`; slower) for vmos sim --trace")
  .passThroughOptions()
  .action((file: string, args: string[], opts: RunOptions) => runCommand(file, args, opts));

program
  .command("sim")
  .description("run page-replacement policies over a reference string (trace-driven simulator)")
  .option("--policy <name>", "the policy (with --compare: a comma-separated list, default all)")
  .option("--frames <n>", "frames of memory (with --compare: the range is 1..N)")
  .option("--trace <file>", "reference string: one page per line (W: write), or `# vmos refs v1` lines `PID VPN [w]`")
  .option("--pattern <name>", "generate the reference string: loop, random, zipf or scan")
  .option("--pages <n>", "pages the pattern ranges over (default 64)")
  .option("--length <n>", "references to generate (default 10000)")
  .option("--seed <n>", "seed of the pattern and of the random policy (default 0)")
  .option("--exponent <s>", "zipf's exponent (default 1)")
  .option("--writes <ratio>", "fraction of generated references that write (default 0)")
  .option("--tick <n>", "references between ticks for sampling policies (default frames/8, at least 1)")
  .option("--tau <n>", "WSClock's working-set window in references (default: frames)")
  .option("--verbose", "print every reference: page, hit or miss, evicted page, the frames")
  .option("--compare", "run every policy over a range of frame counts and print a table")
  .option("--frames-range <a..b[:step]>", "with --compare: frame counts to try")
  .option("--faults", "with --compare: tabulate faults instead of hit rates")
  .option("--svg <file>", "with --compare: also plot hit rate against frames as SVG (with --wss: W against t)")
  .option("--wss <tau>", "no policy: print the working-set size W(t, tau) over time, pages referenced in the last TAU references")
  .option("--sample <n>", "with --wss: a row every N references (default: every one up to 100, else about 100 rows)")
  .option("--pid <n>", "with --wss and a `# vmos refs v1` trace: the process to measure (default: the trace's first pid)")
  .action((opts: SimOptions) => simCommand(opts));

const experiment = program.command("experiment").description("measure the kernel: runs of many machines, tabulated and plotted");
experiment
  .command("thrash")
  .description("the thrashing curve: CPU utilisation against K workers (programs/thrash.s) for K = 1..N")
  .option("--mem <size>", "RAM of each machine (K, M suffixes)", "1M")
  .option("--swap <size>", "swap of each machine", "8M")
  .option("--pages <n>", "W: pages each worker touches in every pass (its working set)", "48")
  .option("--rounds <n>", "passes each worker makes over its pages (its fixed amount of work)", "100")
  .option("--max-k <n>", "largest number of workers to try", "8")
  .option("--policy <name>", "page-replacement policy of reclaim (as vmos run --policy)", "linux")
  .option("--svg <file>", "also plot CPU utilisation against K as SVG")
  .action((opts: ThrashOptions) => thrashCommand(opts));

program
  .command("objdump")
  .description("disassemble an ELF executable, like riscv64-unknown-elf-objdump -d")
  .argument("<file>", "ELF32 RISC-V executable")
  .action((file: string) => objdumpCommand(file));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CliError)) throw err;
  if (err.message) process.stderr.write(`${err.message}\n`);
  process.exitCode = err.exitCode;
}
