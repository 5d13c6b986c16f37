// The name system calls on a host directory: getcwd, chdir, fchdir, mkdirat, unlinkat, renameat2,
// symlinkat, linkat, readlinkat, faccessat(2): each one's success (checked on the host afterwards)
// and Linux's errno for each mistake.

import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, E, F_OK, O_CREAT, O_DIRECTORY,
  O_RDONLY, O_RDWR, R_OK, RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT, Script, SYS, W_OK, X_OK,
} from "./fs-syscalls.helpers.js";
import { tempRootEach } from "../helpers/roots.js";

let root = "";
tempRootEach("vmos-fs-", (dir) => (root = dir));

const at = (...names: string[]): string => join(root, ...names);
const exists = (...names: string[]): boolean => {
  try {
    fs.lstatSync(at(...names));
    return true;
  } catch {
    return false;
  }
};

describe("getcwd, chdir and fchdir", () => {
  it("starts at /, follows chdir and fchdir, and returns the length with the NUL", () => {
    fs.mkdirSync(at("a/b"), { recursive: true });
    const s = new Script();
    const c0 = s.call(SYS.getcwd, s.buf("c0", 64), 64);
    const ch = s.call(SYS.chdir, s.str("a/./b/"));
    const c1 = s.call(SYS.getcwd, s.buf("c1", 64), 64);
    const up = s.call(SYS.chdir, s.str(".."));
    const c2 = s.call(SYS.getcwd, s.buf("c2", 64), 64);
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("/a/b"), O_RDONLY | O_DIRECTORY, 0);
    s.call(SYS.chdir, s.str("/"));
    const fch = s.call(SYS.fchdir, fd);
    const c3 = s.call(SYS.getcwd, s.buf("c3", 64), 64);
    const made = s.call(SYS.openat, AT_FDCWD, s.str("here"), O_CREAT | O_RDWR, 0o644);
    const r = s.run({ root });
    expect([r.res(c0), r.text("c0")]).toEqual([2, "/"]);
    expect([r.res(ch), r.res(c1), r.text("c1")]).toEqual([0, 5, "/a/b"]);
    expect([r.res(up), r.res(c2), r.text("c2")]).toEqual([0, 3, "/a"]);
    expect([r.res(fch), r.res(c3), r.text("c3")]).toEqual([0, 5, "/a/b"]);
    expect(r.res(made)).toBeGreaterThan(0);
    expect(exists("a/b/here")).toBe(true);
  });

  it("getcwd: ERANGE for a short buffer (size 0 too), EFAULT for a bad one, ENOENT once the cwd is removed", () => {
    fs.mkdirSync(at("d"));
    const s = new Script();
    s.call(SYS.chdir, s.str("d"));
    const short = s.call(SYS.getcwd, s.buf("b", 8), 2); // "/d\0" needs 3
    const zero = s.call(SYS.getcwd, s.buf("b"), 0);
    const exact = s.call(SYS.getcwd, s.buf("b"), 3);
    const fault = s.call(SYS.getcwd, 0x10, 64);
    s.call(SYS.unlinkat, AT_FDCWD, s.str("/d"), AT_REMOVEDIR);
    const gone = s.call(SYS.getcwd, s.buf("b"), 64);
    const mk = s.call(SYS.mkdirat, AT_FDCWD, s.str("x"), 0o755);
    const r = s.run({ root });
    expect([r.res(short), r.res(zero), r.res(exact), r.res(fault)]).toEqual([E.ERANGE, E.ERANGE, 3, E.EFAULT]);
    expect([r.res(gone), r.res(mk)]).toEqual([E.ENOENT, E.ENOENT]); // Linux: IS_DEADDIR
    expect(exists("d")).toBe(false);
  });

  it("chdir: ENOENT, ENOTDIR, ENOENT for an empty name, EFAULT; fchdir: EBADF, ENOTDIR", () => {
    fs.writeFileSync(at("f"), "x");
    const s = new Script();
    const res = [
      s.call(SYS.chdir, s.str("nope")),
      s.call(SYS.chdir, s.str("f")),
      s.call(SYS.chdir, s.str("f/")),
      s.call(SYS.chdir, s.str("")),
      s.call(SYS.chdir, 0x10),
      s.call(SYS.fchdir, 9),
      s.call(SYS.fchdir, 1), // the console
    ];
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDONLY, 0);
    const file = s.call(SYS.fchdir, fd);
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([E.ENOENT, E.ENOTDIR, E.ENOTDIR, E.ENOENT, E.EFAULT, E.EBADF, E.ENOTDIR]);
    expect(r.res(file)).toBe(E.ENOTDIR);
  });

  it("chdir into /proc/self names the pid, as Linux resolves the link", () => {
    const s = new Script();
    s.call(SYS.chdir, s.str("/proc/self"));
    s.call(SYS.getcwd, s.buf("c", 64), 64);
    const st = s.call(SYS.openat, AT_FDCWD, s.str("status"), O_RDONLY, 0);
    const r = s.run({ root });
    expect(r.text("c")).toBe("/proc/1");
    expect(r.res(st)).toBe(3);
  });

  it("a forked child starts in its parent's directory, and its chdir does not move the parent", () => {
    fs.mkdirSync(at("p/c"), { recursive: true });
    const s = new Script();
    s.call(SYS.chdir, s.str("p"));
    s.asm(`  li a0, 17\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n  li a7, ${SYS.clone}\n  ecall\n  bnez a0, 1f\n`
      + `  la a0, child_dir\n  li a7, ${SYS.chdir}\n  ecall\n`
      + `  li a0, ${AT_FDCWD}\n  la a1, child_file\n  li a2, ${O_CREAT | O_RDWR}\n  li a3, 0x1a4\n  li a7, ${SYS.openat}\n  ecall\n`
      + `  li a0, 0\n  li a7, ${SYS.exit}\n  ecall\n`
      + `  .data\nchild_dir: .asciz "c"\nchild_file: .asciz "from-child"\n  .text\n`
      + `1: li a0, 0\n  li a1, 0\n  la a2, b_info\n  li a3, 4\n  li a4, 0\n  li a7, ${SYS.waitid}\n  ecall\n`);
    s.buf("info", 128);
    s.call(SYS.openat, AT_FDCWD, s.str("from-parent"), O_CREAT | O_RDWR, 0o644);
    s.call(SYS.getcwd, s.buf("c", 64), 64);
    const r = s.run({ root });
    expect(r.text("c")).toBe("/p");
    expect(exists("p/c/from-child")).toBe(true);
    expect(exists("p/from-parent")).toBe(true);
  });
});

