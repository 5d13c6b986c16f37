// The board's file device: a directory of the host exported to the guest, as QEMU exports one with
// virtio-9p or virtiofs. The kernel's filesystem driver (kernel/fs/hostfs.ts) talks to it in 9P's
// terms: a handle ("fid") per file it has looked up, walked one name at a time from the root, and
// operations on handles. The device is where the guest's world ends:
//   - a name is one path component: never "", ".", ".." or anything with a "/": the kernel resolves
//     those itself, and ".." at the root stays at the root;
//   - nothing is followed on the host: lookups use lstat, a symbolic link is reported as a link and
//     the kernel decides (resolving its target inside the guest's root), files open with O_NOFOLLOW;
//   - before touching a host path, the device checks that the directory it lies in still resolves
//     inside the root, and before listing a directory, that the directory itself does (a directory
//     swapped for a link behind the guest's back cannot lead out).
// Errors come back as negative Linux errno values.

import * as fs from "node:fs";
import { join, sep } from "node:path";

export type HostFileType = "file" | "dir" | "symlink" | "other";

/** What the device knows of a file (9P: a qid plus Rgetattr). Times are nanoseconds since 1970. */
export interface HostAttr {
  type: HostFileType;
  /** Permission bits (0o7777). */
  perm: number;
  size: number;
  nlink: number;
  /** The host's inode number: the file's identity, also what the guest sees as st_ino. */
  ino: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface HostDirent {
  name: string;
  type: HostFileType;
  ino: number;
}

const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EACCES: 13, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENOTDIR: 20,
  EISDIR: 21, EINVAL: 22, EFBIG: 27, ENOSPC: 28, EROFS: 30, EMLINK: 31, ENAMETOOLONG: 36,
  ENOTEMPTY: 39, ELOOP: 40,
};
const ENOENT = 2, EIO = 5, EINVAL = 22, EROFS = 30;

/** A host error as -errno (EIO for anything without a Linux equivalent). */
function errnoOf(err: unknown): number {
  const code = (err as NodeJS.ErrnoException).code;
  return -(code !== undefined ? ERRNO[code] ?? EIO : EIO);
}

function typeOf(st: fs.Stats | fs.BigIntStats | fs.Dirent): HostFileType {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "dir";
  if (st.isSymbolicLink()) return "symlink";
  return "other";
}

function attrOf(st: fs.BigIntStats): HostAttr {
  return {
    type: typeOf(st), perm: Number(st.mode & 0o7777n), size: Number(st.size), nlink: Number(st.nlink),
    ino: Number(st.ino), atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs,
  };
}

/** One looked-up file: where it is now (relative to the root), and its open host descriptor, if any. */
interface Fid {
  rel: string;
  fd: number | null;
  writable: boolean;
  /** The name is gone from the host (unlinked); only an open descriptor still reaches the data. */
  unlinked: boolean;
}

/** Bytes moved to or from the host, and calls made: the device's counters. */
export interface HostDirStats {
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
}

