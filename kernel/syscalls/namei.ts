// System calls on names: the working directory (getcwd, chdir, fchdir), making and removing names
// (mkdirat, unlinkat, renameat2, symlinkat, linkat, readlinkat), permission questions (faccessat,
// faccessat2), and the tables of statx (kernel/fs/stat.ts) and getdents64 (kernel/fs/readdir.ts).
// Linux: fs/namei.c, fs/open.c, fs/d_path.c. Calls on a file's bytes by position or size (pread64,
// truncate64, fsync, ...) are read_write.ts.
//
// A call that creates or removes a name resolves all but the last component (path_parent), then
// looks the last one up without following it, and decides as Linux's VFS does before asking the
// filesystem: "." and ".." are never created or removed, a directory is rmdir's and never unlink's,
// /proc is a mount point (EBUSY) and another filesystem (EXDEV), and nothing is made inside it.

import type { Kernel } from "../kernel.js";
import { S_IFDIR, S_ISDIR, S_ISLNK, type inode } from "../fs/inode.js";
import { current_umask, fs_struct, path_parent, path_walk, task_pwd, type path } from "../fs/namei.js";
import { sys_getdents64 } from "../fs/readdir.js";
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, sys_statx, user_path_at, vfs_getattr,
} from "../fs/stat.js";
import { exit_hooks } from "../proc/exit.js";
import { fork_hooks } from "../proc/fork.js";
import type { task_struct } from "../proc/task.js";
import {
  EACCES, EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, ERANGE, EROFS, EXDEV,
} from "./errno.js";
import { dirfd_path, getname } from "./fs.js";
import { fdget } from "./read_write.js";
import type { SyscallTable } from "./types.js";
import { copy_to_user } from "./uaccess.js";

// Linux: kernel/fork.c copy_fs(): a child starts in its parent's working directory (vmos has no
// CLONE_FS, so it is always a copy); exit_fs() lets go of it.
fork_hooks.push((parent, child) => {
  child.fs = parent.fs === null ? null : new fs_struct(parent.fs.pwd, parent.fs.umask);
});
exit_hooks.push((_k, task) => {
  if (task.fs !== null) task.fs.users--;
  task.fs = null;
});

// Linux: include/uapi/linux/fs.h renameat2 flags.
const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
// Linux: include/uapi/linux/fcntl.h access modes (faccessat).
const X_OK = 1, W_OK = 2;

const encoder = new TextEncoder();

/** The mount a path is on: procfs below /proc, the root filesystem elsewhere (Linux: path->mnt). */
const mnt_of = (p: path): "proc" | "root" => (p.proc !== null ? "proc" : "root");

/** Whether `last` in `dir` is /proc itself, the one mount point (Linux: is_local_mountpoint()). */
const is_mountpoint = (dir: path, last: string): boolean => dir.names.length === 0 && last === "proc";

/** Whether `last` in `dir` is /proc/self, a symbolic link (procfs's walk goes straight through it). */
const is_self_link = (dir: path, last: string): boolean => dir.proc?.path === "/proc" && last === "self";

/** A filesystem without the operation: -EROFS for the read-only empty root, -EPERM elsewhere. */
const no_op = (dir: inode): number => (dir.i_sb.s_type === "rootfs" ? -EROFS : -EPERM);

/**
 * A directory's link count follows its subdirectories' ".." (Linux: inc_nlink/drop_nlink in each
 * filesystem's mkdir, rmdir and rename). hostfs read the count once, so the VFS keeps it current;
 * hosts whose directories always say 1 (btrfs) are left alone.
 */
function dir_nlink(dir: inode, delta: number): void {
  if (dir.i_nlink >= 2) dir.i_nlink += delta;
}

/** The last component of `name` in `dir`, not followed: its path or -errno (-ENOENT: no such name). */
function lookup_last(k: Kernel, task: task_struct, dir: path, last: string): path | number {
  return path_walk(k, task, dir, last, { follow: false });
}

/** A name split for a call that makes, moves or removes it: the whole name, its directory, its last component. */
interface parent_name {
  name: string;
  dir: path;
  last: string;
}

/**
 * Linux: getname() + filename_parentat(): the name at user address `pathname`, relative to `dfd`,
 * walked up to its last component. -EFAULT, -ENAMETOOLONG, -ENOENT (""), -EBADF, the walk's errors.
 */
function user_path_parent(k: Kernel, task: task_struct, dfd: number, pathname: number): parent_name | number {
  const name = getname(task, pathname);
  if (typeof name === "number") return name;
  const start = dirfd_path(k, task, dfd, name);
  if (typeof start === "number") return start;
  const parent = path_parent(k, task, start, name);
  if (typeof parent === "number") return parent;
  return { name, ...parent };
}

