// `vmos objdump FILE`: a disassembly in the shape of `riscv64-unknown-elf-objdump -d`.

import { objdump } from "../elf/objdump.js";
import { readExecutable } from "../elf/reader.js";
import { CliError } from "./errors.js";
import { readInput } from "./files.js";

export function objdumpCommand(path: string): void {
  const parsed = readExecutable(new Uint8Array(readInput(path)));
  if (!parsed.ok) throw new CliError(`vmos objdump: ${path}: ${parsed.error}`);
  process.stdout.write(objdump(parsed.elf, path));
}
