// Running the `vmos` command as a user would, from a shell, with its exit status and output.

import { spawnSync } from "node:child_process";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "../../bin/vmos.js");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run `vmos ARGS...` in `cwd` and capture everything. */
export function vmos(args: string[], cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
