// How `execve` finds programs under `vmos run`: the guest's `/` is the current directory (as with
// qemu-user's default), every path is resolved inside it, `..` stops at the root, and a symbolic
// link that points outside is refused. `.s` files are assembled on the fly (a vmos convenience).

import { readFileSync, realpathSync, statSync } from "node:fs";
import { join, posix, sep } from "node:path";
import type { ProgramLoader } from "../../kernel/proc/execve.js";
import { assemble } from "../asm/index.js";
import { fileIncludeResolver } from "./include.js";

const ENOENT = 2, ENOEXEC = 8, EACCES = 13, ELOOP = 40;

/** A loader whose guest root is the host directory `root`. */
export function hostProgramLoader(root: string): ProgramLoader {
  const realRoot = realpathSync(root);
  return (path) => {
    // Linux resolves a relative path against the cwd, which is the root here.
    const inside = posix.normalize(`/${path}`); // ".." cannot climb above "/"
    let host: string;
    try {
      host = realpathSync(join(realRoot, inside));
    } catch (err) {
      return { errno: (err as NodeJS.ErrnoException).code === "ELOOP" ? ELOOP : ENOENT };
    }
    if (host !== realRoot && !host.startsWith(realRoot + sep)) return { errno: ENOENT }; // a link out of the root
    if (!statSync(host).isFile()) return { errno: EACCES };
    if (/\.(s|S|asm)$/.test(host)) {
      const r = assemble([{ name: path, text: readFileSync(host, "utf8") }], { include: fileIncludeResolver() });
      return r.elf ?? { errno: ENOEXEC };
    }
    return new Uint8Array(readFileSync(host));
  };
}