/**
 * Linux: filename_create(): the directory to make `name` in and the new name, for mkdirat (is_dir),
 * symlinkat and linkat. -EEXIST when the name exists (a dangling link too) or is "." or "..";
 * -ENOENT inside /proc (procfs's lookups fail for names it has not got), in a removed directory,
 * and for "new/" when not making a directory; the errors of user_path_parent().
 */
function filename_create(k: Kernel, task: task_struct, dfd: number, pathname: number, is_dir: boolean): parent_name | number {
  const parent = user_path_parent(k, task, dfd, pathname);
  if (typeof parent === "number") return parent;
  const { name } = parent;
  if (parent.last === "." || parent.last === "..") return -EEXIST;
  const found = lookup_last(k, task, parent.dir, parent.last);
  if (typeof found !== "number") return -EEXIST;
  if (found !== -ENOENT) return found;
  if (parent.dir.proc !== null || parent.dir.inode!.i_nlink === 0) return -ENOENT; // Linux: IS_DEADDIR too
  if (!is_dir && name.endsWith("/")) return -ENOENT;
  return parent;
}

/**
 * Linux: SYSCALL_DEFINE2(getcwd): the working directory's absolute name, NUL-terminated, into `buf`.
 * Returns its length with the NUL; -ERANGE if `size` is smaller, -ENOENT if the directory has been
 * removed, -EFAULT. The name is the one the task walked to: a directory renamed since keeps it.
 */
export function sys_getcwd(k: Kernel, task: task_struct, buf: number, size: number): number {
  const pwd = task_pwd(k, task);
  if (pwd.inode !== null && pwd.inode.i_nlink === 0) return -ENOENT;
  const name = encoder.encode(`${pwd.name}\0`);
  if (name.length > size) return -ERANGE;
  return copy_to_user(task.mm!, task, buf, name) === 0 ? name.length : -EFAULT;
}

/** Linux: set_fs_pwd(). */
function set_fs_pwd(task: task_struct, p: path): void {
  if (task.fs === null) task.fs = new fs_struct(p);
  else task.fs.pwd = p;
}

/** Linux: SYSCALL_DEFINE1(chdir): -ENOENT, -ENOTDIR (not a directory, or one on the way is not). */
export function sys_chdir(k: Kernel, task: task_struct, filename: number): number {
  const name = getname(task, filename);
  if (typeof name === "number") return name;
  const p = path_walk(k, task, task_pwd(k, task), name, { follow: true, directory: true });
  if (typeof p === "number") return p;
  set_fs_pwd(task, p);
  return 0;
}

/** Linux: SYSCALL_DEFINE1(fchdir): to the directory open at `fd`; -EBADF, -ENOTDIR. */
export function sys_fchdir(_k: Kernel, task: task_struct, fd: number): number {
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  const p = f.f_path as path | null;
  if (p === null || !p.is_dir) return -ENOTDIR;
  set_fs_pwd(task, p);
  return 0;
}

/** Linux: do_mkdirat() -> vfs_mkdir(): a new directory with `mode` less the umask. */
export function sys_mkdirat(k: Kernel, task: task_struct, dfd: number, pathname: number, mode: number): number {
  const c = filename_create(k, task, dfd, pathname, true);
  if (typeof c === "number") return c;
  const dir = c.dir.inode!;
  if (dir.i_op.mkdir === undefined) return no_op(dir);
  const err = dir.i_op.mkdir(k, dir, c.last, S_IFDIR | (mode & ~current_umask(task) & 0o1777));
  if (err === 0) dir_nlink(dir, +1);
  return err;
}

/**
 * Linux: do_rmdir() -> vfs_rmdir(): remove the empty directory `name`. -EINVAL for ".", -ENOTEMPTY
 * for ".." or a directory with entries, -EBUSY for "/" and /proc, -ENOTDIR for anything else
 * (a link to a directory too), -EPERM inside /proc.
 */
function do_rmdir(k: Kernel, task: task_struct, { name, dir, last }: parent_name): number {
  if (/^\/+$/.test(name)) return -EBUSY;
  if (last === ".") return -EINVAL;
  if (last === "..") return -ENOTEMPTY;
  const victim = lookup_last(k, task, dir, last);
  if (typeof victim === "number") return victim;
  if (!victim.is_dir || is_self_link(dir, last)) return -ENOTDIR;
  if (is_mountpoint(dir, last)) return -EBUSY;
  if (dir.proc !== null) return -EPERM;
  const node = dir.inode!;
  if (node.i_op.rmdir === undefined) return no_op(node);
  const err = node.i_op.rmdir(k, node, last);
  if (err === 0) dir_nlink(node, -1);
  return err;
}

/**
 * Linux: do_unlinkat() -> vfs_unlink(): remove the name `name` of a non-directory (a link itself,
 * never its target). -EISDIR for a directory, ".", ".." or "/"; for "file/", -ENOTDIR; -EPERM
 * inside /proc.
 */
