// Linux: fs/exec.c do_open_execat() and the binfmt handlers' choice: which file an exec runs.
//
//   - a path is opened through the VFS like open(O_RDONLY), and must be a regular file (-EACCES
//     otherwise) with an execute bit (-EACCES: root needs one too);
//   - a file named *.s (or .S, .asm) is assembly: vmos assembles it on the fly, like a binfmt_misc
//     interpreter, and runs the result from memory. The result is cached per file version (inode,
//     size, mtime), so two processes running the same .s share its text frames;
//   - a name the filesystem does not have may still be known to the kernel's boot code
//     (Kernel.load_program: programs handed over in memory, as tests do).

import type { Kernel } from "../kernel.js";
import { file, fput } from "../fs/file.js";
import { ihold, iput, S_ISREG, type inode } from "../fs/inode.js";
import { task_pwd } from "../fs/namei.js";
import { ramfs_inode } from "../fs/ramfs.js";
import { do_filp_open, generic_file_fops, O_RDONLY } from "../fs/vfs.js";
import { kernel_read_file } from "../mm/filemap.js";
import { EACCES, ENOENT, ENOEXEC } from "../syscalls/errno.js";
import type { task_struct } from "./task.js";

/** Assembled programs and in-memory ones, per kernel, by key: their in-memory inodes (one reference each). */
const images = new WeakMap<Kernel, Map<string, inode>>();

function image_cache(k: Kernel): Map<string, inode> {
  let m = images.get(k);
  if (m === undefined) images.set(k, (m = new Map()));
  return m;
}

/** The cached in-memory image for `key`, made by `make` the first time; null if `make` fails. */
function cached_image(k: Kernel, key: string, make: () => Uint8Array | null): inode | null {
  const cache = image_cache(k);
  let node = cache.get(key);
  if (node === undefined) {
    const bytes = make();
    if (bytes === null) return null;
    node = ramfs_inode(k, bytes);
    cache.set(key, node);
  }
  return node;
}

/** An open file over an in-memory image, named `path`. */
function image_file(path: string, node: inode): file {
  const f = new file(path, new Uint8Array(0), generic_file_fops);
  f.f_inode = ihold(node);
  return f;
}

const ASSEMBLY = /\.(s|S|asm)$/;
const decoder = new TextDecoder();

/**
 * Linux: do_open_execat(): the file exec should run for `path`, open (one reference), or -errno:
 * -ENOENT, -EACCES (a directory, a special file, or no execute bit), -ENOEXEC (assembly that does
 * not assemble: the assembler's messages go to the kernel log).
 */
export function open_exec(k: Kernel, task: task_struct, path: string): file | number {
  const f = do_filp_open(k, task, task_pwd(k, task), path, O_RDONLY, 0);
  if (typeof f === "number") {
    if (f !== -ENOENT) return f;
    const bytes = k.load_program(path);
    if (!(bytes instanceof Uint8Array)) return -bytes.errno;
    return image_file(path, cached_image(k, `mem:${path}`, () => bytes)!);
  }
  const node = f.f_inode;
  if (node === null || !S_ISREG(node.i_mode)) {
    fput(f);
    return -EACCES; // a directory or a special file, as Linux's do_open_execat
  }
  if (!ASSEMBLY.test(path)) {
    if ((node.i_mode & 0o111) === 0) {
      fput(f);
      return -EACCES;
    }
    return f;
  }
  const key = `asm:${node.i_sb.s_type}:${node.i_ino}:${node.i_size}:${node.i_mtime}`;
  const image = cached_image(k, key, () => {
    const text = kernel_read_file(k, node.i_mapping);
    if (typeof text === "number") return null;
    const out = k.assemble(f.path, decoder.decode(text));
    if (typeof out === "string") {
      k.console.log(out.trimEnd());
      return null;
    }
    return out;
  });
  const name = f.path;
  fput(f);
  return image === null ? -ENOEXEC : image_file(name, image);
}

/** Linux has no such step: at shutdown the in-memory images go, with their cached pages. */
export function drop_exec_images(k: Kernel): void {
  const cache = images.get(k);
  if (cache === undefined) return;
  for (const node of cache.values()) {
    node.i_count++;
    iput(node);
  }
  cache.clear();
}