describe("mkdirat", () => {
  it("makes a directory with the mode less the umask 022, relative to the cwd or a dirfd", () => {
    fs.mkdirSync(at("base"));
    const s = new Script();
    const a = s.call(SYS.mkdirat, AT_FDCWD, s.str("d1"), 0o777);
    const dfd = s.call(SYS.openat, AT_FDCWD, s.str("base"), O_RDONLY | O_DIRECTORY, 0);
    const b = s.call(SYS.mkdirat, dfd, s.str("d2/"), 0o700);
    const c = s.call(SYS.mkdirat, dfd, s.str("/d3"), 0o755); // absolute: dirfd ignored
    const r = s.run({ root });
    expect([r.res(a), r.res(b), r.res(c)]).toEqual([0, 0, 0]);
    expect(fs.statSync(at("d1")).isDirectory()).toBe(true);
    expect(fs.statSync(at("d1")).mode & 0o777).toBe(0o755);
    expect(fs.statSync(at("base/d2")).mode & 0o777).toBe(0o700);
    expect(fs.statSync(at("d3")).isDirectory()).toBe(true);
  });

  it("EEXIST (a file, a dangling link, '.', '..', '/', /proc), ENOENT, ENOTDIR, ENAMETOOLONG, EBADF", () => {
    fs.writeFileSync(at("f"), "");
    fs.symlinkSync("nowhere", at("dangling"));
    const s = new Script();
    const names: [string, number][] = [
      ["f", E.EEXIST], ["dangling", E.EEXIST], [".", E.EEXIST], ["..", E.EEXIST], ["/", E.EEXIST], ["/proc", E.EEXIST],
      ["a/b", E.ENOENT], ["f/x", E.ENOTDIR], ["", E.ENOENT], ["/proc/x", E.ENOENT], ["/proc/self/x", E.ENOENT],
      ["n".repeat(256), E.ENAMETOOLONG],
    ];
    const res = names.map(([n]) => s.call(SYS.mkdirat, AT_FDCWD, s.str(n), 0o755));
    const badfd = s.call(SYS.mkdirat, 7, s.str("x"), 0o755);
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual(names.map(([, e]) => e));
    expect(r.res(badfd)).toBe(E.EBADF);
    expect(fs.readdirSync(root).sort()).toEqual(["dangling", "f"]);
  });

  it("EROFS on the empty root of a machine without a host directory", () => {
    const s = new Script();
    const m = s.call(SYS.mkdirat, AT_FDCWD, s.str("x"), 0o755);
    const u = s.call(SYS.faccessat, AT_FDCWD, s.str("/"), W_OK);
    const r = s.run();
    expect([r.res(m), r.res(u)]).toEqual([E.EROFS, E.EROFS]);
  });
});

