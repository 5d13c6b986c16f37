// File descriptors: openat/close/read/write/llseek through each task's fd table, with Linux's errors;
// the console on fds 0-2; fork sharing open files; getrusage.

import { describe, expect, it } from "vitest";
import {
  close_fd, do_close_on_exec, dup_fd, fd_install, files_init_console, files_lookup_fd, get_unused_fd_flags,
  put_files_struct,
} from "../../kernel/fs/fdtable.js";
import { file, FMODE_READ } from "../../kernel/fs/file.js";
import { exit, runSource, START } from "../helpers/kernel.js";
import { cat, FORK, openat, sys, SYS, touch, waitAny } from "../helpers/proc.js";

/** Exit with -a0 (the errno of the last call, or 0 if it succeeded... or its low byte if positive). */
const EXIT_ERRNO = `  neg a0, a0\n${exit("a0")}`;
const STR = (...s: string[]): string => `  .section .rodata\n${s.map((p, i) => `str${i}: .asciz "${p}"\n`).join("")}`;
const BSS = "  .bss\n  .align 12\ncatbuf: .zero 4096\nbuf: .zero 4096\ninfo: .zero 128\n";
/** Run a program whose last call's -errno is its exit status. */
const errnoOf = (body: string, ...strings: string[]): number =>
  runSource(`${START}${body}${EXIT_ERRNO}${STR(...strings)}${BSS}`).status;

