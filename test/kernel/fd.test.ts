// System calls on descriptors (kernel/syscalls/fd.ts): dup, dup3, fcntl64, readv and writev, with
// Linux's results and errors; descriptors naming one open file share its position and status flags,
// while close-on-exec is each descriptor's own.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { elfOf, exit, START } from "../helpers/kernel.js";
import { cat } from "../helpers/proc.js";
import { err, run, sc, scs, show, type GuestRun } from "./mm-syscalls.helpers.js";

const EAGAIN = 11, EBADF = 9, EFAULT = 14, EINVAL = 22, EMFILE = 24;
const O_WRONLY = 1, O_RDWR = 2, O_NOCTTY = 0o400, O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DIRECT = 0o40000;
const O_CLOEXEC = 0o2000000;
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_SETLK = 6, F_DUPFD_CLOEXEC = 1030;

/** pipe2(fds, flags), then s0 = the read end and s1 = the write end. */
const PIPE = (flags = 0): string => `${sc("SYS_PIPE2", "&fds", flags)}  la t0, fds\n  lw s0, 0(t0)\n  lw s1, 4(t0)\n`;
/** prlimit64(0, RLIMIT_NOFILE, {n, n}, 0). */
const NOFILE = (n: number): string => `${sc(261, 0, 7, "&lim", 0)}  .data\nlim: .word ${n}, 0, ${n}, 0\n  .text\n`;
/** openat(AT_FDCWD, name at `label`, flags): the fd in a0. */
const OPEN = (label: string, flags = 0): string => sc(56, -100, `&${label}`, flags, 0);
/** Print the words at `label` + 0, 4, ... (`n` of them). */
const words = (label: string, n: number): string => `  la s9, ${label}\n${Array.from({ length: n }, (_, i) => `  lw a0, ${4 * i}(s9)\n${show}`).join("")}`;
/** struct iovec[] at `label`: [buffer label, length] pairs. */
const IOV = (label: string, segs: [string | number, number][]): string =>
  `  .data\n  .align 2\n${label}: .word ${segs.map(([b, n]) => `${b}, ${n}`).join(", ")}\n  .text\n`;
const DATA = `  .data
  .align 2
fds: .word 0, 0
meminfo: .asciz "/proc/meminfo"
statm: .asciz "/proc/self/statm"
status: .asciz "/proc/self/status"
msg: .ascii "hello, pipe"
  .bss
  .align 12
catbuf: .zero 4096
buf: .zero 4096
buf2: .zero 4096
big: .zero 65536
  .text
`;

/** Run `body` (then exit 0) with the data above; every frame must be free again at the end. */
function fdRun(body: string, o: Parameters<typeof run>[1] = {}): GuestRun {
  const g = run(`${body}  j .Lend\n${DATA}.Lend:\n`, o);
  expect(nr_free_pages(g.r.kernel.zone), "every frame is free again").toBe(g.r.kernel.boot_free_pages);
  return g;
}

/** Little-endian words as text. */
const text = (ws: number[]): string => ws.map((w) => String.fromCharCode(w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, w >>> 24)).join("");

