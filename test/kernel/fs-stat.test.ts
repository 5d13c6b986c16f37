// statx and getdents64: struct statx and struct linux_dirent64 byte for byte, for host files, links,
// directories, /proc, the console and pipes, with Linux's errors.

import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, dirents, E, O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR, Script, statx, SYS,
} from "./fs-syscalls.helpers.js";
import { tempRootEach } from "../helpers/roots.js";

let root = "";
tempRootEach("vmos-stat-", (dir) => (root = dir));

const at = (name: string): string => join(root, name);
const S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;
const STATX_MASK = 0x7ff | 0x1000; // STATX_BASIC_STATS | STATX_MNT_ID, as Linux 5.15 on a filesystem without btime
const MOUNT_ROOT = 0x2000n;

describe("statx", () => {
  it("describes a host file as the host does: type, mode, size, blocks, links, inode, times", () => {
    fs.writeFileSync(at("f"), "x".repeat(5000), { mode: 0o640 });
    fs.chmodSync(at("f"), 0o640);
    fs.linkSync(at("f"), at("g"));
    const host = fs.statSync(at("f"), { bigint: true });
    const s = new Script();
    const ok = s.call(SYS.statx, AT_FDCWD, s.str("f"), 0, 0x7ff, s.buf("st", 256));
    const r = s.run({ root });
    expect(r.res(ok)).toBe(0);
    const st = statx(r.buf("st"));
    expect(st).toMatchObject({
      mask: STATX_MASK, blksize: 4096, attributes: 0n, nlink: 2, uid: 0, gid: 0, mode: S_IFREG | 0o640,
      ino: host.ino, size: 5000n, blocks: 16n, rdev: [0, 0], dev: [0, 0x1e],
    });
    expect(st.mtime).toEqual([host.mtimeNs / 1_000_000_000n, Number(host.mtimeNs % 1_000_000_000n)]);
    expect(st.ctime).toEqual([host.ctimeNs / 1_000_000_000n, Number(host.ctimeNs % 1_000_000_000n)]);
    expect(st.btime).toEqual([0n, 0]);
    expect(st.attributes_mask & MOUNT_ROOT).toBe(MOUNT_ROOT);
  });

  it("sees the guest's own changes at once: a write's size, a link's count, a new directory's links", () => {
    fs.mkdirSync(at("d"));
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("new"), O_CREAT | O_RDWR, 0o600);
    s.call(SYS.write, fd, s.str("12345"), 5);
    s.call(SYS.statx, fd, s.str(""), AT_EMPTY_PATH, 0x7ff, s.buf("a", 256));
    s.call(SYS.linkat, AT_FDCWD, s.str("new"), AT_FDCWD, s.str("new2"), 0);
    s.call(SYS.statx, AT_FDCWD, s.str("new2"), 0, 0x7ff, s.buf("b", 256));
    s.call(SYS.statx, AT_FDCWD, s.str("d"), 0, 0x7ff, s.buf("d0", 256));
    s.call(SYS.mkdirat, AT_FDCWD, s.str("d/sub"), 0o755);
    s.call(SYS.statx, AT_FDCWD, s.str("d"), 0, 0x7ff, s.buf("d1", 256));
    s.call(SYS.unlinkat, AT_FDCWD, s.str("new"), 0);
    s.call(SYS.unlinkat, AT_FDCWD, s.str("new2"), 0);
    s.call(SYS.statx, fd, s.str(""), AT_EMPTY_PATH, 0x7ff, s.buf("gone", 256));
    const r = s.run({ root });
    expect(statx(r.buf("a"))).toMatchObject({ mode: S_IFREG | 0o600, size: 5n, blocks: 8n, nlink: 1 });
    expect(statx(r.buf("b"))).toMatchObject({ size: 5n, nlink: 2 });
    expect(statx(r.buf("d1")).nlink).toBe(fs.statSync(at("d")).nlink);
    expect(statx(r.buf("gone")).nlink).toBe(0);
  });

  it("links: followed by default, described themselves with AT_SYMLINK_NOFOLLOW", () => {
    fs.mkdirSync(at("dir"));
    fs.symlinkSync("dir", at("l"));
    const s = new Script();
    s.call(SYS.statx, AT_FDCWD, s.str("l"), 0, 0x7ff, s.buf("follow", 256));
    s.call(SYS.statx, AT_FDCWD, s.str("l"), AT_SYMLINK_NOFOLLOW, 0x7ff, s.buf("link", 256));
    s.call(SYS.statx, AT_FDCWD, s.str("l/"), AT_SYMLINK_NOFOLLOW, 0x7ff, s.buf("slash", 256));
    const r = s.run({ root });
    expect(statx(r.buf("follow")).mode & 0o170000).toBe(S_IFDIR);
    expect(statx(r.buf("link"))).toMatchObject({ mode: S_IFLNK | 0o777, size: 3n, ino: fs.lstatSync(at("l"), { bigint: true }).ino });
    expect(statx(r.buf("slash")).mode & 0o170000).toBe(S_IFDIR); // a trailing slash follows
  });

  it("the root and /proc are mount roots; /proc entries look like procfs's", () => {
    const s = new Script();
    const names = ["/", "/proc", "/proc/meminfo", "/proc/self", "/proc/1/maps"];
    names.forEach((n, i) => s.call(SYS.statx, AT_FDCWD, s.str(n), 0, 0x7ff, s.buf(`n${i}`, 256)));
    s.call(SYS.statx, AT_FDCWD, s.str("/proc/self"), AT_SYMLINK_NOFOLLOW, 0x7ff, s.buf("self", 256));
    const r = s.run({ root });
    const [rootSt, proc, meminfo, self, maps] = names.map((_, i) => statx(r.buf(`n${i}`)));
    expect(rootSt!.attributes).toBe(MOUNT_ROOT);
    expect(rootSt!.ino).toBe(fs.statSync(root, { bigint: true }).ino);
    expect(proc).toMatchObject({ mode: S_IFDIR | 0o555, ino: 1n, attributes: MOUNT_ROOT, size: 0n, blksize: 1024 });
    expect(meminfo).toMatchObject({ mode: S_IFREG | 0o444, size: 0n, blocks: 0n, nlink: 1, attributes: 0n });
    expect(self).toMatchObject({ mode: S_IFDIR | 0o555, nlink: 2 });
    expect(maps!.mode).toBe(S_IFREG | 0o444);
    expect(meminfo!.dev).toEqual(proc!.dev);
    expect(meminfo!.dev).not.toEqual(rootSt!.dev);
    expect(statx(r.buf("self")).mode).toBe(S_IFLNK | 0o777);
    expect(new Set([proc, meminfo, self, maps].map((x) => x!.ino)).size).toBe(4);
  });

  it("AT_EMPTY_PATH describes the open file: the console is /dev/console, a pipe a FIFO, \"\" with AT_FDCWD the cwd", () => {
    const s = new Script();
    s.call(SYS.statx, 1, s.str(""), AT_EMPTY_PATH, 0x7ff, s.buf("con", 256));
    s.call(SYS.pipe2, s.buf("pipe", 8), 0);
    s.asm(`  la t0, b_pipe\n  lw a0, 0(t0)\n  la a1, empty\n  li a2, ${AT_EMPTY_PATH}\n  li a3, 0x7ff\n  la a4, b_fifo\n  li a7, ${SYS.statx}\n  ecall\n  .data\nempty: .byte 0\n  .text\n`);
    s.buf("fifo", 256);
    s.call(SYS.statx, AT_FDCWD, s.str(""), AT_EMPTY_PATH, 0x7ff, s.buf("cwd", 256));
    const r = s.run({ root });
    expect(statx(r.buf("con"))).toMatchObject({ mode: S_IFCHR | 0o600, rdev: [5, 1] });
    expect(statx(r.buf("fifo"))).toMatchObject({ mode: S_IFIFO | 0o600, size: 0n, nlink: 1 });
    expect(statx(r.buf("cwd")).attributes).toBe(MOUNT_ROOT);
  });

  it("fails as Linux: EINVAL (flags, both sync types, reserved mask), ENOENT, ENOTDIR, EBADF, EFAULT", () => {
    fs.writeFileSync(at("f"), "x");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDONLY, 0);
    const res = [
      s.call(SYS.statx, AT_FDCWD, s.str("f"), 0x1, 0x7ff, s.buf("st", 256)),
      s.call(SYS.statx, AT_FDCWD, s.str("f"), 0x6000, 0x7ff, s.buf("st")),
      s.call(SYS.statx, AT_FDCWD, s.str("f"), 0, 0x8000_0000, s.buf("st")),
      s.call(SYS.statx, AT_FDCWD, s.str("none"), 0, 0x7ff, s.buf("st")),
      s.call(SYS.statx, AT_FDCWD, s.str(""), 0, 0x7ff, s.buf("st")),
      s.call(SYS.statx, AT_FDCWD, s.str("f/"), 0, 0x7ff, s.buf("st")),
      s.call(SYS.statx, fd, s.str("x"), 0, 0x7ff, s.buf("st")),
      s.call(SYS.statx, 33, s.str("x"), 0, 0x7ff, s.buf("st")),
      s.call(SYS.statx, 33, s.str(""), AT_EMPTY_PATH, 0x7ff, s.buf("st")),
      s.call(SYS.statx, AT_FDCWD, s.str("f"), 0, 0x7ff, 0x10),
      s.call(SYS.statx, AT_FDCWD, 0x10, 0, 0x7ff, s.buf("st")),
      s.call(SYS.statx, AT_FDCWD, s.str("f"), 0x2000 | 0x800, 0, s.buf("st")), // AT_STATX_FORCE_SYNC, no automount: fine
    ];
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([
      E.EINVAL, E.EINVAL, E.EINVAL, E.ENOENT, E.ENOENT, E.ENOTDIR, E.ENOTDIR, E.EBADF, E.EBADF, E.EFAULT, E.EFAULT, 0,
    ]);
  });
});