describe("openat", () => {
  it("returns the lowest free descriptor: 3 first, and a closed one is reused", () => {
    const r = runSource(`${START}${openat("str0")}  mv s0, a0\n${openat("str0")}  mv s1, a0\n${sys(SYS.close, "  mv a0, s0\n")}${openat("str0")}  slli a0, a0, 4\n  or a0, a0, s1\n  slli s0, s0, 8\n  or a0, a0, s0\n${exit("a0")}${STR("/proc/meminfo")}`);
    expect(r.status).toBe(((3 << 8) | (3 << 4) | 4) & 0xff); // 3, then 4, then 3 again
  });

  it("opens relative names from the cwd (/) with AT_FDCWD, and resolves . and ..", () => {
    const r = runSource(`${START}${cat("str0")}${cat("str1")}${exit(0)}${STR("proc/self/../self/./statm", "/../proc//self/statm")}${BSS}`);
    expect(r.stdout).toMatch(/^(\d+ \d+ \d+ \d+ 0 \d+ 0\n){2}$/);
  });

  it("fails like Linux: ENOENT, ENOTDIR, EACCES for writing /proc, EISDIR, EFAULT, ENAMETOOLONG", () => {
    expect(errnoOf(openat("str0"), "/proc/nonexistent")).toBe(2);
    expect(errnoOf(openat("str0"), "/etc/passwd")).toBe(2); // vmos has nothing but / and /proc yet
    expect(errnoOf(openat("str0"), "")).toBe(2);
    expect(errnoOf(openat("str0"), "/proc/999/maps")).toBe(2); // no such process
    expect(errnoOf(openat("str0"), "/proc/01/maps")).toBe(2); // not a pid: leading zero
    expect(errnoOf(openat("str0"), "/proc/none/../meminfo")).toBe(2); // ".." of a name that is not there
    expect(errnoOf(openat("str0"), "/proc/self/maps/x")).toBe(20); // ENOTDIR
    expect(errnoOf(openat("str0"), "/proc/meminfo/..")).toBe(20);
    expect(errnoOf(openat("str0"), "/proc/meminfo/")).toBe(20);
    expect(errnoOf(openat("str0", 1), "/proc/meminfo")).toBe(13); // O_WRONLY: EACCES
    expect(errnoOf(openat("str0", 2), "/proc/self/status")).toBe(13); // O_RDWR
    expect(errnoOf(openat("str0", 0o1000), "/proc/meminfo")).toBe(13); // O_TRUNC needs write permission
    expect(errnoOf(openat("str0", 0o100), "/proc/newfile")).toBe(13); // O_CREAT: procfs cannot create
    expect(errnoOf(openat("str0", 0o100), "/tmp/newfile")).toBe(2); // ... and /tmp does not exist
    expect(errnoOf(openat("str0", 0o300), "/proc/meminfo")).toBe(17); // O_CREAT|O_EXCL, exists: EEXIST
    expect(errnoOf(openat("str0", 1), "/proc")).toBe(21); // a directory for writing: EISDIR
    expect(errnoOf(openat("str0", 0o200000), "/proc/meminfo")).toBe(20); // O_DIRECTORY on a file
    expect(errnoOf(sys(SYS.openat, "  li a0, -100\n  li a1, 0x100\n  li a2, 0\n"))).toBe(14); // EFAULT
    expect(errnoOf(openat("str0"), "a".repeat(256))).toBe(36); // a component over NAME_MAX
    // A name with no NUL in PATH_MAX (4096) bytes: ENAMETOOLONG.
    expect(runSource(`${START}${openat("long")}${EXIT_ERRNO}  .data\nlong: .ascii "${"a".repeat(4096)}"\n  .word 0\n`).status).toBe(36);
  });

  it("with a relative name and a dirfd other than AT_FDCWD: EBADF if not open, ENOTDIR for a file", () => {
    expect(errnoOf(openat("str0", 0, 9), "meminfo")).toBe(9);
    expect(errnoOf(`${openat("str1")}${openat("str0", 0, 3)}`, "meminfo", "/proc/meminfo")).toBe(20);
    expect(runSource(`${START}${openat("str0", 0, 9)}${exit("a0")}${STR("/proc/meminfo")}`).status).toBe(3); // absolute: dirfd ignored
  });

  it("opens directories read-only; reading one is EISDIR", () => {
    expect(errnoOf(`${openat("str0")}  la a1, buf\n  li a2, 10\n${sys(SYS.read)}`, "/proc/self")).toBe(21);
    expect(errnoOf(`${openat("str0", 0o200000)}  la a1, buf\n  li a2, 10\n${sys(SYS.read)}`, "/")).toBe(21);
  });

  it("gives EMFILE when descriptors 0..1023 (RLIMIT_NOFILE) are all in use", () => {
    // Open /proc/self/statm until it fails: fds 3..1023 succeed (1021 opens), then EMFILE.
    const r = runSource(`${START}  li s0, 0\n1:\n${openat("str0")}  bltz a0, 2f\n  addi s0, s0, 1\n  j 1b\n2:  li t0, -24\n  bne a0, t0, 3f\n  li t0, 1021\n  bne s0, t0, 3f\n${exit(0)}3:\n${exit(1)}${STR("/proc/self/statm")}`, { mem: 8 << 20, check: false });
    expect(r.status).toBe(0);
  });

  it("follows RLIMIT_NOFILE: lowered to 5 with prlimit64, descriptors 3 and 4 open and then EMFILE", () => {
    const r = runSource(`${START}${sys(261, "  li a0, 0\n  li a1, 7\n  la a2, lim\n  li a3, 0\n")}  bnez a0, 9f\n  li s0, 0\n1:\n${openat("str0")}  bltz a0, 2f\n  addi s0, s0, 1\n  j 1b\n2:  li t0, -24\n  bne a0, t0, 9f\n${exit("s0")}9:\n${exit(99)}${STR("/proc/self/statm")}  .data\nlim: .word 5, 0, 5, 0\n`);
    expect(r.status).toBe(2);
  });

  it("grows the table as Linux does: /proc/PID/status FDSize goes from 32 to 256", () => {
    const r = runSource(`${START}  li s0, 40\n1:\n${openat("str1")}  addi s0, s0, -1\n  bnez s0, 1b\n${cat("str0")}${exit(0)}${STR("/proc/self/status", "/proc/meminfo")}${BSS}`);
    expect(r.stdout).toContain("\nFDSize:\t256\n");
  });
});