describe("dup", () => {
  it("gives the lowest free descriptor, naming the same open file: the two share one position", () => {
    // 10 bytes through fd 3, the next 10 through its dup (fd 4): the same 20 bytes a fresh open reads.
    const { out } = fdRun(`${OPEN("meminfo")}${scs("SYS_DUP", 3)}${sc("SYS_READ", 3, "&buf", 10)}${sc("SYS_READ", 4, "&buf + 10", 10)}
${OPEN("meminfo")}${sc("SYS_READ", "a0", "&buf2", 20)}${words("buf", 5)}${words("buf2", 5)}`);
    expect(out[0]).toBe(4);
    expect(text(out.slice(1, 6))).toBe(text(out.slice(6, 11)));
    expect(text(out.slice(1, 6))).toMatch(/^MemTotal: {11}$/);
  });

  it("keeps the file open while either descriptor is: a pipe's reader sees EOF only after both are closed", () => {
    const { out } = fdRun(`${PIPE()}${scs("SYS_DUP", "s1")}  mv s2, a0\n${sc("SYS_CLOSE", "s1")}${scs("SYS_WRITE", "s2", "&msg", 5)}${scs("SYS_READ", "s0", "&buf", 100)}
${sc("SYS_CLOSE", "s2")}${scs("SYS_READ", "s0", "&buf", 100)}`);
    expect(out).toEqual([5, 5, 5, 0]);
  });

  it("fails with -EBADF for a descriptor that is not open and -EMFILE when RLIMIT_NOFILE is reached", () => {
    const { out } = fdRun(`${scs("SYS_DUP", 100)}${scs("SYS_DUP", -1)}${NOFILE(4)}${scs("SYS_DUP", 0)}${scs("SYS_DUP", 0)}`);
    expect(out).toEqual([err(EBADF), err(EBADF), 3, err(EMFILE)]);
  });
});

describe("dup3", () => {
  it("closes what newfd had open, in the same step: a pipe's only write end replaced this way gives its reader EOF", () => {
    const { r, out } = fdRun(`${PIPE()}${scs("SYS_DUP3", 1, "s1", 0)}${scs("SYS_READ", "s0", "&buf", 10)}${sc("SYS_WRITE", "s1", "&msg", 5)}`);
    expect(out.slice(0, 2)).toEqual([4, 0]);
    expect(r.stdout).toMatch(/\nhello$/); // fd 4 is the console now
  });

  it("sets FD_CLOEXEC on newfd only with O_CLOEXEC, and allows newfd to name the same file already", () => {
    const { out } = fdRun(`${sc("SYS_DUP3", 1, 5, O_CLOEXEC)}${scs("SYS_FCNTL64", 5, F_GETFD)}${scs("SYS_FCNTL64", 1, F_GETFD)}
${scs("SYS_DUP3", 1, 5, 0)}${scs("SYS_FCNTL64", 5, F_GETFD)}`);
    expect(out).toEqual([1, 0, 5, 0]);
  });

  it("grows the table for any newfd below RLIMIT_NOFILE (FDSize 512 for fd 500)", () => {
    const { r, out } = fdRun(`${scs("SYS_DUP3", 1, 500, 0)}${scs("SYS_WRITE", 500, "&msg", 5)}  la t0, catbuf\n  sw zero, 0(t0)\n${cat("status")}`);
    expect(out[0]).toBe(500);
    expect(r.stdout).toContain("\nhello0x00000005\n");
    expect(r.stdout).toContain("\nFDSize:\t512\n");
  });

  it("refuses like Linux, in Linux's order: flags, oldfd == newfd (-EINVAL), newfd out of range, oldfd not open (-EBADF)", () => {
    const { out } = fdRun(`${scs("SYS_DUP3", 0, 5, O_WRONLY)}${scs("SYS_DUP3", 9, 9, 0)}${scs("SYS_DUP3", 0, 0, 0)}${scs("SYS_DUP3", 9, 1024, 0)}
${scs("SYS_DUP3", 0, 1024, 0)}${scs("SYS_DUP3", 0, -1, 0)}${scs("SYS_DUP3", 9, 5, 0)}${NOFILE(10)}${scs("SYS_DUP3", 0, 10, 0)}${scs("SYS_DUP3", 0, 9, 0)}`);
    expect(out).toEqual([err(EINVAL), err(EINVAL), err(EINVAL), err(EBADF), err(EBADF), err(EBADF), err(EBADF), err(EBADF), 9]);
  });
});

