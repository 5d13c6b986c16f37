// `vmos asm a.s b.s -o prog`: assemble, link, report diagnostics GNU-style, write the executable.

import { chmodSync, writeFileSync } from "node:fs";
import pc from "picocolors";
import { assemble, formatDiagnostic, type SourceFile } from "../asm/index.js";
import { CliError } from "./errors.js";
import { readInput } from "./files.js";
import { fileIncludeResolver } from "./include.js";

/** Colours for stderr: only when it is a terminal (and NO_COLOR is unset), whatever stdout is. */
const stderrColors = pc.createColors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);

/** Print diagnostics to stderr, colouring the severity when stderr is a terminal. */
export function printDiagnostics(result: ReturnType<typeof assemble>): void {
  const sources = result.sources;
  const pc = stderrColors;
  for (const d of result.diagnostics) {
    const text = formatDiagnostic(d, sources);
    const coloured = text.replace(/: (error|warning): /, (_m, sev: string) => `: ${sev === "error" ? pc.red(pc.bold(sev)) : pc.yellow(pc.bold(sev))}: `);
    process.stderr.write(`${coloured}\n`);
  }
}

/** Assemble `paths` into one executable; throws CliError (exit 1) when the source has errors. */
export function assembleSources(paths: string[], includeDirs: string[] = []): Uint8Array {
  const files: SourceFile[] = paths.map((name) => ({ name, text: readInput(name).toString("utf8") }));
  const result = assemble(files, { include: fileIncludeResolver(includeDirs) });
  printDiagnostics(result);
  if (result.elf === undefined) {
    const n = result.diagnostics.filter((d) => d.severity === "error").length;
    throw new CliError(`vmos asm: ${n} error${n === 1 ? "" : "s"}`);
  }
  return result.elf;
}

export function asmCommand(paths: string[], output: string, includeDirs: string[]): void {
  const elf = assembleSources(paths, includeDirs);
  try {
    writeFileSync(output, elf);
    chmodSync(output, 0o755);
  } catch (err) {
    throw new CliError(`vmos asm: cannot write ${output}: ${(err as Error).message}`);
  }
}