describe("read, write and close", () => {
  it("EBADF for descriptors not open, and for writing a file opened read-only", () => {
    expect(errnoOf(sys(SYS.close, "  li a0, 5\n"))).toBe(9);
    expect(errnoOf(sys(SYS.read, "  li a0, 7\n  la a1, buf\n  li a2, 4\n"))).toBe(9);
    expect(errnoOf(sys(SYS.read, "  li a0, -1\n  la a1, buf\n  li a2, 4\n"))).toBe(9);
    expect(errnoOf(`${openat("str0")}  la a1, buf\n  li a2, 4\n${sys(SYS.write)}`, "/proc/meminfo")).toBe(9);
    expect(errnoOf(`${openat("str0")}  mv s0, a0\n${sys(SYS.close, "  mv a0, s0\n")}${sys(SYS.close, "  mv a0, s0\n")}`, "/proc/meminfo")).toBe(9);
  });

  it("closing stdout makes writes to fd 1 fail with EBADF; fd 2 still reaches stderr", () => {
    const r = runSource(`${START}${sys(SYS.close, "  li a0, 1\n")}${sys(SYS.write, "  li a0, 1\n  la a1, str0\n  li a2, 2\n")}  mv s0, a0\n${sys(SYS.write, "  li a0, 2\n  la a1, str0\n  li a2, 2\n")}  neg a0, s0\n${exit("a0")}${STR("hi")}`);
    expect([r.status, r.stdout, r.stderr]).toEqual([9, "", "hi"]);
  });

  it("reads a /proc file in pieces: each read continues where the last stopped, then 0 at the end", () => {
    // Read /proc/self/statm 3 bytes at a time into consecutive places, count the reads, print it.
    const r = runSource(`${START}${openat("str0")}  mv s0, a0\n  la s1, buf\n  li s2, 0\n1:  mv a0, s0\n  mv a1, s1\n  li a2, 3\n${sys(SYS.read)}  beqz a0, 2f\n  add s1, s1, a0\n  addi s2, s2, 1\n  j 1b\n2:  la a1, buf\n  sub a2, s1, a1\n  li a0, 1\n${sys(SYS.write)}${exit("s2")}${STR("/proc/self/statm")}${BSS}`);
    expect(r.stdout).toMatch(/^\d+ \d+ \d+ \d+ 0 \d+ 0\n$/);
    expect(r.status).toBe(Math.ceil(r.stdout.length / 3));
  });

  it("a bad buffer gives EFAULT and does not move the position", () => {
    const r = runSource(`${START}${openat("str0")}  mv s0, a0\n  li a1, 0x100\n  li a2, 4\n${sys(SYS.read)}  mv s1, a0\n  mv a0, s0\n  la a1, buf\n  li a2, 2\n${sys(SYS.read)}  la t0, buf\n  lbu t1, 0(t0)\n  li t2, 0x4e\n  sub t1, t1, t2\n  neg a0, s1\n  add a0, a0, t1\n${exit("a0")}${STR("/proc/self/status")}${BSS}`);
    expect(r.status).toBe(14); // -EFAULT, then the next read still starts at "Name"
  });
});

/** llseek(fd in s0, high, low, &result at `info`, whence): 0 or -errno in a0; result at info. */
const llseek = (high: number, low: number, whence: number, result = "la a3, info"): string =>
  sys(SYS.llseek, `  mv a0, s0\n  li a1, ${high}\n  li a2, ${low}\n  ${result}\n  li a4, ${whence}\n`);