describe("fcntl64", () => {
  it("F_DUPFD gives the lowest free descriptor >= arg; -EINVAL for arg >= RLIMIT_NOFILE, -EMFILE when none is free", () => {
    const { out } = fdRun(`${scs("SYS_FCNTL64", 0, F_DUPFD, 10)}${scs("SYS_FCNTL64", 0, F_DUPFD, 10)}${scs("SYS_FCNTL64", 0, F_DUPFD, 0)}${scs("SYS_FCNTL64", 0, F_DUPFD, 1024)}
${scs("SYS_FCNTL64", 0, F_DUPFD, -1)}${NOFILE(13)}${scs("SYS_FCNTL64", 0, F_DUPFD, 12)}${scs("SYS_FCNTL64", 0, F_DUPFD, 12)}${scs("SYS_FCNTL64", 99, F_DUPFD, 0)}`);
    expect(out).toEqual([10, 11, 3, err(EINVAL), err(EINVAL), 12, err(EMFILE), err(EBADF)]);
  });

  it("F_GETFD/F_SETFD: FD_CLOEXEC belongs to the descriptor (F_DUPFD_CLOEXEC sets it, a dup does not share it)", () => {
    const { out } = fdRun(`${scs("SYS_FCNTL64", 1, F_DUPFD_CLOEXEC, 0)}${scs("SYS_FCNTL64", 3, F_GETFD)}${scs("SYS_FCNTL64", 1, F_GETFD)}
${scs("SYS_FCNTL64", 1, F_SETFD, -1)}${scs("SYS_FCNTL64", 1, F_GETFD)}${scs("SYS_FCNTL64", 3, F_SETFD, 0)}${scs("SYS_FCNTL64", 3, F_GETFD)}${scs("SYS_FCNTL64", 1, F_GETFD)}`);
    expect(out).toEqual([3, 1, 0, 0, 1, 0, 0, 1]);
  });

  it("F_GETFL: the access mode and status flags of the open file, without the flags that only matter at open", () => {
    const { out } = fdRun(`${scs("SYS_FCNTL64", 1, F_GETFL)}${OPEN("meminfo", O_CLOEXEC | O_NOCTTY)}${scs("SYS_FCNTL64", "a0", F_GETFL)}
${OPEN("meminfo", O_APPEND | O_NONBLOCK)}${scs("SYS_FCNTL64", "a0", F_GETFL)}${PIPE()}${scs("SYS_FCNTL64", "s0", F_GETFL)}${scs("SYS_FCNTL64", "s1", F_GETFL)}`);
    expect(out).toEqual([O_RDWR, 0, O_APPEND | O_NONBLOCK, 0, O_WRONLY]);
  });

  it("F_SETFL changes O_APPEND and O_NONBLOCK of the file, for every descriptor naming it; not the access mode", () => {
    const { out } = fdRun(`${PIPE()}${scs("SYS_DUP", "s0")}  mv s2, a0\n${scs("SYS_FCNTL64", "s0", F_SETFL, O_RDWR | O_NONBLOCK | O_APPEND | O_CLOEXEC)}
${scs("SYS_FCNTL64", "s2", F_GETFL)}${scs("SYS_FCNTL64", "s2", F_GETFD)}${scs("SYS_READ", "s2", "&buf", 10)}${scs("SYS_FCNTL64", "s2", F_SETFL, O_APPEND)}${scs("SYS_FCNTL64", "s0", F_GETFL)}`);
    expect(out).toEqual([5, 0, O_NONBLOCK | O_APPEND, 0, err(EAGAIN), 0, O_APPEND]);
  });

  it("F_SETFL with O_DIRECT: packet mode on a pipe, -EINVAL on a file that cannot do direct I/O", () => {
    const { out } = fdRun(`${PIPE()}${scs("SYS_FCNTL64", "s1", F_SETFL, O_DIRECT)}${scs("SYS_FCNTL64", "s1", F_GETFL)}${scs("SYS_FCNTL64", 1, F_SETFL, O_DIRECT)}${scs("SYS_FCNTL64", 1, F_GETFL)}`);
    expect(out).toEqual([0, O_WRONLY | O_DIRECT, err(EINVAL), O_RDWR]);
  });

  it("-EBADF first, then -EINVAL for a command vmos does not have; a Linux command it lacks is named once in the kernel log", () => {
    const { r, out } = fdRun(`${scs("SYS_FCNTL64", 77, 999)}${scs("SYS_FCNTL64", 0, 999)}${scs("SYS_FCNTL64", 0, F_SETLK, "&buf")}${scs("SYS_FCNTL64", 0, F_SETLK, "&buf")}`);
    expect(out).toEqual([err(EBADF), err(EINVAL), err(EINVAL), err(EINVAL)]);
    expect(r.log.filter((l) => l.includes("fcntl64 command 6 (F_SETLK) is not implemented"))).toHaveLength(1);
  });
});

