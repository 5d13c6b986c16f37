// Linux: fs/readdir.c: getdents64(2), the one way to list a directory, and the record it fills:
//
//   struct linux_dirent64 {          offset
//     u64  d_ino;                     0   the entry's inode number
//     s64  d_off;                     8   the directory position just after this entry
//     u16  d_reclen;                 16   this record's length, a multiple of 8
//     u8   d_type;                   18   DT_DIR, DT_REG, DT_LNK ... (S_IFMT >> 12)
//     char d_name[];                 19   NUL-terminated, then padding to d_reclen
//   };
//
// The order is the filesystem's: "." and ".." first, as Linux's dcache_readdir() and most
// filesystems emit them, then hostfs's names sorted (the device sorts, so every host lists alike), or
// procfs's entries in Linux's order (its files, "self", one directory per process). The directory's
// f_pos is the index of the next entry. A listing is taken when reading starts at position 0 and
// read on from there, so removing entries while listing (what `rm -r` does) neither skips nor repeats
// any; a rewind (llseek to 0) takes a new one.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { EBADF, EFAULT, EINVAL, ENOTDIR } from "../syscalls/errno.js";
import { copy_to_user } from "../syscalls/uaccess.js";
import { files_lookup_fd } from "./fdtable.js";
import type { file } from "./file.js";
import type { path } from "./namei.js";
import { PROC_PID_FILES, PROC_ROOT_FILES } from "./procfs/root.js";
import { proc_ino } from "./stat.js";

// Linux: include/linux/fs.h DT_* values.
const DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

/** One entry of a listing. */
interface dir_entry {
  name: string;
  ino: number;
  type: number;
}

/** Linux's order of /proc/PID's files (tgid_base_stuff[]), for the ones vmos has. */
const PID_ORDER = ["status", "cmdline", "stat", "statm", "maps", "smaps", "smaps_rollup"];

/** The inode number of a directory on a path (for "." and ".."). */
function path_ino(p: path): number {
  return p.proc !== null ? proc_ino(p.proc.path) : p.inode!.i_ino;
}

/**
 * Linux: proc_root_readdir() and proc_tgid_base_readdir(): /proc lists its files (Linux keeps them
 * ordered by name length, then name), "self", then every process by pid; /proc/PID its files.
 */
function proc_readdir(k: Kernel, dir: string): dir_entry[] {
  if (dir === "/proc") {
    const files = [...PROC_ROOT_FILES].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    return [
      ...files.map((name) => ({ name, ino: proc_ino(`/proc/${name}`), type: DT_REG })),
      { name: "self", ino: proc_ino("/proc/self"), type: DT_LNK },
      ...[...k.tasks.keys()].sort((a, b) => a - b).map((pid) => ({ name: String(pid), ino: proc_ino(`/proc/${pid}`), type: DT_DIR })),
    ];
  }
  const names = [...PID_ORDER.filter((n) => PROC_PID_FILES.includes(n)), ...PROC_PID_FILES.filter((n) => !PID_ORDER.includes(n))];
  return names.map((name) => ({ name, ino: proc_ino(`${dir}/${name}`), type: DT_REG }));
}

/**
 * The whole listing of the directory at `p`, "." and ".." first; or -errno from the filesystem.
 * The root lists "proc" (where procfs is mounted) even when the host directory has no such name.
 */
function dir_entries(k: Kernel, p: path): dir_entry[] | number {
  const dots = [{ name: ".", ino: path_ino(p), type: DT_DIR }, { name: "..", ino: path_ino(p.parent()), type: DT_DIR }];
  if (p.proc !== null) return [...dots, ...proc_readdir(k, p.proc.path)];
  const node = p.inode!;
  if (node.i_nlink === 0) return []; // Linux: IS_DEADDIR, a removed directory lists nothing
  const readdir = node.i_op.readdir;
  if (readdir === undefined) return -ENOTDIR;
  const entries = readdir(k, node);
  if (typeof entries === "number") return entries;
  if (p.names.length === 0) {
    const at = entries.findIndex((e) => e.name >= "proc");
    if (at < 0 || entries[at]!.name !== "proc") entries.splice(at < 0 ? entries.length : at, 0, { name: "proc", ino: proc_ino("/proc"), type: DT_DIR });
    else entries[at]!.type = DT_DIR;
  }
  return [...dots, ...entries];
}

/** Listings in progress, by open directory (taken at position 0). */
const listings = new WeakMap<file, dir_entry[]>();

const encoder = new TextEncoder();

/**
 * Linux: SYSCALL_DEFINE3(getdents64) -> iterate_dir() -> filldir64(): as many whole records as fit
 * in `count` bytes at `dirent`, from the directory's position on. Returns the bytes filled, 0 at the
 * end, or -EBADF, -ENOTDIR (not a directory), -EINVAL (not even one record fits), -EFAULT (the
 * position does not move then).
 */
export function sys_getdents64(k: Kernel, task: task_struct, fd: number, dirent: number, count: number): number {
  const f = task.files === null ? null : files_lookup_fd(task.files, fd);
  if (f === null) return -EBADF;
  const p = f.f_path as path | null;
  if (p === null || !p.is_dir) return -ENOTDIR;
  let entries = listings.get(f);
  if (entries === undefined || f.f_pos === 0n) {
    const got = dir_entries(k, p);
    if (typeof got === "number") return got;
    listings.set(f, (entries = got));
  }
  const out: Uint8Array[] = [];
  let used = 0;
  let pos = Number(f.f_pos);
  for (; pos < entries.length; pos++) {
    const e = entries[pos]!;
    const name = encoder.encode(e.name);
    const reclen = (19 + name.length + 1 + 7) & ~7;
    if (used + reclen > count) {
      if (out.length === 0) return -EINVAL;
      break;
    }
    const rec = new Uint8Array(reclen);
    const v = new DataView(rec.buffer);
    v.setBigUint64(0, BigInt(e.ino), true);
    v.setBigInt64(8, BigInt(pos + 1), true);
    v.setUint16(16, reclen, true);
    rec[18] = e.type;
    rec.set(name, 19);
    out.push(rec);
    used += reclen;
  }
  if (used === 0) return 0;
  const buf = new Uint8Array(used);
  let at = 0;
  for (const rec of out) {
    buf.set(rec, at);
    at += rec.length;
  }
  if (copy_to_user(task.mm!, task, dirent >>> 0, buf) !== 0) return -EFAULT;
  f.f_pos = BigInt(pos);
  return used;
}