describe("llseek", () => {
  const OPEN = `${openat("str0")}  mv s0, a0\n`;
  it("SEEK_SET and SEEK_CUR move the position and store the 64-bit result", () => {
    // Read 4 bytes ("Name"), seek to 1 ("ame"), seek +2 from there (position 3): read "e:".
    const r = runSource(`${START}${OPEN}  mv a0, s0\n  la a1, buf\n  li a2, 4\n${sys(SYS.read)}${llseek(0, 1, 0)}  la t0, info\n  lw s1, 0(t0)\n${llseek(0, 2, 1)}  la t0, info\n  lw s2, 0(t0)\n  lw s3, 4(t0)\n  mv a0, s0\n  la a1, buf\n  li a2, 2\n${sys(SYS.read)}  li a0, 1\n  la a1, buf\n  li a2, 2\n${sys(SYS.write)}  slli s2, s2, 4\n  or a0, s1, s2\n  or a0, a0, s3\n${exit("a0")}${STR("/proc/self/status")}${BSS}`);
    expect(r.stdout).toBe("e:");
    expect(r.status).toBe(1 | (3 << 4));
  });

  it("a position past the end reads 0 bytes; offset_high makes it 2^32", () => {
    const r = runSource(`${START}${OPEN}${llseek(1, 0, 0)}  la t0, info\n  lw s1, 4(t0)\n  mv a0, s0\n  la a1, buf\n  li a2, 4\n${sys(SYS.read)}  slli s1, s1, 4\n  or a0, a0, s1\n${exit("a0")}${STR("/proc/meminfo")}${BSS}`);
    expect(r.status).toBe(1 << 4); // high word of the result 1, read returned 0
  });

  it("errors: EINVAL for SEEK_END on /proc, a bad whence or a negative position; ESPIPE on the console", () => {
    expect(errnoOf(`${OPEN}${llseek(0, 0, 2)}`, "/proc/meminfo")).toBe(22); // seq files: SET and CUR only
    expect(errnoOf(`${OPEN}${llseek(0, 0, 5)}`, "/proc/meminfo")).toBe(22);
    expect(errnoOf(`${OPEN}${llseek(-1, -1, 0)}`, "/proc/meminfo")).toBe(22); // -1
    expect(errnoOf(`${OPEN}${llseek(0, -1, 1)}`, "/proc/meminfo")).toBe(0); // 0 + 0xffffffff: fine
    expect(errnoOf(`  li s0, 1\n${llseek(0, 0, 0)}`)).toBe(29);
    expect(errnoOf(`  li s0, 1\n${llseek(0, 0, 9)}`)).toBe(22); // whence is checked first
    expect(errnoOf(`  li s0, 8\n${llseek(0, 0, 0)}`)).toBe(9);
    expect(errnoOf(`${OPEN}${llseek(0, 0, 0, "li a3, 0x100")}`, "/proc/meminfo")).toBe(14);
  });
});

describe("descriptors across fork", () => {
  it("the child inherits open files: same snapshot, one shared position", () => {
    // The parent opens its status and reads 6 bytes ("Name:\t"); the child reads the next 1 ("t")
    // and exits; then the parent reads on from where the child stopped ("\nUmask").
    const r = runSource(`${START}${openat("str0")}  mv s0, a0\n  mv a0, s0\n  la a1, buf\n  li a2, 6\n${sys(SYS.read)}${FORK}  bnez a0, 8f\n  mv a0, s0\n  la a1, buf\n  li a2, 1\n${sys(SYS.read)}  li a0, 1\n  la a1, buf\n  li a2, 1\n${sys(SYS.write)}${exit(0)}8:\n${waitAny()}  mv a0, s0\n  la a1, buf\n  li a2, 6\n${sys(SYS.read)}  li a0, 1\n  la a1, buf\n  li a2, 6\n${sys(SYS.write)}${exit(0)}${STR("/proc/self/status")}${BSS}`);
    expect(r.stdout).toBe("t\nUmask");
  });

  it("closing in the child leaves the parent's descriptor open", () => {
    const r = runSource(`${START}${openat("str0")}  mv s0, a0\n${FORK}  bnez a0, 8f\n${sys(SYS.close, "  mv a0, s0\n")}${exit(0)}8:\n${waitAny()}  mv a0, s0\n  la a1, buf\n  li a2, 4\n${sys(SYS.read)}${exit("a0")}${STR("/proc/meminfo")}${BSS}`);
    expect(r.status).toBe(4);
  });
});