function do_unlinkat(k: Kernel, task: task_struct, { name, dir, last }: parent_name): number {
  if (last === "." || last === "..") return -EISDIR;
  const victim = lookup_last(k, task, dir, last);
  if (typeof victim === "number") return victim;
  const is_dir = victim.is_dir && !is_self_link(dir, last);
  if (is_dir) return -EISDIR;
  if (name.endsWith("/")) return -ENOTDIR;
  if (dir.proc !== null) return -EPERM;
  const node = dir.inode!;
  if (node.i_op.unlink === undefined) return no_op(node);
  return node.i_op.unlink(k, node, last);
}

/** Linux: SYSCALL_DEFINE3(unlinkat): rmdir with AT_REMOVEDIR, else unlink; -EINVAL for other flags. */
export function sys_unlinkat(k: Kernel, task: task_struct, dfd: number, pathname: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  const parent = user_path_parent(k, task, dfd, pathname);
  if (typeof parent === "number") return parent;
  return flags & AT_REMOVEDIR ? do_rmdir(k, task, parent) : do_unlinkat(k, task, parent);
}

/**
 * Linux: do_renameat2() -> vfs_rename(): move `oldname` to `newname`, replacing what is there
 * (a file by a file, a directory by an empty directory). Errors in Linux's order:
 *  -EINVAL: unknown flags; RENAME_EXCHANGE and RENAME_WHITEOUT (hostfs, like Linux's 9p, has
 *           neither); moving a directory below itself;
 *  -EXDEV:  between /proc and the rest;  -EBUSY: ".", "..", "/" or /proc itself;
 *  -EEXIST: RENAME_NOREPLACE and the target exists;  -ENOTDIR / -EISDIR: a directory over a
 *           non-directory or the other way round, or "file/";  -ENOTEMPTY: over a non-empty directory
 *           (or one of the source's ancestors);  -EPERM inside /proc.
 * Renaming a name onto another name of the same file does nothing and succeeds.
 */
export function sys_renameat2(k: Kernel, task: task_struct, olddfd: number, oldname: number, newdfd: number, newname: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  const from = user_path_parent(k, task, olddfd, oldname);
  if (typeof from === "number") return from;
  const to = user_path_parent(k, task, newdfd, newname);
  if (typeof to === "number") return to;
  if (mnt_of(from.dir) !== mnt_of(to.dir)) return -EXDEV;
  if (from.last === "." || from.last === ".." || /^\/+$/.test(from.name)) return -EBUSY;
  if (to.last === "." || to.last === ".." || /^\/+$/.test(to.name)) return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
  const old = lookup_last(k, task, from.dir, from.last);
  if (typeof old === "number") return old;
  const target = lookup_last(k, task, to.dir, to.last);
  if (typeof target === "number" && target !== -ENOENT) return target;
  const victim = typeof target === "number" ? null : target;
  if (victim !== null && flags & RENAME_NOREPLACE) return -EEXIST;
  const is_dir = old.is_dir && !is_self_link(from.dir, from.last);
  if (!is_dir && (from.name.endsWith("/") || to.name.endsWith("/"))) return -ENOTDIR;
  if (from.dir.proc !== null) return victim === null ? -ENOENT : -EPERM; // procfs can neither make nor move names
  const old_node = old.inode!, new_dir = to.dir.inode!, old_dir = from.dir.inode!;
  if (is_dir && to.dir.nodes.includes(old_node)) return -EINVAL; // into itself or below
  const victim_node = victim?.inode ?? null;
  if (victim_node !== null && from.dir.nodes.includes(victim_node)) return -ENOTEMPTY; // onto an ancestor
  if (victim_node !== null && victim_node === old_node) return 0;
  if (victim !== null && is_dir !== victim.is_dir) return is_dir ? -ENOTDIR : -EISDIR;
  if (is_mountpoint(from.dir, from.last) || is_mountpoint(to.dir, to.last)) return -EBUSY;
  if (old_dir.i_op.rename === undefined) return no_op(old_dir);
  const err = old_dir.i_op.rename(k, old_dir, from.last, new_dir, to.last);
  if (err === 0 && is_dir && old_dir !== new_dir) {
    dir_nlink(old_dir, -1);
    if (victim === null) dir_nlink(new_dir, +1);
  }
  return err;
}

/** Linux: do_symlinkat(): the link `newname` holding `oldname` (any non-empty text, not resolved). */
export function sys_symlinkat(k: Kernel, task: task_struct, oldname: number, newdfd: number, newname: number): number {
  const target = getname(task, oldname);
  if (typeof target === "number") return target;
  const c = filename_create(k, task, newdfd, newname, false);
  if (typeof c === "number") return c;
  const dir = c.dir.inode!;
  if (dir.i_op.symlink === undefined) return no_op(dir);
  return dir.i_op.symlink(k, dir, c.last, target);
}

