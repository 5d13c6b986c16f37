// Linux: fs/namei.c: from a path name to what it names, one component at a time.
//
//   "/a/../b/link/c"   start at the root (absolute) or at the cwd or a dirfd (relative);
//                      "."  stays; ".." goes up, and at the root stays at the root (chroot-like);
//                      a symbolic link is read and its target walked in its place: an absolute
//                      target starts again at the GUEST's root, never the host's; at most 40 links
//                      (ELOOP);
//                      "/proc" at the root is procfs, mounted over whatever the host directory has.
//
// The guest's root is an inode of hostfs (the board's host directory) or, when the machine has no
// host directory, an empty directory. Because every step is a lookup of one name in a directory the
// walk already holds, and ".." pops what the walk pushed, no name can reach outside the root.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from "../syscalls/errno.js";
import { inode, S_IFDIR, S_ISDIR, S_ISLNK, super_block, type address_space_operations } from "./inode.js";
import { proc_lookup } from "./procfs/root.js";

/** Linux: include/uapi/linux/limits.h PATH_MAX (with the NUL) and NAME_MAX (one component). */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;
/** Linux: MAXSYMLINKS. */
const MAXSYMLINKS = 40;

/** What procfs gives for a name (kernel/fs/procfs/root.ts). */
export type proc_dentry =
  | { kind: "dir"; path: string }
  | { kind: "file"; path: string; open: (k: Kernel) => import("./file.js").file };

/**
 * Linux: struct path (a mount and a dentry), as a walk from the root: the names walked and the inode
 * at each level (nodes[0] is the root). Inside /proc the levels have no inode and `proc` is what
 * procfs made of the last one. Paths hold no references: a directory removed under a path makes its
 * later lookups fail, as on Linux.
 */
export class path {
  constructor(
    readonly names: readonly string[],
    readonly nodes: readonly (inode | null)[],
    readonly proc: proc_dentry | null,
  ) {}

  /** The inode named, or null inside /proc. */
  get inode(): inode | null {
    return this.nodes[this.nodes.length - 1]!;
  }

  /** Whether this names a directory. */
  get is_dir(): boolean {
    if (this.proc !== null) return this.proc.kind === "dir";
    return S_ISDIR(this.inode!.i_mode);
  }

  /** The absolute name ("/" for the root). */
  get name(): string {
    return `/${this.names.join("/")}`;
  }

  child(name: string, node: inode | null, proc: proc_dentry | null): path {
    return new path([...this.names, name], [...this.nodes, node], proc);
  }

  parent(): path {
    if (this.names.length === 0) return this; // ".." at the root is the root
    const names = this.names.slice(0, -1);
    const nodes = this.nodes.slice(0, -1);
    const in_proc = names[0] === "proc" && nodes[1] === null;
    return new path(names, nodes, in_proc ? (names.length === 1 ? { kind: "dir", path: "/proc" } : { kind: "dir", path: `/${names.join("/")}` }) : null);
  }
}

/** The root of each kernel's file tree. */
const roots = new WeakMap<Kernel, inode>();

/** An empty, read-only root directory for a machine without a host directory. */
function empty_root(k: Kernel): inode {
  const none: address_space_operations = { readpage: () => -5, writepage: () => -5, direct_read: () => -5 };
  const node = new inode(new super_block(k, "rootfs", 0, 1), 1, S_IFDIR | 0o555, { lookup: () => -ENOENT, readdir: () => [] }, none);
  node.i_nlink = 2;
  return node;
}

/** Linux: init_mount_tree()/mount of the root filesystem: set the guest's `/`. */
export function set_fs_root(k: Kernel, root: inode): void {
  roots.set(k, root);
}

/**
 * Linux: the unmount at power-off: every inode the root filesystem still caches is evicted, so the
 * filesystem lets go of what it holds on the board's device (hostfs: its host file descriptors).
 * The page cache must have been written back and dropped first.
 */
export function umount_root(k: Kernel): void {
  const root = roots.get(k);
  if (root === undefined) return;
  for (const node of [...root.i_sb.s_inodes.values()]) {
    if (node === root) continue;
    root.i_sb.s_inodes.delete(node.i_ino);
    node.i_op.evict?.(k, node);
  }
}

/** The guest's root directory as a path. */
export function root_path(k: Kernel): path {
  let root = roots.get(k);
  if (root === undefined) roots.set(k, (root = empty_root(k)));
  return new path([], [root], null);
}

/** Linux: struct fs_struct: a task's root and working directory (fork copies it; CLONE_FS shares it). */
export class fs_struct {
  users = 1;
  constructor(public pwd: path, public umask: number = INIT_UMASK) {}
}

/** Linux: init_fs.umask, what every process starts with. */
export const INIT_UMASK = 0o022;

