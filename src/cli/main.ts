// The `vmos` command line: subcommands, options, and the one place that prints errors and sets the
// exit status. Library code returns values; this file turns them into output.

import { Command } from "commander";
import { asmCommand } from "./asm.js";
import { CliError } from "./errors.js";
import { objdumpCommand } from "./objdump.js";
import { runCommand, type RunOptions } from "./run.js";

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
  .option("--tlb <n>", "TLB entries (a power of two)", "64")
  .option("--quantum <n>", "instructions per scheduling quantum", "100000")
  .option("--max-steps <n>", "stop after this many instructions in total (exit status 124)")
  .option("--check", "recount every frame and mapping after each syscall and fault")
  .option("--check-tlb", "verify every TLB hit against the page table (finds missing TLB flushes)")
  .option("--stats", "print instructions, cycles, faults, TLB and memory figures at exit")
  .option("--trace <list>", "trace kernel events to stderr: all, or some of fault,syscall,tlb,sched,mm,signal")
  .option("--trace-out <file.json>", "write kernel events as Chrome trace JSON (open in ui.perfetto.dev)")
  .option("--seed <n>", "seed of the kernel's random source (AT_RANDOM, getrandom)", "0")
  .option("--root <dir>", "host directory that is the guest's / (default: the current directory, as qemu-user)")
  .option("--dirty-writeback-centisecs <n>", "how often the flusher writes old dirty file pages back, in simulated centiseconds", undefined)
  .option("--dirty-expire-centisecs <n>", "how old dirty file data must be before the flusher writes it, in simulated centiseconds", undefined)
  .option("--proc <[pid:]file>", "print /proc/PID/FILE when PID exits, or /proc/FILE when init exits, to stderr (repeatable: --proc 1:maps --proc meminfo)", (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
  .passThroughOptions()
  .action((file: string, args: string[], opts: RunOptions) => runCommand(file, args, opts));

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