describe("getrusage", () => {
  /** getrusage(who, &info) then exit with the word at `offset` of the struct. */
  const rusage = (who: number, offset: number): string =>
    `${sys(SYS.getrusage, `  li a0, ${who}\n  la a1, info\n`)}  bnez a0, 9f\n  la t0, info\n  lw a0, ${offset}(t0)\n9:\n${exit("a0")}`;

  it("RUSAGE_SELF: ru_minflt at offset 32 is the task's min_flt, ru_maxrss at 16 its peak RSS in KiB", () => {
    // info is written once before the call, so the call itself and the exit fault nothing.
    const r = runSource(`${START}  la t0, info\n  sw zero, 0(t0)\n${touch("buf", 1)}${rusage(0, 32)}${BSS}`);
    expect(r.status).toBe(r.init.min_flt);
    const m = runSource(`${START}  la t0, info\n  sw zero, 0(t0)\n${touch("catbuf", 2)}${rusage(0, 16)}${BSS}`);
    expect(m.status).toBe(m.init.maxrss * 4);
    expect(runSource(`${START}  la t0, info\n  sw zero, 0(t0)\n${rusage(1, 32)}${BSS}`).status).toBeGreaterThan(0); // RUSAGE_THREAD
  });

  it("RUSAGE_CHILDREN counts reaped children's faults", () => {
    // The child writes 3 pages of buf and exits; after waitid the parent's children total includes them.
    const r = runSource(`${START}${FORK}  bnez a0, 8f\n${touch("buf", 1)}${touch("catbuf", 1)}${exit(0)}8:\n${waitAny()}${rusage(-1, 32)}${BSS}`);
    expect(r.status).toBeGreaterThanOrEqual(2);
    expect(r.init.cmin_flt).toBe(r.status);
  });

  it("EINVAL for an unknown who, EFAULT for a bad pointer", () => {
    expect(errnoOf(sys(SYS.getrusage, "  li a0, 2\n  la a1, info\n"))).toBe(22);
    expect(errnoOf(sys(SYS.getrusage, "  li a0, 0\n  li a1, 0x100\n"))).toBe(14);
  });
});

describe("files_struct (the API fork, exit and exec use)", () => {
  it("dup_fd gives the copy the same files with one more reference; the last put releases them", () => {
    let released = 0;
    const f = new file("/x", new Uint8Array(3), { release: () => released++ }, FMODE_READ);
    const files = files_init_console();
    const fd = get_unused_fd_flags(files, true);
    fd_install(files, fd, f);
    expect(fd).toBe(3);
    const copy = dup_fd(files);
    expect(files_lookup_fd(copy, 3)).toBe(f);
    expect(f.f_count).toBe(2);
    expect(copy.close_on_exec.has(3)).toBe(true);
    expect(close_fd(files, 3)).toBe(0);
    expect([f.f_count, released]).toEqual([1, 0]);
    expect(close_fd(files, 3)).toBe(-9);
    put_files_struct(copy);
    expect([f.f_count, released]).toEqual([0, 1]);
    expect(files_lookup_fd(copy, 0)).toBe(null);
  });

  it("do_close_on_exec closes only the O_CLOEXEC descriptors", () => {
    const files = files_init_console();
    fd_install(files, get_unused_fd_flags(files, true), new file("/a", new Uint8Array(0)));
    fd_install(files, get_unused_fd_flags(files, false), new file("/b", new Uint8Array(0)));
    do_close_on_exec(files);
    expect([files_lookup_fd(files, 3), files_lookup_fd(files, 4)?.path]).toEqual([null, "/b"]);
    expect(get_unused_fd_flags(files, false)).toBe(3);
  });
});