/**
 * Linux: do_linkat() -> vfs_link(): a further name `newname` for the file `oldname` (a link itself
 * unless AT_SYMLINK_FOLLOW; with AT_EMPTY_PATH and "" the file open at `olddfd`). -EINVAL for other
 * flags, -EXDEV across /proc, -EPERM for a directory, -ENOENT for a file with no name left.
 */
export function sys_linkat(k: Kernel, task: task_struct, olddfd: number, oldname: number, newdfd: number, newname: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const old = user_path_at(k, task, olddfd, oldname, (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof old === "number") return old;
  const c = filename_create(k, task, newdfd, newname, false);
  if (typeof c === "number") return c;
  const node = old.f?.f_inode ?? (old.p === null || old.p.proc !== null || old.self_link ? null : old.p.inode);
  if (node === null) return -EXDEV; // /proc, the console, a pipe: not on the root filesystem
  const dir = c.dir.inode!;
  if (node.i_sb !== dir.i_sb) return -EXDEV;
  if (dir.i_op.link === undefined) return no_op(dir);
  if (S_ISDIR(node.i_mode)) return -EPERM;
  if (node.i_nlink === 0) return -ENOENT;
  return dir.i_op.link(k, node, dir, c.last);
}

/**
 * Linux: do_readlinkat(): the target of the link `pathname`, truncated to `bufsiz` bytes, without a
 * NUL; returns its length. -EINVAL for bufsiz <= 0 or a name that is not a link, -ENOENT for "".
 */
export function sys_readlinkat(k: Kernel, task: task_struct, dfd: number, pathname: number, buf: number, bufsiz: number): number {
  if (bufsiz <= 0) return -EINVAL;
  const t = user_path_at(k, task, dfd, pathname, false, true);
  if (typeof t === "number") return t;
  let target: string | number;
  if (t.self_link) target = String(task.pid);
  else if (t.empty) return -ENOENT; // "": only an O_PATH descriptor of a link could be read so
  else {
    const node = t.p?.inode ?? null;
    if (node === null || !S_ISLNK(node.i_mode)) return -EINVAL;
    target = node.i_op.readlink?.(k, node) ?? -EINVAL;
  }
  if (typeof target === "number") return target;
  const bytes = encoder.encode(target).subarray(0, bufsiz);
  return copy_to_user(task.mm!, task, buf >>> 0, bytes) === 0 ? bytes.length : -EFAULT;
}

/**
 * Linux: do_faccessat(): may the caller read (R_OK), write (W_OK), execute (X_OK) the file, or does
 * it exist (F_OK)? Everyone is root, so the answer is yes except X_OK on a file with no execute bit
 * (-EACCES) and W_OK on the read-only empty root (-EROFS). The host may still refuse what root may
 * do, if vmos runs as a user without the permission. -EINVAL for a bad mode or flags.
 */
export function do_faccessat(k: Kernel, task: task_struct, dfd: number, filename: number, mode: number, flags: number): number {
  if (mode & ~7) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const t = user_path_at(k, task, dfd, filename, (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof t === "number") return t;
  const st = vfs_getattr(k, t).mode;
  if (mode & W_OK && t.p?.inode?.i_sb.s_type === "rootfs") return -EROFS;
  if (mode & X_OK && !S_ISDIR(st) && (st & 0o111) === 0) return -EACCES;
  return 0;
}

export const NAMEI_SYSCALLS: SyscallTable = {
  17: (k, t, a) => sys_getcwd(k, t, a[0]! >>> 0, a[1]! >>> 0),
  34: (k, t, a) => sys_mkdirat(k, t, a[0]!, a[1]!, a[2]!),
  35: (k, t, a) => sys_unlinkat(k, t, a[0]!, a[1]!, a[2]!),
  36: (k, t, a) => sys_symlinkat(k, t, a[0]!, a[1]!, a[2]!),
  37: (k, t, a) => sys_linkat(k, t, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!),
  48: (k, t, a) => do_faccessat(k, t, a[0]!, a[1]!, a[2]!, 0),
  49: (k, t, a) => sys_chdir(k, t, a[0]!),
  50: (k, t, a) => sys_fchdir(k, t, a[0]!),
  61: (k, t, a) => sys_getdents64(k, t, a[0]!, a[1]!, a[2]! >>> 0),
  78: (k, t, a) => sys_readlinkat(k, t, a[0]!, a[1]!, a[2]!, a[3]!),
  276: (k, t, a) => sys_renameat2(k, t, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!),
  291: (k, t, a) => sys_statx(k, t, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!),
  439: (k, t, a) => do_faccessat(k, t, a[0]!, a[1]!, a[2]!, a[3]!),
};