describe("unlinkat", () => {
  it("removes files, links (not their targets) and, with AT_REMOVEDIR, empty directories", () => {
    fs.writeFileSync(at("f"), "x");
    fs.writeFileSync(at("target"), "t");
    fs.symlinkSync("target", at("link"));
    fs.mkdirSync(at("d"));
    fs.mkdirSync(at("e"));
    const s = new Script();
    const res = [
      s.call(SYS.unlinkat, AT_FDCWD, s.str("f"), 0),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("link"), 0),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("d"), AT_REMOVEDIR),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("e/"), AT_REMOVEDIR),
    ];
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([0, 0, 0, 0]);
    expect(fs.readdirSync(root)).toEqual(["target"]);
  });

  it("fails as Linux: EISDIR, ENOTDIR, ENOTEMPTY, EINVAL, EBUSY, EPERM in /proc, ENOENT", () => {
    fs.writeFileSync(at("f"), "x");
    fs.mkdirSync(at("d/sub"), { recursive: true });
    fs.mkdirSync(at("empty"));
    fs.symlinkSync("empty", at("dirlink"));
    const s = new Script();
    const cases: [string, number, number][] = [
      ["d", 0, E.EISDIR], ["empty", 0, E.EISDIR], [".", 0, E.EISDIR], ["..", 0, E.EISDIR], ["/", 0, E.EISDIR],
      ["f/", 0, E.ENOTDIR], ["dirlink/", 0, E.ENOTDIR], ["nope", 0, E.ENOENT], ["nope/", 0, E.ENOENT],
      ["f", AT_REMOVEDIR, E.ENOTDIR], ["dirlink", AT_REMOVEDIR, E.ENOTDIR], ["d", AT_REMOVEDIR, E.ENOTEMPTY],
      [".", AT_REMOVEDIR, E.EINVAL], ["empty/.", AT_REMOVEDIR, E.EINVAL], ["..", AT_REMOVEDIR, E.ENOTEMPTY],
      ["/", AT_REMOVEDIR, E.EBUSY], ["/proc", AT_REMOVEDIR, E.EBUSY], ["/proc", 0, E.EISDIR],
      ["/proc/meminfo", 0, E.EPERM], ["/proc/self", 0, E.EPERM], ["/proc/1", AT_REMOVEDIR, E.EPERM],
      ["/proc/self", AT_REMOVEDIR, E.ENOTDIR], ["/proc/meminfo", AT_REMOVEDIR, E.ENOTDIR], ["f", 0x100, E.EINVAL],
      ["f/x", 0, E.ENOTDIR], ["", 0, E.ENOENT],
    ];
    const res = cases.map(([n, flags]) => s.call(SYS.unlinkat, AT_FDCWD, s.str(n), flags));
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual(cases.map(([, , e]) => e));
    expect(fs.readdirSync(root).sort()).toEqual(["d", "dirlink", "empty", "f"]);
  });

  it("an open file keeps its data, for reading and writing, after its name is gone", () => {
    fs.writeFileSync(at("f"), "hello");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDWR, 0);
    const un = s.call(SYS.unlinkat, AT_FDCWD, s.str("f"), 0);
    const rd = s.call(SYS.read, fd, s.buf("data", 16), 16);
    const wr = s.call(SYS.write, fd, s.str("!"), 1);
    const again = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDONLY, 0);
    const r = s.run({ root });
    expect([r.res(un), r.res(rd), r.text("data"), r.res(wr), r.res(again)]).toEqual([0, 5, "hello", 1, E.ENOENT]);
    expect(exists("f")).toBe(false);
  });
});

