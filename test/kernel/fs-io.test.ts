// Whole-file calls on a host directory: truncate64 and ftruncate64, pread64 and pwrite64 (their 64-bit
// argument in a register pair, low word first), fsync, fdatasync and sync.

import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AT_FDCWD, E, O_APPEND, O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR, O_WRONLY, type Ref, Script, SYS, u64,
} from "./fs-syscalls.helpers.js";
import { tempRootEach } from "../helpers/roots.js";

let root = "";
tempRootEach("vmos-io-", (dir) => (root = dir));

const at = (name: string): string => join(root, name);

/**
 * Descriptors of each kind the error tests need: the file "f" read-only, "/" as a directory, a /proc
 * file, and a pipe (its two descriptors in the buffer "pipe").
 */
function openKinds(s: Script): { ro: Ref; dir: Ref; proc: Ref } {
  const ro = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDONLY, 0);
  const dir = s.call(SYS.openat, AT_FDCWD, s.str("."), O_RDONLY | O_DIRECTORY, 0);
  const proc = s.call(SYS.openat, AT_FDCWD, s.str("/proc/meminfo"), O_RDONLY, 0);
  s.call(SYS.pipe2, s.buf("pipe", 8), 0);
  return { ro, dir, proc };
}

/** MAX_LFS_FILESIZE on 32-bit Linux: 0xffffffff << 12. */
const MAX_LFS = (0xffff_ffffn << 12n);

describe("ftruncate64 and truncate64", () => {
  it("shrink and grow a file: cached data past the end is gone, the new tail reads as zeros", () => {
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_CREAT | O_RDWR, 0o644);
    s.call(SYS.write, fd, s.str("0123456789"), 10);
    const shrink = s.call(SYS.ftruncate64, fd, u64(4));
    const grow = s.call(SYS.ftruncate64, fd, u64(6));
    const rd = s.call(SYS.pread64, fd, s.buf("d", 16), 16, u64(0));
    const byName = s.call(SYS.truncate64, s.str("g"), u64(3));
    s.call(SYS.openat, AT_FDCWD, s.str("g"), O_CREAT | O_RDWR, 0o644);
    const byName2 = s.call(SYS.truncate64, s.str("/g"), u64(5000));
    const r = s.run({ root });
    expect([r.res(shrink), r.res(grow), r.res(rd)]).toEqual([0, 0, 6]);
    expect([...r.buf("d").subarray(0, 7)]).toEqual([0x30, 0x31, 0x32, 0x33, 0, 0, 0]);
    expect(fs.readFileSync(at("f"))).toEqual(Buffer.from([0x30, 0x31, 0x32, 0x33, 0, 0]));
    expect([r.res(byName), r.res(byName2)]).toEqual([E.ENOENT, 0]);
    expect(fs.statSync(at("g")).size).toBe(5000);
  });

  it("read the length from a1 (low) and a2 (high): a high word makes it too big or negative", () => {
    fs.writeFileSync(at("f"), "abc");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDWR, 0);
    const big = s.call(SYS.ftruncate64, fd, u64(MAX_LFS + 1n));
    const neg = s.call(SYS.ftruncate64, fd, u64(-1));
    const negBadFd = s.call(SYS.ftruncate64, 99, u64(-5)); // the length is checked first
    const max = s.call(SYS.truncate64, s.str("f"), u64(MAX_LFS + 4096n));
    const tneg = s.call(SYS.truncate64, s.str("f"), u64(-4096));
    const lo = s.call(SYS.ftruncate64, fd, 2, 0);
    const r = s.run({ root });
    expect([r.res(big), r.res(neg), r.res(negBadFd), r.res(max), r.res(tneg), r.res(lo)]).toEqual([E.EFBIG, E.EINVAL, E.EINVAL, E.EFBIG, E.EINVAL, 0]);
    expect(fs.readFileSync(at("f"), "utf8")).toBe("ab");
  });

  it("ftruncate64 fails as Linux: EBADF, EINVAL for O_RDONLY, a directory, the console, a pipe, /proc", () => {
    fs.writeFileSync(at("f"), "abc");
    const s = new Script();
    const { ro, dir, proc } = openKinds(s);
    const res = [
      s.call(SYS.ftruncate64, 42, u64(0)),
      s.call(SYS.ftruncate64, ro, u64(0)),
      s.call(SYS.ftruncate64, dir, u64(0)),
      s.call(SYS.ftruncate64, 1, u64(0)),
      s.call(SYS.ftruncate64, proc, u64(0)),
    ];
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([E.EBADF, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL]);
    expect(fs.readFileSync(at("f"), "utf8")).toBe("abc");
  });

  it("truncate64 fails as Linux: EISDIR, ENOENT, ENOTDIR, EFAULT; follows links; /proc files accept it", () => {
    fs.writeFileSync(at("f"), "abcdef");
    fs.symlinkSync("f", at("l"));
    fs.mkdirSync(at("d"));
    const s = new Script();
    const res = [
      s.call(SYS.truncate64, s.str("d"), u64(0)),
      s.call(SYS.truncate64, s.str("/"), u64(0)),
      s.call(SYS.truncate64, s.str("/proc"), u64(0)),
      s.call(SYS.truncate64, s.str("none"), u64(0)),
      s.call(SYS.truncate64, s.str("f/x"), u64(0)),
      s.call(SYS.truncate64, 0x10, u64(0)),
      s.call(SYS.truncate64, s.str("/proc/meminfo"), u64(0)),
      s.call(SYS.truncate64, s.str("l"), u64(2)),
    ];
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([E.EISDIR, E.EISDIR, E.EISDIR, E.ENOENT, E.ENOTDIR, E.EFAULT, 0, 0]);
    expect(fs.readFileSync(at("f"), "utf8")).toBe("ab");
    expect(fs.lstatSync(at("l")).isSymbolicLink()).toBe(true);
  });
});

