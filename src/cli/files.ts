// Reading input files and writing output files for the CLI, with one clear line on failure instead
// of a stack trace.

import { readFileSync, writeFileSync } from "node:fs";
import { CliError } from "./errors.js";

/** Contents of `path`, or a CliError naming the file and the reason. */
export function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`vmos: ${path}: ${reason(err, "no such file")}`);
  }
}

/** Write `data` to `path` (given with `option`, e.g. "--svg"), or a CliError naming it and the reason. */
export function writeOutput(path: string, data: string | Uint8Array, option: string): void {
  try {
    writeFileSync(path, data);
  } catch (err) {
    throw new CliError(`vmos: ${option} ${path}: ${reason(err, "no such directory")}`);
  }
}

function reason(err: unknown, enoent: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? enoent : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : String((err as Error).message);
}