describe("close-on-exec", () => {
  it("exec closes the descriptors marked by pipe2(O_CLOEXEC), dup3(O_CLOEXEC), F_DUPFD_CLOEXEC and F_SETFD, and keeps the rest", () => {
    // The new program prints F_GETFD of fds 3..9: -EBADF for each one exec closed.
    const probe = elfOf(`${START}  li s0, 3\n1:\n  mv a0, s0\n  li a1, ${F_GETFD}\n  li a7, 25\n  ecall\n  neg a0, a0\n  addi a0, a0, 48\n  la t0, c\n  sb a0, 0(t0)\n  li a0, 1\n  la a1, c\n  li a2, 1\n  li a7, 64\n  ecall
  addi s0, s0, 1\n  li t0, 10\n  bne s0, t0, 1b\n${exit(0)}  .data\nc: .byte 0\n`);
    const { r } = fdRun(`${sc("SYS_PIPE2", "&fds", O_CLOEXEC)}${sc("SYS_PIPE2", "&fds", 0)}${sc("SYS_DUP3", 5, 7, O_CLOEXEC)}${sc("SYS_FCNTL64", 6, F_DUPFD_CLOEXEC, 8)}
${sc("SYS_DUP", 0)}${sc("SYS_FCNTL64", 6, F_SETFD, 1)}${sc(221, "&path", "&argv", "&envp")}  .data\n  .align 2\npath: .asciz "/probe"\n  .align 2\nargv: .word path, 0\nenvp: .word 0\n  .text\n`, { programs: { "/probe": probe } });
    // fds: 3 4 (cloexec pipe) 5 6 (plain pipe; 6 marked by F_SETFD) 7 (dup3 cloexec) 8 (F_DUPFD_CLOEXEC) 9 (dup)
    const code = (errno: number): string => String.fromCharCode(48 + errno);
    expect(r.stdout).toBe([EBADF, EBADF, 0, EBADF, EBADF, EBADF, 0].map(code).join(""));
  });
});