describe("pread64 and pwrite64", () => {
  it("read and write at a position without moving the file's own", () => {
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_CREAT | O_RDWR, 0o644);
    s.call(SYS.write, fd, s.str("hello"), 5);
    const pw = s.call(SYS.pwrite64, fd, s.str("XY"), 2, u64(1));
    const far = s.call(SYS.pwrite64, fd, s.str("end"), 3, u64(8));
    const pr = s.call(SYS.pread64, fd, s.buf("p", 8), 4, u64(1));
    const w = s.call(SYS.write, fd, s.str("!"), 1); // f_pos is still 5
    const hi = s.call(SYS.pread64, fd, s.buf("q", 8), 4, 0, 1); // position 2^32: past the end
    const r = s.run({ root });
    expect([r.res(pw), r.res(far), r.res(pr), r.text("p"), r.res(w), r.res(hi)]).toEqual([2, 3, 4, "XYlo", 1, 0]);
    expect(fs.readFileSync(at("f"))).toEqual(Buffer.from("hXYlo!\0\0end"));
  });

  it("pwrite64 with O_APPEND appends, as Linux does; pread64 reads a /proc file's snapshot at the position", () => {
    fs.writeFileSync(at("f"), "abc");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_WRONLY | O_APPEND, 0);
    const pw = s.call(SYS.pwrite64, fd, s.str("Z"), 1, u64(0));
    const m = s.call(SYS.openat, AT_FDCWD, s.str("/proc/meminfo"), O_RDONLY, 0);
    const pr = s.call(SYS.pread64, m, s.buf("m", 8), 5, u64(3));
    const rd = s.call(SYS.read, m, s.buf("n", 8), 3);
    const r = s.run({ root });
    expect([r.res(pw), r.res(pr), r.text("m"), r.res(rd), r.text("n")]).toEqual([1, 5, "Total", 3, "Mem"]);
    expect(fs.readFileSync(at("f"), "utf8")).toBe("abcZ");
  });

  it("fail as Linux: EINVAL for a negative position first, EBADF, ESPIPE, EISDIR, EFAULT", () => {
    fs.writeFileSync(at("f"), "abc");
    const s = new Script();
    const { ro, dir } = openKinds(s);
    const wo = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_WRONLY, 0);
    const pipeRead = s.asm(`  la t0, b_pipe\n  lw a0, 0(t0)\n  la a1, b_x\n  li a2, 1\n  li a3, 0\n  li a4, 0\n  li a7, ${SYS.pread64}\n  ecall\n`);
    s.buf("x", 8);
    const res = [
      s.call(SYS.pread64, 77, s.buf("x"), 1, u64(-1)),
      s.call(SYS.pwrite64, 77, s.str("x"), 1, u64(-1)),
      s.call(SYS.pread64, 77, s.buf("x"), 1, u64(0)),
      s.call(SYS.pread64, wo, s.buf("x"), 1, u64(0)),
      s.call(SYS.pwrite64, ro, s.str("x"), 1, u64(0)),
      s.call(SYS.pread64, 0, s.buf("x"), 1, u64(0)),
      s.call(SYS.pwrite64, 1, s.str("x"), 1, u64(0)),
      s.call(SYS.pread64, dir, s.buf("x"), 1, u64(0)),
      s.call(SYS.pread64, ro, 0x10, 1, u64(0)),
    ];
    const r = s.run({ root });
    expect(r.res(pipeRead)).toBe(E.ESPIPE);
    expect(res.map((x) => r.res(x))).toEqual([E.EINVAL, E.EINVAL, E.EBADF, E.EBADF, E.EBADF, E.ESPIPE, E.ESPIPE, E.EISDIR, E.EFAULT]);
    expect(fs.readFileSync(at("f"), "utf8")).toBe("abc");
  });
});

