// Linux: mm/swapfile.c swap_show(): /proc/swaps, one line per swap area after a header:
//
//   Filename				Type		Size		Used		Priority
//   /dev/vda2                               partition	1020		0		-2
//
// The name is padded to 40 columns (at least one space follows it), "file" gets a tab of its own
// so the columns line up with "partition", sizes are KiB (the header slot not counted), and a size
// below 10000000 is followed by a second tab.

import type { Kernel } from "../../kernel.js";
import { swap_areas } from "../../mm/swapfile.js";
import { seq_file } from "../seq_file.js";

/** Linux: seq_file_path(m, file, " \t\n\\"): those characters of a path are printed as octal escapes. */
function escape_path(path: string): string {
  return path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

/** Linux: /proc/swaps. */
export function proc_swaps(k: Kernel): string {
  const m = new seq_file();
  m.puts("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
  for (const si of swap_areas(k)) {
    const name = escape_path(si.swap_file);
    const bytes = si.pages * 4;
    const inuse = si.inuse_pages * 4;
    m.puts(name);
    m.puts(" ".repeat(name.length < 40 ? 40 - name.length : 1));
    m.puts(si.kind === "partition" ? "partition" : "file\t");
    m.puts(`\t${bytes}\t${bytes < 10000000 ? "\t" : ""}${inuse}\t${inuse < 10000000 ? "\t" : ""}${si.prio}\n`);
  }
  return m.toString();
}