/** The task's file-creation mask (Linux: current_umask()). */
export function current_umask(task: task_struct): number {
  return task.fs?.umask ?? INIT_UMASK;
}

/** The task's working directory (the root until chdir). */
export function task_pwd(k: Kernel, task: task_struct): path {
  return task.fs?.pwd ?? root_path(k);
}

/**
 * Linux: lookup_one(): the name `name` in directory `dir`: procfs below /proc, the directory's
 * filesystem elsewhere. The inode comes back without a reference (the filesystem's cache holds it).
 */
function lookup_one(k: Kernel, task: task_struct, dir: path, name: string): path | number {
  const in_proc = dir.proc !== null || (dir.names.length === 0 && name === "proc");
  if (in_proc) {
    const names = [...dir.names.slice(1), ...(dir.names.length === 0 ? [] : [name])];
    const d = proc_lookup(k, task, names);
    if (typeof d === "number") return d;
    // The walk records procfs's own name for what it found: "self" is a link to "<pid>", so
    // "/proc/self" walks to "/proc/<pid>" (getcwd after chdir("/proc/self") says so, as on Linux).
    return dir.child(d.path.slice(d.path.lastIndexOf("/") + 1), null, d);
  }
  const node = dir.inode!;
  const lookup = node.i_op.lookup;
  if (lookup === undefined) return -ENOENT;
  const found = lookup(k, node, name);
  if (typeof found === "number") return found;
  found.i_count--; // borrowed: the inode cache keeps it while it has a name
  return dir.child(name, found, null);
}

/** How a walk treats the last component. */
export interface walk_flags {
  /** Follow a symbolic link in the last component (LOOKUP_FOLLOW); inner ones are always followed. */
  follow: boolean;
  /** The name must be a directory (LOOKUP_DIRECTORY; also a trailing "/"). */
  directory?: boolean;
}

/**
 * Linux: path_lookupat() = path_init() + link_path_walk() + walk_component() for every component:
 * resolve `name` from `start` (used for relative names; absolute ones start at the root). Returns
 * the path, or -ENOENT, -ENOTDIR (a non-directory used as one), -ENAMETOOLONG, -ELOOP.
 */
export function path_walk(k: Kernel, task: task_struct, start: path, name: string, flags: walk_flags, links = { n: 0 }): path | number {
  if (name === "") return -ENOENT;
  if (name.length >= PATH_MAX) return -ENAMETOOLONG;
  const components = name.split("/").filter((c) => c !== "");
  const must_be_dir = flags.directory === true || name.endsWith("/");
  let cur = name.startsWith("/") ? root_path(k) : start;
  for (let i = 0; i < components.length; i++) {
    const c = components[i]!;
    if (c.length > NAME_MAX) return -ENAMETOOLONG;
    if (!cur.is_dir) return -ENOTDIR;
    if (c === ".") continue;
    if (c === "..") {
      cur = cur.parent();
      continue;
    }
    const next = lookup_one(k, task, cur, c);
    if (typeof next === "number") return next;
    const last = i === components.length - 1;
    const node = next.inode;
    if (node !== null && S_ISLNK(node.i_mode) && (!last || flags.follow || must_be_dir)) {
      if (++links.n > MAXSYMLINKS) return -ELOOP;
      const target = node.i_op.readlink?.(k, node) ?? -ENOENT;
      if (typeof target === "number") return target;
      const resolved = path_walk(k, task, cur, target, { follow: true }, links);
      if (typeof resolved === "number") return resolved;
      cur = resolved;
      continue;
    }
    cur = next;
  }
  if (must_be_dir && !cur.is_dir) return -ENOTDIR;
  return cur;
}

/**
 * Linux: filename_parentat(): walk all but the last component of `name` and give the parent and the
 * last name (for create, mkdir, unlink, rename). A name ending in "." or ".." has no last name to
 * act on: the caller gets it as is and refuses (-EEXIST, -EINVAL, -ENOTEMPTY as the call says).
 */
export function path_parent(k: Kernel, task: task_struct, start: path, name: string): { dir: path; last: string } | number {
  if (name === "") return -ENOENT;
  if (name.length >= PATH_MAX) return -ENAMETOOLONG;
  const trimmed = name.replace(/\/+$/, "");
  if (trimmed === "") return { dir: root_path(k), last: "." }; // "/" itself
  const slash = trimmed.lastIndexOf("/");
  const last = trimmed.slice(slash + 1);
  if (last.length > NAME_MAX) return -ENAMETOOLONG;
  const dir_name = slash < 0 ? "." : slash === 0 ? "/" : trimmed.slice(0, slash);
  const dir = path_walk(k, task, start, dir_name, { follow: true, directory: true });
  if (typeof dir === "number") return dir;
  return { dir, last };
}