describe("renameat2", () => {
  it("moves files and directories, replaces a file and an empty directory, follows dirfds", () => {
    fs.writeFileSync(at("a"), "A");
    fs.writeFileSync(at("b"), "B");
    fs.mkdirSync(at("dir/inner"), { recursive: true });
    fs.writeFileSync(at("dir/inner/x"), "X");
    fs.mkdirSync(at("emptydir"));
    fs.mkdirSync(at("to"));
    const s = new Script();
    const dfd = s.call(SYS.openat, AT_FDCWD, s.str("to"), O_RDONLY | O_DIRECTORY, 0);
    const res = [
      s.call(SYS.renameat2, AT_FDCWD, s.str("a"), AT_FDCWD, s.str("b"), 0), // replaces b
      s.call(SYS.renameat2, AT_FDCWD, s.str("dir"), AT_FDCWD, s.str("emptydir"), 0), // replaces an empty dir
      s.call(SYS.renameat2, AT_FDCWD, s.str("emptydir/"), dfd, s.str("moved/"), 0),
      s.call(SYS.renameat2, AT_FDCWD, s.str("b"), AT_FDCWD, s.str("b"), 0), // itself: nothing
    ];
    const rd = s.call(SYS.openat, AT_FDCWD, s.str("/to/moved/inner/x"), O_RDONLY, 0);
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([0, 0, 0, 0]);
    expect(r.res(rd)).toBeGreaterThan(0);
    expect(fs.readdirSync(root).sort()).toEqual(["b", "to"]);
    expect(fs.readFileSync(at("b"), "utf8")).toBe("A");
    expect(fs.readFileSync(at("to/moved/inner/x"), "utf8")).toBe("X");
  });

  it("RENAME_NOREPLACE: EEXIST if the target exists, a plain move otherwise", () => {
    fs.writeFileSync(at("a"), "A");
    fs.writeFileSync(at("b"), "B");
    const s = new Script();
    const no = s.call(SYS.renameat2, AT_FDCWD, s.str("a"), AT_FDCWD, s.str("b"), RENAME_NOREPLACE);
    const yes = s.call(SYS.renameat2, AT_FDCWD, s.str("a"), AT_FDCWD, s.str("c"), RENAME_NOREPLACE);
    const dot = s.call(SYS.renameat2, AT_FDCWD, s.str("b"), AT_FDCWD, s.str("."), RENAME_NOREPLACE);
    const r = s.run({ root });
    expect([r.res(no), r.res(yes), r.res(dot)]).toEqual([E.EEXIST, 0, E.EEXIST]);
    expect(fs.readFileSync(at("b"), "utf8")).toBe("B");
    expect(fs.readFileSync(at("c"), "utf8")).toBe("A");
  });

  it("fails as Linux: EINVAL, EXDEV, EBUSY, ENOTDIR, EISDIR, ENOTEMPTY, ENOENT", () => {
    fs.writeFileSync(at("f"), "F");
    fs.writeFileSync(at("g"), "G");
    fs.mkdirSync(at("d/sub/deeper"), { recursive: true });
    fs.mkdirSync(at("full/x"), { recursive: true });
    const s = new Script();
    const cases: [string, string, number, number][] = [
      ["f", "g", RENAME_EXCHANGE, E.EINVAL], ["f", "g", RENAME_WHITEOUT, E.EINVAL], ["f", "g", 8, E.EINVAL],
      ["f", "g", RENAME_EXCHANGE | RENAME_NOREPLACE, E.EINVAL],
      ["d", "d/sub/new", 0, E.EINVAL], ["d", "d/new", 0, E.EINVAL], ["d/sub", "d/sub/deeper/x", 0, E.EINVAL],
      ["d/sub/deeper", "d", 0, E.ENOTEMPTY], // onto an ancestor
      ["/proc/meminfo", "m", 0, E.EXDEV], ["f", "/proc/f", 0, E.EXDEV], ["/proc/1", "/proc/x", 0, E.ENOENT],
      ["/proc/meminfo", "/proc/vmstat", 0, E.EPERM],
      ["/proc", "p", 0, E.EBUSY], ["d", "/proc", 0, E.EBUSY], ["f", "/proc", 0, E.EISDIR],
      [".", "x", 0, E.EBUSY], ["..", "x", 0, E.EBUSY], ["/", "x", 0, E.EBUSY], ["f", "..", 0, E.EBUSY],
      ["d", "f", 0, E.ENOTDIR], ["f", "d", 0, E.EISDIR], ["d", "full", 0, E.ENOTEMPTY],
      ["f/", "h", 0, E.ENOTDIR], ["f", "h/", 0, E.ENOTDIR], ["nope", "h", 0, E.ENOENT], ["f", "no/h", 0, E.ENOENT],
      ["f", "g/h", 0, E.ENOTDIR], ["", "h", 0, E.ENOENT],
    ];
    const res = cases.map(([a, b, flags]) => s.call(SYS.renameat2, AT_FDCWD, s.str(a), AT_FDCWD, s.str(b), flags));
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual(cases.map(([, , , e]) => e));
    expect(fs.readdirSync(root).sort()).toEqual(["d", "f", "full", "g"]);
    expect(fs.readFileSync(at("g"), "utf8")).toBe("G");
  });

  it("a file open before a rename is still the same file after it; the old name is gone", () => {
    fs.writeFileSync(at("a"), "data");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("a"), O_RDWR, 0);
    s.call(SYS.renameat2, AT_FDCWD, s.str("a"), AT_FDCWD, s.str("b"), 0);
    const w = s.call(SYS.write, fd, s.str("DA"), 2);
    const old = s.call(SYS.openat, AT_FDCWD, s.str("a"), O_RDONLY, 0);
    const r = s.run({ root });
    expect([r.res(w), r.res(old)]).toEqual([2, E.ENOENT]);
    expect(fs.readFileSync(at("b"), "utf8")).toBe("DAta");
  });
});

