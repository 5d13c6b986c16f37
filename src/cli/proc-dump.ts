// `vmos run --proc PID:FILE` and `--proc FILE`: print /proc files from the host side, so a program
// need not read them itself. PID:FILE (1:maps, 2:status) is printed when that process exits, just
// before its address space is torn down, so it shows the memory the program ended with; FILE alone
// (meminfo, vmstat, buddyinfo) is printed when init exits, before init's memory goes (a run cut
// short by --max-steps ends with init killed, so that prints too). A file still unprinted when the
// run is over (its process never existed, or never exited) is printed or explained then.
// Each file starts with a header line, like head(1)'s: "==> /proc/1/maps (exit of maps[1]) <==".

import type { Kernel } from "../../kernel/kernel.js";
import { PROC_PID_FILES, PROC_ROOT_FILES, proc_file_text } from "../../kernel/fs/procfs/root.js";
import { exit_hooks } from "../../kernel/proc/exit.js";
import type { task_struct } from "../../kernel/proc/task.js";
import { CliError } from "./errors.js";

/** One --proc request: a machine-wide file (pid null) or a process's. */
export interface ProcSpec {
  pid: number | null;
  name: string;
  printed: boolean;
}

/** Parse --proc values ("1:maps", "meminfo", "/proc/meminfo", "/proc/1/maps"); CliError if unknown. */
export function parseProcSpecs(values: string[]): ProcSpec[] {
  return values.map((value) => {
    const path = value.replace(/^\/proc\//, "").replace(/\//g, ":");
    const m = /^(?:([1-9][0-9]*):)?([a-z_]+)$/.exec(path);
    const pid = m?.[1] === undefined ? null : Number(m[1]);
    const name = m?.[2] ?? "";
    const known = pid === null ? PROC_ROOT_FILES : PROC_PID_FILES;
    if (m === null || !known.includes(name)) {
      throw new CliError(
        `vmos: --proc ${value}: expected FILE (${PROC_ROOT_FILES.join(", ")}) or PID:FILE (${PROC_PID_FILES.join(", ")})`,
      );
    }
    return { pid, name, printed: false };
  });
}

/**
 * Print the requested files as the run goes: an exit hook (run first, before exit closes files or
 * frees memory) prints a process's files when it exits, and the machine's files when init exits.
 * Call the returned function after the run to print what is left and remove the hook.
 */
export function installProcDump(k: Kernel, specs: ProcSpec[], write: (text: string) => void): () => void {
  const show = (spec: ProcSpec, task: task_struct | null, when: string): void => {
    const path = spec.pid === null ? `/proc/${spec.name}` : `/proc/${spec.pid}/${spec.name}`;
    const text = proc_file_text(k, spec.name, spec.pid === null ? null : task) ?? "";
    // cmdline's arguments end in NUL, not newline: end the output with one, so the next header starts a line.
    write(`==> ${path} (${when}) <==\n${text}${text === "" || text.endsWith("\n") ? "" : "\n"}`);
    spec.printed = true;
  };
  const hook = (kk: Kernel, task: task_struct): void => {
    if (kk !== k) return;
    for (const spec of specs) {
      if (spec.printed) continue;
      const when = `exit of ${task.comm}[${task.pid}]`;
      if (spec.pid === task.pid) show(spec, task, when);
      else if (spec.pid === null && task.pid === 1) show(spec, null, when);
    }
  };
  exit_hooks.unshift(hook);
  return () => {
    exit_hooks.splice(exit_hooks.indexOf(hook), 1);
    for (const spec of specs) {
      if (spec.printed) continue;
      const task = spec.pid === null ? null : k.tasks.get(spec.pid) ?? null;
      if (spec.pid !== null && task === null) write(`vmos: --proc ${spec.pid}:${spec.name}: no process ${spec.pid} at the end of the run\n`);
      else show(spec, task, "end of the run");
    }
  };
}