/** The exported directory. Handle 1 is the root; a handle stays valid until forget(). */
export class HostDir {
  readonly root: string;
  readonly stats: HostDirStats = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0 };
  private readonly fids = new Map<number, Fid>();
  private nextFid = 2;

  /**
   * Throws (a host error) if `root` is not a directory. `readOnly`: every change is -EROFS, as on a
   * filesystem mounted ro (OPT's recording run uses it, so that running a program twice writes nothing twice).
   */
  constructor(root: string, readonly readOnly = false) {
    this.root = fs.realpathSync(root);
    if (!fs.statSync(this.root).isDirectory()) throw new Error(`${root}: not a directory`);
    this.fids.set(1, { rel: "", fd: null, writable: false, unlinked: false });
  }

  static readonly ROOT = 1;

  /** The host path of `rel`, after checking its directory still resolves inside the root. */
  private hostPath(rel: string): string | number {
    const path = rel === "" ? this.root : join(this.root, rel);
    const inside = this.inside(rel === "" ? this.root : join(path, ".."));
    return inside < 0 ? inside : path;
  }

  /** 0 if the host path `path` resolves (links followed) to the root or below, else -errno. */
  private inside(path: string): number {
    try {
      const real = fs.realpathSync(path);
      return real === this.root || real.startsWith(this.root + sep) ? 0 : -ENOENT;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /**
   * The file behind handle `h`. A handle the kernel has forgotten names a file it let go of (its
   * last name removed, the directory gone): -ENOENT, what the guest should see for that name.
   */
  private fid(h: number): Fid | number {
    return this.fids.get(h) ?? -ENOENT;
  }

  private static validName(name: string): boolean {
    return name !== "" && name !== "." && name !== ".." && !name.includes("/") && !name.includes("\0");
  }

  private child(dir: Fid, name: string): string {
    return dir.rel === "" ? name : `${dir.rel}/${name}`;
  }

  /** 9P walk: the file `name` in directory `dir`, as a new handle, or -errno (ENOENT, ENOTDIR...). */
  lookup(dir: number, name: string): { handle: number; attr: HostAttr } | number {
    const d = this.fid(dir);
    if (typeof d === "number") return d;
    if (!HostDir.validName(name)) return -EINVAL;
    const rel = this.child(d, name);
    const path = this.hostPath(rel);
    if (typeof path === "number") return path;
    try {
      const attr = attrOf(fs.lstatSync(path, { bigint: true }));
      const handle = this.nextFid++;
      this.fids.set(handle, { rel, fd: null, writable: false, unlinked: false });
      return { handle, attr };
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** 9P getattr: the file's attributes now. */
  getattr(h: number): HostAttr | number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    try {
      if (f.fd !== null) return attrOf(fs.fstatSync(f.fd, { bigint: true }));
      const path = this.hostPath(f.rel);
      return typeof path === "number" ? path : attrOf(fs.lstatSync(path, { bigint: true }));
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** The target of a symbolic link, as written (the kernel resolves it inside the guest's root). */
  readlink(h: number): string | number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    const path = this.hostPath(f.rel);
    if (typeof path === "number") return path;
    try {
      return fs.readlinkSync(path, "utf8");
    } catch (err) {
      return errnoOf(err);
    }
  }

  /**
   * Open the host file behind `h` for I/O (9P: lopen), for writing too if `write`. Kept open until
   * forget(), so a file the guest unlinked stays readable through it, as on Linux.
   */
  open(h: number, write: boolean): number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    if (f.fd !== null && (f.writable || !write)) return 0;
    if (write && this.readOnly) return -EROFS;
    if (f.unlinked) return -ENOENT;
    const path = this.hostPath(f.rel);
    if (typeof path === "number") return path;
    try {
      const flags = (write ? fs.constants.O_RDWR : fs.constants.O_RDONLY) | fs.constants.O_NOFOLLOW;
      const fd = fs.openSync(path, flags);
      if (f.fd !== null) fs.closeSync(f.fd);
      f.fd = fd;
      f.writable = write;
      return 0;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** Read into `dst` from offset `pos`; returns the bytes read (short at end of file) or -errno. */
  read(h: number, pos: number, dst: Uint8Array): number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    if (f.fd === null) {
      const r = this.open(h, false);
      if (r < 0) return r;
    }
    try {
      let n = 0;
      while (n < dst.length) {
        const got = fs.readSync(f.fd!, dst, n, dst.length - n, pos + n);
        if (got === 0) break;
        n += got;
      }
      this.stats.reads++;
      this.stats.bytesRead += n;
      return n;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** Write all of `src` at offset `pos`; returns its length or -errno. */
  write(h: number, pos: number, src: Uint8Array): number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    const r = this.open(h, true);
    if (r < 0) return r;
    try {
      let n = 0;
      while (n < src.length) n += fs.writeSync(f.fd!, src, n, src.length - n, pos + n);
      this.stats.writes++;
      this.stats.bytesWritten += n;
      return n;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** Set the file's size (9P: setattr with a size). */
  truncate(h: number, size: number): number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    const r = this.open(h, true);
    if (r < 0) return r;
    try {
      fs.ftruncateSync(f.fd!, size);
      return 0;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** Flush the host file to its disk (9P: fsync). */
  fsync(h: number): number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    if (f.fd === null) return 0;
    try {
      fs.fsyncSync(f.fd);
      return 0;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /**
   * The checks every operation on a name makes -- a live handle for the directory, one valid path
   * component, a directory that still resolves inside the root -- then `op` on the name's host
   * path (and its path relative to the root). Returns 0, or -errno from a check or from the host.
   */
  private atName(dir: number, name: string, op: (path: string, rel: string) => void): number {
    const d = this.fid(dir);
    if (typeof d === "number") return d;
    if (!HostDir.validName(name)) return -EINVAL;
    const rel = this.child(d, name);
    const path = this.hostPath(rel);
    if (typeof path === "number") return path;
    try {
      op(path, rel);
      return 0;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** Create the regular file `name` in `dir` (9P: lcreate); -EEXIST if the name exists. */
  create(dir: number, name: string, perm: number): { handle: number; attr: HostAttr } | number {
    if (this.readOnly) return -EROFS;
    const { O_CREAT, O_EXCL, O_RDWR, O_NOFOLLOW } = fs.constants;
    const r = this.atName(dir, name, (path) => fs.closeSync(fs.openSync(path, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW, perm & 0o7777)));
    return r < 0 ? r : this.lookup(dir, name);
  }


  /** Make the directory `name` in `dir`. */
  mkdir(dir: number, name: string, perm: number): number {
    if (this.readOnly) return -EROFS;
    return this.atName(dir, name, (path) => fs.mkdirSync(path, { mode: perm & 0o7777 }));
  }


  /**
   * Make the symbolic link `name` in `dir` holding `target` as written (9P: symlink). The host never
   * follows it: the kernel resolves the target itself, inside the guest's root.
   */
  symlink(dir: number, name: string, target: string): number {
    if (target.includes("\0")) return -EINVAL;
    if (this.readOnly) return -EROFS;
    return this.atName(dir, name, (path) => fs.symlinkSync(target, path));
  }


  /**
   * Give the file behind `h` a second name `name` in `dir` (9P: link). The host's link(2) does not
   * follow a symbolic link at `h`: a link to a link is a second link, never a link to its target.
   */
  link(h: number, dir: number, name: string): number {
    if (this.readOnly) return -EROFS;
    const f = this.fid(h), d = this.fid(dir);
    if (typeof f === "number") return f;
    if (typeof d === "number") return d;
    if (f.unlinked) return -ENOENT;
    if (!HostDir.validName(name)) return -EINVAL;
    const from = this.hostPath(f.rel), to = this.hostPath(this.child(d, name));
    if (typeof from === "number") return from;
    if (typeof to === "number") return to;
    try {
      fs.linkSync(from, to);
      return 0;
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** Remove the name `name` from `dir`: a directory (rmdir) if `isDir`, else a non-directory. */
  unlink(dir: number, name: string, isDir: boolean): number {
    if (this.readOnly) return -EROFS;
    let gone = "";
    const r = this.atName(dir, name, (path, rel) => {
      if (isDir) fs.rmdirSync(path);
      else {
        this.keepOpen(rel);
        fs.unlinkSync(path);
      }
      gone = rel;
    });
    if (r === 0) for (const f of this.fids.values()) if (f.rel === gone) f.unlinked = true;
    return r;
  }


  /**
   * The name `rel` is about to go: every handle on it opens a host descriptor now (read-write if the
   * host lets it), since afterwards nothing but a descriptor reaches the data. This is what keeps a
   * file the guest still has open, or that has another name, readable and writable, as on Linux.
   */
  private keepOpen(rel: string): void {
    for (const f of this.fids.values()) {
      if (f.rel !== rel || f.writable) continue;
      const path = this.hostPath(rel);
      if (typeof path === "number") return;
      for (const write of f.fd === null ? [true, false] : [true]) {
        try {
          const fd = fs.openSync(path, (write ? fs.constants.O_RDWR : fs.constants.O_RDONLY) | fs.constants.O_NOFOLLOW);
          if (f.fd !== null) fs.closeSync(f.fd);
          f.fd = fd;
          f.writable = write;
          break;
        } catch {
          // a directory, a link or a file the host will not open for writing: read-only, or as it was
        }
      }
    }
  }

  /** Rename `oldDir/oldName` to `newDir/newName`, replacing a target as rename(2) does. */
  rename(oldDir: number, oldName: string, newDir: number, newName: string): number {
    if (this.readOnly) return -EROFS;
    const od = this.fid(oldDir), nd = this.fid(newDir);
    if (typeof od === "number") return od;
    if (typeof nd === "number") return nd;
    if (!HostDir.validName(oldName) || !HostDir.validName(newName)) return -EINVAL;
    const oldRel = this.child(od, oldName), newRel = this.child(nd, newName);
    const from = this.hostPath(oldRel), to = this.hostPath(newRel);
    if (typeof from === "number") return from;
    if (typeof to === "number") return to;
    this.keepOpen(newRel);
    try {
      fs.renameSync(from, to);
    } catch (err) {
      return errnoOf(err);
    }
    // Handles follow their file: the moved one and everything below it (9P fids name files, not paths).
    for (const f of this.fids.values()) {
      if (f.rel === newRel) f.unlinked = true;
      if (f.rel === oldRel) f.rel = newRel;
      else if (f.rel.startsWith(`${oldRel}/`)) f.rel = newRel + f.rel.slice(oldRel.length);
    }
    return 0;
  }

  /** The entries of directory `h`, sorted by name so listings are the same on every host. */
  readdir(h: number): HostDirent[] | number {
    const f = this.fid(h);
    if (typeof f === "number") return f;
    const path = this.hostPath(f.rel);
    if (typeof path === "number") return path;
    // Listing follows a link where the directory was, so the directory itself must resolve inside too
    // (the host may have swapped it for a link since the kernel looked it up).
    const inside = this.inside(path);
    if (inside < 0) return inside;
    try {
      const out: HostDirent[] = [];
      for (const e of fs.readdirSync(path, { withFileTypes: true })) {
        let ino = 0;
        try {
          ino = Number(fs.lstatSync(join(path, e.name), { bigint: true }).ino);
        } catch {
          continue; // gone while listing
        }
        out.push({ name: e.name, type: typeOf(e), ino });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      return errnoOf(err);
    }
  }

  /** 9P clunk: the kernel is done with `h`; its host descriptor closes. The root is never forgotten. */
  forget(h: number): void {
    const f = this.fids.get(h);
    if (f === undefined || h === HostDir.ROOT) return;
    if (f.fd !== null) fs.closeSync(f.fd);
    this.fids.delete(h);
  }

  /** Handles currently held (for tests: every one the kernel took must come back). */
  get openHandles(): number {
    return this.fids.size - 1;
  }
}