describe("getdents64", () => {
  it("lists '.', '..' and the host's names sorted, with inode numbers, types and 8-byte records", () => {
    fs.mkdirSync(at("d/sub"), { recursive: true });
    fs.writeFileSync(at("d/b-file"), "");
    fs.symlinkSync("b-file", at("d/a-link"));
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("d"), O_RDONLY | O_DIRECTORY, 0);
    const n = s.call(SYS.getdents64, fd, s.buf("ents", 1024), 1024);
    const end = s.call(SYS.getdents64, fd, s.buf("ents2", 64), 64);
    const r = s.run({ root });
    const list = dirents(r.buf("ents"), r.res(n));
    const ino = (p: string): bigint => fs.lstatSync(p, { bigint: true }).ino;
    expect(list.map((e) => [e.name, e.type, e.ino, e.off])).toEqual([
      [".", 4, ino(at("d")), 1n], ["..", 4, ino(root), 2n], ["a-link", 10, ino(at("d/a-link")), 3n],
      ["b-file", 8, ino(at("d/b-file")), 4n], ["sub", 4, ino(at("d/sub")), 5n],
    ]);
    expect(list.every((e) => e.reclen % 8 === 0 && e.reclen >= 19 + e.name.length + 1)).toBe(true);
    expect(list.map((e) => e.reclen)).toEqual([24, 24, 32, 32, 24]);
    expect(r.res(end)).toBe(0);
  });

  it("fills what fits and continues from there; EINVAL when not one record fits", () => {
    for (const name of ["a", "b", "c"]) fs.writeFileSync(at(name), "");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("."), O_RDONLY | O_DIRECTORY, 0);
    const tiny = s.call(SYS.getdents64, fd, s.buf("t", 64), 23);
    const one = s.call(SYS.getdents64, fd, s.buf("one", 64), 47); // "." (24) fits, ".." (24) does not
    const rest = s.call(SYS.getdents64, fd, s.buf("rest", 512), 512);
    const r = s.run({ root });
    expect(r.res(tiny)).toBe(E.EINVAL);
    expect(dirents(r.buf("one"), r.res(one)).map((e) => e.name)).toEqual(["."]);
    expect(dirents(r.buf("rest"), r.res(rest)).map((e) => e.name)).toEqual(["..", "a", "b", "c", "proc"]);
  });

  it("a listing survives its entries being removed; llseek to 0 starts a new one", () => {
    for (const name of ["a", "b", "c", "d"]) fs.writeFileSync(at(name), "");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("."), O_RDONLY | O_DIRECTORY, 0);
    const first = s.call(SYS.getdents64, fd, s.buf("first", 80), 72); // ".", "..", "a"
    for (const name of ["a", "b", "c"]) s.call(SYS.unlinkat, AT_FDCWD, s.str(name), 0);
    const second = s.call(SYS.getdents64, fd, s.buf("second", 512), 512);
    s.call(SYS.llseek, fd, 0, 0, s.buf("pos", 8), 0);
    const third = s.call(SYS.getdents64, fd, s.buf("third", 512), 512);
    const r = s.run({ root });
    expect(dirents(r.buf("first"), r.res(first)).map((e) => e.name)).toEqual([".", "..", "a"]);
    expect(dirents(r.buf("second"), r.res(second)).map((e) => e.name)).toEqual(["b", "c", "d", "proc"]);
    expect(dirents(r.buf("third"), r.res(third)).map((e) => e.name)).toEqual([".", "..", "d", "proc"]);
  });

  it("lists /proc in Linux's order and /proc/PID's files", () => {
    const s = new Script();
    const p = s.call(SYS.openat, AT_FDCWD, s.str("/proc"), O_RDONLY | O_DIRECTORY, 0);
    const n = s.call(SYS.getdents64, p, s.buf("proc", 1024), 1024);
    const q = s.call(SYS.openat, AT_FDCWD, s.str("/proc/self"), O_RDONLY | O_DIRECTORY, 0);
    const m = s.call(SYS.getdents64, q, s.buf("pid", 1024), 1024);
    s.call(SYS.statx, AT_FDCWD, s.str("/proc/meminfo"), 0, 0x7ff, s.buf("st", 256));
    const r = s.run({ root });
    const list = dirents(r.buf("proc"), r.res(n));
    expect(list.map((e) => [e.name, e.type])).toEqual([
      [".", 4], ["..", 4], ["swaps", 8], ["vmstat", 8], ["meminfo", 8], ["zoneinfo", 8], ["buddyinfo", 8], ["self", 10], ["1", 4],
    ]);
    expect(list[0]!.ino).toBe(1n);
    expect(list.find((e) => e.name === "meminfo")!.ino).toBe(statx(r.buf("st")).ino);
    expect(dirents(r.buf("pid"), r.res(m)).map((e) => e.name)).toEqual([".", "..", "status", "cmdline", "stat", "statm", "maps", "smaps", "smaps_rollup"]);
  });

  it("fails as Linux: EBADF, ENOTDIR for a file, the console and /proc files, EFAULT", () => {
    fs.writeFileSync(at("f"), "");
    const s = new Script();
    const f = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDONLY, 0);
    const m = s.call(SYS.openat, AT_FDCWD, s.str("/proc/meminfo"), O_RDONLY, 0);
    const d = s.call(SYS.openat, AT_FDCWD, s.str("."), O_RDONLY, 0);
    const res = [
      s.call(SYS.getdents64, 40, s.buf("x", 64), 64),
      s.call(SYS.getdents64, f, s.buf("x"), 64),
      s.call(SYS.getdents64, 0, s.buf("x"), 64),
      s.call(SYS.getdents64, m, s.buf("x"), 64),
      s.call(SYS.getdents64, d, 0x10, 64),
      s.call(SYS.getdents64, d, s.buf("x"), 64), // the failed call did not move the position
    ];
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([E.EBADF, E.ENOTDIR, E.ENOTDIR, E.ENOTDIR, E.EFAULT, 48]);
    expect(dirents(r.buf("x"), 48).map((e) => e.name)).toEqual([".", ".."]);
  });
});