describe("readv and writev", () => {
  it("writev gathers the buffers in order, readv scatters a pipe's bytes over them in order", () => {
    const { out } = fdRun(`${PIPE()}${scs("SYS_WRITEV", "s1", "&wv", 4)}${scs("SYS_READV", "s0", "&rv", 4)}${words("buf", 2)}${words("buf2", 3)}
${IOV("wv", [["msg", 3], ["msg", 0], ["msg + 3", 4], ["msg + 7", 4]])}${IOV("rv", [["buf", 2], ["buf2", 0], ["buf + 2", 5], ["buf2", 100]])}`);
    expect(out.slice(0, 2)).toEqual([11, 11]);
    expect(text(out.slice(2, 4)).slice(0, 7)).toBe("hello, ");
    expect(text(out.slice(4, 7)).slice(0, 5)).toBe("pipe\0");
  });

  it("writev to a file without write_iter (the console) writes each buffer in turn", () => {
    const { r } = fdRun(`${scs("SYS_WRITEV", 1, "&wv", 3)}${IOV("wv", [["msg + 7", 4], ["msg + 5", 2], ["msg", 5]])}`);
    expect(r.stdout).toBe("pipe, hello0x0000000b\n");
  });

  it("stops at the first short transfer: the buffers after it are left alone", () => {
    // A pipe holding 5 bytes, read into 3 + 10 + 10 bytes; /proc/self/statm (one line) into 4 + 4096 + 8.
    const { out } = fdRun(`  la t0, catbuf\n  sw zero, 0(t0)\n${PIPE()}${sc("SYS_WRITE", "s1", "&msg", 5)}${scs("SYS_READV", "s0", "&rv", 3)}${OPEN("statm")}  mv s2, a0\n${scs("SYS_READV", "s2", "&sv", 3)}
${OPEN("statm")}${scs("SYS_READ", "a0", "&catbuf", 4096)}  la t0, buf2\n  lw a0, 0(t0)\n${show}${IOV("rv", [["buf", 3], ["buf + 16", 10], ["buf2", 10]])}${IOV("sv", [["buf + 32", 4], ["buf + 64", 4096], ["buf2", 8]])}`);
    const [pipeRead, statmRead, statmSize, untouched] = out;
    expect(pipeRead).toBe(5);
    expect(statmRead).toBe(statmSize);
    expect(untouched).toBe(0);
  });

  it("a fault in a later buffer ends the call with the bytes moved before it", () => {
    const { r } = fdRun(`${scs("SYS_WRITEV", 1, "&wv", 3)}${IOV("wv", [["msg", 5], [0x10, 5], ["msg", 5]])}`);
    expect(r.stdout).toBe("hello0x00000005\n");
  });

  it("moves 0 bytes for 0 buffers, and refuses like Linux: iovcnt, negative lengths (-EINVAL), bad pointers (-EFAULT), wrong fd (-EBADF)", () => {
    const { out } = fdRun(`${PIPE()}${scs("SYS_READV", "s0", "&bad", 0)}${scs("SYS_WRITEV", "s1", "&bad", 0)}${scs("SYS_READV", "s0", "&ok", 1025)}${scs("SYS_READV", "s0", "&ok", -1)}
${scs("SYS_WRITEV", "s1", "&neg", 2)}${scs("SYS_WRITEV", "s1", 0x10, 1)}${scs("SYS_WRITEV", "s1", "&bad", 2)}${scs("SYS_READV", 99, "&ok", 1)}${scs("SYS_READV", "s1", "&ok", 1)}${scs("SYS_READV", "s1", "&ok", 0)}
${scs("SYS_WRITEV", "s0", "&ok", 0)}${IOV("ok", [["buf", 10]])}${IOV("neg", [["buf", 10], ["buf", -1]])}${IOV("bad", [["buf", 10], [0xc0000000, 10]])}`);
    expect(out).toEqual([0, 0, err(EINVAL), err(EINVAL), err(EINVAL), err(EFAULT), err(EFAULT), err(EBADF), err(EBADF), err(EBADF), err(EBADF)]);
  });

  it("cuts a total beyond MAX_RW_COUNT instead of refusing it: two 1.75 GiB buffers to a non-blocking pipe write 65536", () => {
    const { out } = fdRun(`${PIPE(O_NONBLOCK)}${scs("SYS_WRITEV", "s1", "&huge", 2)}${IOV("huge", [["big", 0x7000_0000], ["big", 0x7000_0000]])}`);
    expect(out).toEqual([65536]);
  });

  it("a writev to a pipe of up to PIPE_BUF bytes in all is one write: all or nothing", () => {
    // The ring is full; its last page has 3996 bytes of room. 2000 + 2000 bytes do not fit whole
    // (-EAGAIN, nothing written), where two write() calls would put in 2000; 1000 + 2996 do fit.
    const { out } = fdRun(`${PIPE(O_NONBLOCK)}${sc("SYS_WRITE", "s1", "&big", 15 * 4096)}${sc("SYS_WRITE", "s1", "&big", 100)}
${scs("SYS_WRITEV", "s1", "&two", 2)}${scs("SYS_WRITEV", "s1", "&fit", 2)}${scs("SYS_READ", "s0", "&big", 65536)}
${IOV("two", [["big", 2000], ["big", 2000]])}${IOV("fit", [["big", 1000], ["big", 2996]])}`);
    expect(out).toEqual([err(EAGAIN), 3996, 65536]);
  });
});