/** The Dirty line of a /proc/meminfo text, in kB. */
const dirtyKb = (text: string): number => Number(/^Dirty:\s+(\d+) kB$/m.exec(text)![1]);

describe("fsync, fdatasync and sync", () => {
  it("fsync writes the file's dirty pages to the host before the call returns; sync writes everyone's", () => {
    const s = new Script();
    const meminfo = (name: string): void => {
      const m = s.call(SYS.openat, AT_FDCWD, s.str("/proc/meminfo"), O_RDONLY, 0);
      s.call(SYS.read, m, s.buf(name, 2048), 2048);
      s.call(SYS.close, m);
    };
    const a = s.call(SYS.openat, AT_FDCWD, s.str("a"), O_CREAT | O_RDWR, 0o644);
    const b = s.call(SYS.openat, AT_FDCWD, s.str("b"), O_CREAT | O_RDWR, 0o644);
    s.call(SYS.write, a, s.str("AAAA"), 4);
    s.call(SYS.write, b, s.str("BBBB"), 4);
    meminfo("m0");
    const fa = s.call(SYS.fsync, a);
    meminfo("m1");
    s.call(SYS.write, a, s.str("more"), 4);
    const fd = s.call(SYS.fdatasync, a);
    meminfo("m2");
    const sy = s.call(SYS.sync);
    meminfo("m3");
    const r = s.run({ root });
    expect([r.res(fa), r.res(fd), r.res(sy)]).toEqual([0, 0, 0]);
    expect([dirtyKb(r.text("m0")), dirtyKb(r.text("m1")), dirtyKb(r.text("m2")), dirtyKb(r.text("m3"))]).toEqual([8, 4, 4, 0]);
    expect(fs.readFileSync(at("a"), "utf8")).toBe("AAAAmore");
  });

  it("EBADF; EINVAL for the console, a pipe and /proc; 0 for a directory and a read-only file", () => {
    fs.writeFileSync(at("f"), "abc");
    const s = new Script();
    const { ro, dir, proc } = openKinds(s);
    const procDir = s.call(SYS.openat, AT_FDCWD, s.str("/proc"), O_RDONLY, 0);
    const pipe = s.asm(`  la t0, b_pipe\n  lw a0, 4(t0)\n  li a7, ${SYS.fsync}\n  ecall\n`);
    const res = [
      s.call(SYS.fsync, 50), s.call(SYS.fdatasync, 50), s.call(SYS.fsync, 1), s.call(SYS.fsync, proc),
      s.call(SYS.fdatasync, procDir), s.call(SYS.fsync, dir), s.call(SYS.fsync, ro),
    ];
    const r = s.run({ root });
    expect(r.res(pipe)).toBe(E.EINVAL);
    expect(res.map((x) => r.res(x))).toEqual([E.EBADF, E.EBADF, E.EINVAL, E.EINVAL, E.EINVAL, 0, 0]);
  });
});
