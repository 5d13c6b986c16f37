// The assembler the kernel uses to exec a `.s` file (Kernel.assemble): src/asm, with `.include`
// resolved beside the file on the host, never outside the guest's root directory.

import { realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { assemble, formatDiagnostic } from "../asm/index.js";
import { fileIncludeResolver } from "./include.js";
import type { IncludeResolver } from "../asm/assembler.js";

/** Kernel.assemble for a guest whose `/` is the host directory `root`. */
export function guestAssembler(root: string): (path: string, text: string) => Uint8Array | string {
  const realRoot = realpathSync(root);
  const inside = (host: string): boolean => {
    try {
      const real = realpathSync(host);
      return real === realRoot || real.startsWith(realRoot + sep);
    } catch {
      return false;
    }
  };
  const files = fileIncludeResolver();
  const include: IncludeResolver = (path, fromFile) => {
    const found = files(path, fromFile);
    if ("name" in found && !inside(found.name)) return { error: "not found inside the guest's root" };
    return found;
  };
  return (path, text) => {
    const host = join(realRoot, path); // the guest's absolute name, on the host: includes resolve beside it
    const r = assemble([{ name: host, text }], { include });
    return r.elf ?? r.diagnostics.filter((d) => d.severity === "error").map((d) => formatDiagnostic(d, r.sources)).join("\n");
  };
}