describe("symlinkat, linkat and readlinkat", () => {
  it("makes links the guest resolves, reads them back, and counts hard links", () => {
    fs.writeFileSync(at("file"), "content");
    const s = new Script();
    const sl = s.call(SYS.symlinkat, s.str("file"), AT_FDCWD, s.str("soft"));
    const abs = s.call(SYS.symlinkat, s.str("/file"), AT_FDCWD, s.str("abs"));
    const hl = s.call(SYS.linkat, AT_FDCWD, s.str("file"), AT_FDCWD, s.str("hard"), 0);
    const rl = s.call(SYS.readlinkat, AT_FDCWD, s.str("abs"), s.buf("target", 64), 64);
    const trunc = s.call(SYS.readlinkat, AT_FDCWD, s.str("soft"), s.buf("short", 8), 2);
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("abs"), O_RDONLY, 0);
    const rd = s.call(SYS.read, fd, s.buf("data", 16), 16);
    // A hard link to the link itself (no AT_SYMLINK_FOLLOW), and one to its target.
    const ll = s.call(SYS.linkat, AT_FDCWD, s.str("soft"), AT_FDCWD, s.str("soft2"), 0);
    const lf = s.call(SYS.linkat, AT_FDCWD, s.str("soft"), AT_FDCWD, s.str("hard2"), AT_SYMLINK_FOLLOW);
    const r = s.run({ root });
    expect([r.res(sl), r.res(abs), r.res(hl), r.res(ll), r.res(lf)]).toEqual([0, 0, 0, 0, 0]);
    expect([r.res(rl), r.text("target")]).toEqual([5, "/file"]);
    expect([r.res(trunc), r.text("short")]).toEqual([2, "fi"]);
    expect([r.res(rd), r.text("data")]).toEqual([7, "content"]);
    expect(fs.readlinkSync(at("soft"))).toBe("file");
    expect(fs.lstatSync(at("soft2")).isSymbolicLink()).toBe(true);
    expect(fs.statSync(at("file")).nlink).toBe(3);
    expect(fs.statSync(at("hard")).ino).toBe(fs.statSync(at("file")).ino);
  });

  it("a hard link keeps the data when the first name goes", () => {
    fs.writeFileSync(at("a"), "one");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("a"), O_RDONLY, 0);
    s.call(SYS.linkat, AT_FDCWD, s.str("a"), AT_FDCWD, s.str("b"), 0);
    s.call(SYS.unlinkat, AT_FDCWD, s.str("a"), 0);
    const fd2 = s.call(SYS.openat, AT_FDCWD, s.str("b"), O_RDWR, 0);
    const w = s.call(SYS.write, fd2, s.str("ONE"), 3);
    const rd = s.call(SYS.read, fd, s.buf("d", 8), 8);
    const r = s.run({ root });
    expect([r.res(w), r.res(rd), r.text("d")]).toEqual([3, 3, "ONE"]);
    expect(fs.readFileSync(at("b"), "utf8")).toBe("ONE");
  });

  it("linkat with AT_EMPTY_PATH links the open file; errors: EPERM, EXDEV, EEXIST, ENOENT, EINVAL", () => {
    fs.writeFileSync(at("f"), "x");
    fs.mkdirSync(at("d"));
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDONLY, 0);
    const empty = s.call(SYS.linkat, fd, s.str(""), AT_FDCWD, s.str("viafd"), AT_EMPTY_PATH);
    const res = [
      s.call(SYS.linkat, AT_FDCWD, s.str("d"), AT_FDCWD, s.str("d2"), 0),
      s.call(SYS.linkat, AT_FDCWD, s.str("/proc/meminfo"), AT_FDCWD, s.str("m"), 0),
      s.call(SYS.linkat, AT_FDCWD, s.str("f"), AT_FDCWD, s.str("/proc/f"), 0),
      s.call(SYS.linkat, AT_FDCWD, s.str("f"), AT_FDCWD, s.str("d"), 0),
      s.call(SYS.linkat, AT_FDCWD, s.str("nope"), AT_FDCWD, s.str("n"), 0),
      s.call(SYS.linkat, AT_FDCWD, s.str("f"), AT_FDCWD, s.str("new/"), 0),
      s.call(SYS.linkat, AT_FDCWD, s.str("f"), AT_FDCWD, s.str("g"), 0x100),
      s.call(SYS.linkat, fd, s.str(""), AT_FDCWD, s.str("noflag"), 0),
      s.call(SYS.linkat, 1, s.str(""), AT_FDCWD, s.str("console"), AT_EMPTY_PATH),
    ];
    const r = s.run({ root });
    expect(r.res(empty)).toBe(0);
    expect(res.map((x) => r.res(x))).toEqual([E.EPERM, E.EXDEV, E.ENOENT, E.EEXIST, E.ENOENT, E.ENOENT, E.EINVAL, E.ENOENT, E.EXDEV]);
    expect(fs.readdirSync(root).sort()).toEqual(["d", "f", "viafd"]);
  });

  it("symlinkat: EEXIST, ENOENT (empty target, missing directory, /proc), any text as target", () => {
    fs.writeFileSync(at("f"), "x");
    const s = new Script();
    const res = [
      s.call(SYS.symlinkat, s.str("x"), AT_FDCWD, s.str("f")),
      s.call(SYS.symlinkat, s.str(""), AT_FDCWD, s.str("e")),
      s.call(SYS.symlinkat, s.str("x"), AT_FDCWD, s.str("no/l")),
      s.call(SYS.symlinkat, s.str("x"), AT_FDCWD, s.str("/proc/l")),
      s.call(SYS.symlinkat, s.str("x"), AT_FDCWD, s.str("l/")),
      s.call(SYS.symlinkat, s.str("../../../../etc/passwd"), AT_FDCWD, s.str("odd")),
    ];
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([E.EEXIST, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, 0]);
    expect(fs.readlinkSync(at("odd"))).toBe("../../../../etc/passwd");
  });

  it("readlinkat: EINVAL for a non-link or bufsiz <= 0, ENOENT for '', /proc/self reads as the pid", () => {
    fs.writeFileSync(at("f"), "x");
    fs.symlinkSync("f", at("l"));
    const s = new Script();
    const res = [
      s.call(SYS.readlinkat, AT_FDCWD, s.str("f"), s.buf("b", 64), 64),
      s.call(SYS.readlinkat, AT_FDCWD, s.str("l"), s.buf("b"), 0),
      s.call(SYS.readlinkat, AT_FDCWD, s.str("l"), s.buf("b"), -1),
      s.call(SYS.readlinkat, AT_FDCWD, s.str(""), s.buf("b"), 64),
      s.call(SYS.readlinkat, AT_FDCWD, s.str("nope"), s.buf("b"), 64),
      s.call(SYS.readlinkat, AT_FDCWD, s.str("l"), 0x10, 64),
      s.call(SYS.readlinkat, AT_FDCWD, s.str("/proc/self/"), s.buf("b"), 64),
    ];
    const self = s.call(SYS.readlinkat, AT_FDCWD, s.str("/proc/self"), s.buf("pid", 16), 16);
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([E.EINVAL, E.EINVAL, E.EINVAL, E.ENOENT, E.ENOENT, E.EFAULT, E.EINVAL]);
    expect([r.res(self), r.text("pid")]).toEqual([1, "1"]);
  });
});

