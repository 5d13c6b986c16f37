// How the CLI finds `.include`d files: beside the including file first (like C's #include "..."),
// then in each -I directory, then in the current directory (where GNU as looks).

import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { IncludeResolver } from "../asm/assembler.js";

export function fileIncludeResolver(includeDirs: string[] = []): IncludeResolver {
  return (path, fromFile) => {
    const candidates = isAbsolute(path) ? [path] : [join(dirname(fromFile), path), ...includeDirs.map((d) => join(d, path)), path];
    for (const candidate of candidates) {
      try {
        if (statSync(candidate).isFile()) return { name: candidate, text: readFileSync(candidate, "utf8") };
      } catch {
        // not here: try the next place
      }
    }
    return { error: `not found (looked in ${[...new Set(candidates.map((c) => dirname(c) || "."))].join(", ")})` };
  };
}
