// The `vmos` command line: subcommands, options, and the one place that prints errors and sets the
// exit status. Library code returns values; this file turns them into output.

import { Command } from "commander";
import { asmCommand } from "./asm.js";
import { CliError } from "./errors.js";
import { objdumpCommand } from "./objdump.js";

const program = new Command();
program
  .name("vmos")
  .description("A teaching OS: RV32IMA assembler, Sv32 machine and Linux-like kernel")
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