describe("faccessat and faccessat2", () => {
  it("answers as for root: everything but X_OK on a file without an execute bit", () => {
    fs.writeFileSync(at("plain"), "x", { mode: 0o644 });
    fs.writeFileSync(at("tool"), "x", { mode: 0o700 });
    fs.chmodSync(at("tool"), 0o700);
    fs.mkdirSync(at("d"), { mode: 0o600 });
    fs.symlinkSync("plain", at("l"));
    const s = new Script();
    const cases: [string, number, number, number][] = [
      ["plain", F_OK, 0, 0], ["plain", R_OK | W_OK, 0, 0], ["plain", X_OK, 0, E.EACCES], ["tool", X_OK, 0, 0],
      ["d", X_OK | W_OK, 0, 0], ["nope", F_OK, 0, E.ENOENT], ["plain", 8, 0, E.EINVAL],
      ["/proc/meminfo", R_OK, 0, 0], ["/proc/meminfo", X_OK, 0, E.EACCES], ["/proc/self", X_OK, 0, 0],
      ["l", X_OK, AT_SYMLINK_NOFOLLOW, 0], ["l", X_OK, 0, E.EACCES], ["plain", F_OK, 0x8000, E.EINVAL],
      ["", F_OK, 0, E.ENOENT], ["", X_OK, AT_EMPTY_PATH, 0],
    ];
    const res = cases.map(([n, mode, flags]) => s.call(SYS.faccessat2, AT_FDCWD, s.str(n), mode, flags));
    const old = s.call(SYS.faccessat, AT_FDCWD, s.str("tool"), X_OK);
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual(cases.map(([, , , e]) => e));
    expect(r.res(old)).toBe(0);
  });
});
