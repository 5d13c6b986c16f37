// Reading input files for the CLI, with one clear line on failure instead of a stack trace.

import { readFileSync } from "node:fs";
import { CliError } from "./errors.js";

/** Contents of `path`, or a CliError naming the file and the reason. */
export function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : String((err as Error).message);
    throw new CliError(`vmos: ${path}: ${why}`);
  }
}
