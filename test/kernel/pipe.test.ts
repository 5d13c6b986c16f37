// Pipes (pipe2, kernel/fs/pipe.ts) with Linux's semantics: data in order through a ring of 16 pages
// that are real frames; EOF, EPIPE and SIGPIPE; O_NONBLOCK; atomic writes up to PIPE_BUF; blocking
// on both sides, a write that sleeps in the middle and goes on, signals that cut it short; reading
// into copy-on-write memory; and a deadlock of processes asleep on pipes.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { exit } from "../helpers/kernel.js";
import { cat, field } from "../helpers/proc.js";
import { kill, SA_RESTART, sigaction, SIGPIPE, SIGUSR1, spin } from "../helpers/signal.js";
import { err, info, PI, run, sc, scs, show, type GuestRun } from "./mm-syscalls.helpers.js";

const EAGAIN = 11, EBADF = 9, EBUSY = 16, EFAULT = 14, EINTR = 4, EINVAL = 22, EMFILE = 24, ENOPKG = 65, EPIPE = 32, ESPIPE = 29;
const O_NONBLOCK = 0o4000, O_CLOEXEC = 0o2000000, O_DIRECT = 0o40000, O_EXCL = 0o200;
const F_GETFD = 1, F_GETFL = 3, F_SETFL = 4, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;

/** pipe2(fds, flags), then s0 = the read end and s1 = the write end. */
const PIPE = (flags = 0): string => `${sc("SYS_PIPE2", "&fds", flags)}  la t0, fds\n  lw s0, 0(t0)\n  lw s1, 4(t0)\n`;
/** fork: a0 = the child's pid in the parent, 0 in the child. */
const FORK = "  call sys_fork\n";
/** waitid(P_ALL, 0, &siginfo, WEXITED, 0). */
const WAIT = sc("SYS_WAITID", 0, 0, "&siginfo", 4, 0);
/** Fill `big` with the pattern byte(i) = (i + (i >> 8)) & 0xff, which shows any byte out of place. */
const PATTERN = (n: number): string => `  la t0, big\n  li t1, 0\n  li t2, ${n}\n.Lpat:\n  srli t3, t1, 8\n  add t3, t3, t1\n  add t4, t0, t1\n  sb t3, 0(t4)\n  addi t1, t1, 1\n  blt t1, t2, .Lpat\n`;
/**
 * Read fd s0 to EOF in `chunk`-byte reads, checking each byte against PATTERN; print the bytes read
 * and the bytes out of place, then exit(0).
 */
const CHECK_READER = (chunk: number): string => `.Lrd:
${sc("SYS_READ", "s0", "&rbuf", chunk)}  blez a0, .Lrd_done
  la t0, rbuf
  add t1, t0, a0
.Lrd_byte:
  lbu t2, 0(t0)
  srli t3, s2, 8
  add t3, t3, s2
  andi t3, t3, 255
  beq t2, t3, 1f
  addi s3, s3, 1
1: addi s2, s2, 1
  addi t0, t0, 1
  bne t0, t1, .Lrd_byte
  j .Lrd
.Lrd_done:
  mv a0, s2
${show}  mv a0, s3
${show}${exit(0)}`;
/** A SIGUSR1 handler counting its calls in `hit`. */
const HANDLER = "handler:\n  la t0, hit\n  lw t1, 0(t0)\n  addi t1, t1, 1\n  sw t1, 0(t0)\n  ret\n";
const DATA = `  .data
  .align 2
fds: .word 0, 0
fds2: .word 0, 0
hit: .word 0
msg: .ascii "hello"
msg5: .ascii ", pipe"
meminfo: .asciz "/proc/meminfo"
  .bss
  .align 12
siginfo: .zero 128
catbuf: .zero 4096
rbuf: .zero 65536
big: .zero 262144
cowbuf: .zero 4096
  .text
`;

/** Run `body` (then exit 0) with the data above; every frame must be free again at the end. */
function pipeRun(body: string, o: Parameters<typeof run>[1] = {}): GuestRun {
  const g = run(`${body}  j .Lend\n${HANDLER}${DATA}.Lend:\n`, o);
  expect(nr_free_pages(g.r.kernel.zone), "every frame is free again").toBe(g.r.kernel.boot_free_pages);
  return g;
}

/** The pattern PATTERN writes, for checking from the test. */
const patternByte = (i: number): number => (i + (i >> 8)) & 0xff;

describe("pipe2", () => {
  it("gives the two lowest free descriptors, read end first; bytes come out in order, then EOF when no writer is left", () => {
    const { out } = pipeRun(`${PIPE()}  mv a0, s0\n${show}  mv a0, s1\n${show}${scs("SYS_WRITE", "s1", "&msg", 5)}${scs("SYS_WRITE", "s1", "&msg5", 6)}
${scs("SYS_READ", "s0", "&rbuf", 100)}  la s2, rbuf\n${[0, 4, 8].map((o) => `  lw a0, ${o}(s2)\n${show}`).join("")}${scs("SYS_CLOSE", "s1")}${scs("SYS_READ", "s0", "&rbuf", 100)}`);
    const text = (w: number): string => String.fromCharCode(w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, w >>> 24);
    expect(out.slice(0, 5)).toEqual([3, 4, 5, 6, 11]);
    expect(out.slice(5, 8).map(text).join("")).toBe("hello, pipe\0");
    expect(out.slice(8)).toEqual([0, 0]);
  });

  it("O_CLOEXEC marks both descriptors, O_NONBLOCK goes to both files, O_DIRECT to the write end only", () => {
    const { out } = pipeRun(`${PIPE(O_CLOEXEC | O_NONBLOCK | O_DIRECT)}${scs("SYS_FCNTL64", "s0", F_GETFD)}${scs("SYS_FCNTL64", "s1", F_GETFD)}${scs("SYS_FCNTL64", "s0", F_GETFL)}${scs("SYS_FCNTL64", "s1", F_GETFL)}
${PIPE()}${scs("SYS_FCNTL64", "s0", F_GETFD)}${scs("SYS_FCNTL64", "s0", F_GETFL)}${scs("SYS_FCNTL64", "s1", F_GETFL)}`);
    expect(out).toEqual([1, 1, O_NONBLOCK, 1 | O_NONBLOCK | O_DIRECT, 0, 0, 1]);
  });

  it("refuses other flags (-EINVAL; O_NOTIFICATION_PIPE -ENOPKG without watch queues) and an unwritable fds (-EFAULT) without using a descriptor", () => {
    const { out } = pipeRun(`${scs("SYS_PIPE2", "&fds", 0o2000)}${scs("SYS_PIPE2", "&fds", O_EXCL)}${scs("SYS_PIPE2", 0x10, 0)}${scs("SYS_PIPE2", "&_start", 0)}${scs("SYS_PIPE2", 0xc0000000, 0)}
${PIPE()}  mv a0, s0\n${show}`);
    expect(out).toEqual([err(EINVAL), err(ENOPKG), err(EFAULT), err(EFAULT), err(EFAULT), 3]);
  });

  it("needs two free descriptors below RLIMIT_NOFILE: -EMFILE, and the one it found stays free", () => {
    // RLIMIT_NOFILE = 4: only fd 3 is free.
    const { out } = pipeRun(`${sc(261, 0, 7, "&lim", 0)}${scs("SYS_PIPE2", "&fds", 0)}${scs("SYS_DUP", 0)}
  .data\nlim: .word 4, 0, 4, 0\n  .text\n`);
    expect(out).toEqual([err(EMFILE), 3]);
  });

  it("has no position (llseek -ESPIPE), and each end works one way only (-EBADF)", () => {
    const { out } = pipeRun(`${PIPE()}${scs(62, "s0", 0, 0, "&rbuf", 0)}${scs(62, "s1", 0, 0, "&rbuf", 0)}${scs("SYS_READ", "s1", "&rbuf", 1)}${scs("SYS_WRITE", "s0", "&msg", 1)}`);
    expect(out).toEqual([err(ESPIPE), err(ESPIPE), err(EBADF), err(EBADF)]);
  });
});

describe("the ring of pages", () => {
  it("holds 16 pages: a non-blocking write of 100000 bytes writes 65536, then -EAGAIN; an empty pipe reads -EAGAIN", () => {
    const { out } = pipeRun(`${PIPE(O_NONBLOCK)}${scs("SYS_READ", "s0", "&rbuf", 10)}${scs("SYS_WRITE", "s1", "&big", 100000)}${scs("SYS_WRITE", "s1", "&big", 1)}
${scs("SYS_READ", "s0", "&rbuf", 4096)}${scs("SYS_WRITE", "s1", "&big", 100000)}${scs("SYS_WRITE", "s1", "&big", 1)}`);
    expect(out).toEqual([err(EAGAIN), 65536, err(EAGAIN), 4096, 4096, err(EAGAIN)]);
  });

  it("changes size with F_SETPIPE_SZ (pages, rounded up to a power of two), keeps its data in order, -EBUSY below what it holds", () => {
    // 8192 bytes of PATTERN fill the 2 slots of an 8 KiB pipe; after reading 4096 of them the ring
    // grows, moving the slot left to the front: the next byte read is byte 4096 of the pattern.
    const { out } = pipeRun(`${PIPE(O_NONBLOCK)}${PATTERN(65536)}${scs("SYS_FCNTL64", "s1", F_GETPIPE_SZ, 0)}${scs("SYS_FCNTL64", "s1", F_SETPIPE_SZ, 5000)}
${scs("SYS_FCNTL64", "s0", F_GETPIPE_SZ, 0)}${scs("SYS_WRITE", "s1", "&big", 100000)}${scs("SYS_WRITE", "s1", "&big", 1)}${scs("SYS_FCNTL64", "s1", F_SETPIPE_SZ, 4096)}
${scs("SYS_READ", "s0", "&rbuf", 4096)}${scs("SYS_FCNTL64", "s1", F_SETPIPE_SZ, 65536)}${scs("SYS_READ", "s0", "&rbuf", 1)}  la t0, rbuf
  lbu a0, 0(t0)
${show}${scs("SYS_FCNTL64", "s1", F_SETPIPE_SZ, 0x80000001)}${scs("SYS_FCNTL64", 1, F_GETPIPE_SZ, 0)}${scs("SYS_FCNTL64", "s1", F_SETPIPE_SZ, 0)}`);
    expect(out).toEqual([65536, 8192, 8192, 8192, err(EAGAIN), err(EBUSY), 4096, 65536, 1, (4096 + 16) & 0xff, err(EINVAL), err(EBADF), 4096]);
  });

  it("merges small writes into the last page, but never splits a write of up to PIPE_BUF bytes", () => {
    // 16 one-byte writes share one page, so 15 pages are left for 65536 more bytes. Later a 4000-byte
    // write does not fit in the 3996 bytes left in the last page: it needs a page of its own (-EAGAIN:
    // the ring is full), while 3996 bytes merge.
    const { out } = pipeRun(`${PIPE(O_NONBLOCK)}  li s2, 16\n1:\n${sc("SYS_WRITE", "s1", "&msg", 1)}  addi s2, s2, -1\n  bnez s2, 1b
${scs("SYS_WRITE", "s1", "&big", 65536)}${scs("SYS_READ", "s0", "&rbuf", 16)}${scs("SYS_WRITE", "s1", "&big", 100)}${scs("SYS_WRITE", "s1", "&big", 4000)}${scs("SYS_WRITE", "s1", "&big", 3996)}`);
    expect(out).toEqual([15 * 4096, 16, 100, err(EAGAIN), 3996]);
  });

  it("merges the tail of a large write (count % 4096) into the last page first, as Linux does", () => {
    // 16 bytes in the first page; 100000 % 4096 = 1696 bytes join them, then 15 whole pages.
    const { out } = pipeRun(`${PIPE(O_NONBLOCK)}${sc("SYS_WRITE", "s1", "&msg", 16)}${scs("SYS_WRITE", "s1", "&big", 100000)}${scs("SYS_READ", "s0", "&rbuf", 65536)}`);
    expect(out).toEqual([1696 + 15 * 4096, 16 + 1696 + 15 * 4096]);
  });

  it("takes a frame per page as data arrives and gives it back once read (MemFree)", () => {
    const { r } = pipeRun(`  la t0, big\n  li t1, 0\n  li t2, 5\n1: sw t1, 0(t0)\n  li t3, 4096\n  add t0, t0, t3\n  addi t1, t1, 1\n  bne t1, t2, 1b
  la t0, rbuf\n  li t1, 0\n  li t2, 5\n1: sw t1, 0(t0)\n  li t3, 4096\n  add t0, t0, t3\n  addi t1, t1, 1\n  bne t1, t2, 1b
  la t0, catbuf\n  sw zero, 0(t0)\n${PIPE()}${cat("meminfo")}${sc("SYS_WRITE", "s1", "&big", 5 * 4096)}${cat("meminfo")}${sc("SYS_READ", "s0", "&rbuf", 3 * 4096)}${cat("meminfo")}${sc("SYS_WRITE", "s1", "&big", 10)}${sc("SYS_CLOSE", "s0")}${sc("SYS_CLOSE", "s1")}${cat("meminfo")}`);
    const free = r.stdout.split("MemTotal").slice(1).map((t) => field(t, "MemFree"));
    expect(free[0]! - free[1]!).toBe(5 * 4); // kB: five frames for five pages of data
    expect(free[0]! - free[2]!).toBe(2 * 4); // three read back, two still in the pipe
    expect(free[3]).toBe(free[0]); // closing both ends frees what was left (and the small write's page)
  });

  it("in packet mode (O_DIRECT) each write is a packet: a read returns at most one, and drops what did not fit", () => {
    const { out } = pipeRun(`${PIPE(O_DIRECT | O_NONBLOCK)}${sc("SYS_WRITE", "s1", "&msg", 3)}${sc("SYS_WRITE", "s1", "&msg", 5)}${sc("SYS_WRITE", "s1", "&msg", 7)}
${scs("SYS_READ", "s0", "&rbuf", 100)}${scs("SYS_READ", "s0", "&rbuf", 2)}${scs("SYS_READ", "s0", "&rbuf", 100)}${scs("SYS_READ", "s0", "&rbuf", 100)}
${scs("SYS_FCNTL64", "s1", F_SETFL, 0)}${sc("SYS_WRITE", "s1", "&msg", 3)}${sc("SYS_WRITE", "s1", "&msg", 5)}${scs("SYS_READ", "s0", "&rbuf", 100)}`);
    // After F_SETFL without O_DIRECT the writes are a plain stream again and merge.
    expect(out).toEqual([3, 2, 7, err(EAGAIN), 0, 8]);
  });
});

describe("blocking", () => {
  it("a writer of 200000 bytes sleeps whenever the ring is full and goes on: the reader gets every byte in order", () => {
    const n = 200_000;
    const { r, out } = pipeRun(`${PATTERN(n)}${PIPE()}${FORK}  bnez a0, .Lparent
${sc("SYS_CLOSE", "s1")}  li s2, 0\n  li s3, 0\n${CHECK_READER(1000)}.Lparent:
${sc("SYS_CLOSE", "s0")}${sc("SYS_WRITE", "s1", "&big", n)}  mv s4, a0\n${sc("SYS_CLOSE", "s1")}${WAIT}  mv a0, s4\n${show}`, { trace: ["sched"], quantum: 3000 });
    expect(out).toEqual([n, 0, n]); // the child read n bytes, none out of place; write returned n
    expect(r.trace).toMatch(/sleeps: pipe_write: pipe:\[1\] is full, 65536 of 200000 bytes written/);
    expect(r.trace).toMatch(/pipe_write of t\[1\] resumes at 65536 of 200000 bytes/);
  });

  it("writes of at most PIPE_BUF bytes are atomic: two writers' 4000-byte records never mix", () => {
    const records = 24;
    const writer = (letter: string): string => `  la t0, big\n  li t1, ${letter.charCodeAt(0)}\n  li t2, 4000\n1: sb t1, 0(t0)\n  addi t0, t0, 1\n  addi t2, t2, -1\n  bnez t2, 1b
${sc("SYS_CLOSE", "s0")}  li s2, ${records}\n2:\n${sc("SYS_WRITE", "s1", "&big", 4000)}  addi s2, s2, -1\n  bnez s2, 2b\n${exit(0)}`;
    const { r } = pipeRun(`${PIPE()}${FORK}  bnez a0, 3f\n${writer("A")}3:\n${FORK}  bnez a0, 4f\n${writer("B")}4:
${sc("SYS_CLOSE", "s1")}5:\n${sc("SYS_READ", "s0", "&rbuf", 10000)}  blez a0, 6f\n  mv a2, a0\n${sc("SYS_WRITE", 1, "&rbuf")}  j 5b\n6:\n${WAIT}${WAIT}`, { quantum: 700 });
    expect(r.stdout.length).toBe(2 * records * 4000);
    const chunks = r.stdout.match(/.{4000}/gs)!;
    for (const c of chunks) expect(c === "A".repeat(4000) || c === "B".repeat(4000)).toBe(true);
    const switches = chunks.filter((c, i) => i > 0 && c !== chunks[i - 1]).length;
    expect(switches).toBeGreaterThan(2); // the writers did run side by side
  });

  it("a reader asleep on an empty pipe wakes for data, and for EOF when the last writer closes", () => {
    const { r, out } = pipeRun(`${PIPE()}${FORK}  bnez a0, 1f\n${spin(20000)}${sc("SYS_WRITE", "s1", "&msg", 5)}${spin(20000)}${exit(0)}1:
${sc("SYS_CLOSE", "s1")}${scs("SYS_READ", "s0", "&rbuf", 100)}${scs("SYS_READ", "s0", "&rbuf", 100)}${WAIT}`, { trace: ["sched"] });
    expect(out).toEqual([5, 0]);
    expect(r.trace.match(/sleeps: pipe_read/g)!.length).toBe(2);
  });
});

describe("no reader: EPIPE and SIGPIPE", () => {
  const noReader = (setup: string): GuestRun => pipeRun(`${setup}${PIPE()}${sc("SYS_CLOSE", "s0")}${scs("SYS_WRITE", "s1", "&msg", 5)}  la t0, hit\n  lw a0, 0(t0)\n${show}`);

  it("SIGPIPE kills the writer by default (a shell shows 128 + 13)", () => {
    const { r, out } = noReader("");
    expect(r.status).toBe(128 + SIGPIPE);
    expect(out).toEqual([]);
  });

  it("with SIGPIPE ignored write returns -EPIPE; with a handler the handler runs, then -EPIPE", () => {
    expect(noReader(sigaction(SIGPIPE, 1)).out).toEqual([err(EPIPE), 0]);
    expect(noReader(sigaction(SIGPIPE, "handler")).out).toEqual([err(EPIPE), 1]);
  });

  it("a writer asleep on a full pipe gets -EPIPE when the last reader goes, or the bytes it wrote before", () => {
    // The child holds the only read end, reads nothing, and exits after a while.
    const sleeper = (write: string): GuestRun => pipeRun(`${sigaction(SIGPIPE, 1)}${PIPE()}${FORK}  bnez a0, 1f\n${sc("SYS_CLOSE", "s1")}${spin(30000)}${exit(0)}1:
${sc("SYS_CLOSE", "s0")}${write}  mv a0, s4\n${show}${WAIT}`);
    // Nothing written before it slept: -EPIPE. 65536 bytes written first: those are the result.
    const fill = `${scs("SYS_FCNTL64", "s1", F_SETFL, O_NONBLOCK)}${sc("SYS_WRITE", "s1", "&big", 65536)}${sc("SYS_FCNTL64", "s1", F_SETFL, 0)}`;
    expect(sleeper(`${fill}${sc("SYS_WRITE", "s1", "&big", 10)}  mv s4, a0\n`).out).toEqual([0, err(EPIPE)]);
    expect(sleeper(`${sc("SYS_WRITE", "s1", "&big", 100000)}  mv s4, a0\n`).out).toEqual([65536]);
  });
});

describe("signals and a sleeping write", () => {
  /**
   * The parent writes `bytes` into a pipe already holding `prefill` bytes; its child (the only
   * reader) spins, sends SIGUSR1, spins, then drains the pipe and exits. Prints write's result and
   * the handler's count; then the bytes the child drained.
   */
  const interrupted = (flags: number, prefill: number, bytes: number): number[] => pipeRun(`${sigaction(SIGUSR1, "handler", flags)}${PIPE(O_NONBLOCK)}${sc("SYS_WRITE", "s1", "&big", prefill)}${sc("SYS_FCNTL64", "s1", F_SETFL, 0)}${sc("SYS_FCNTL64", "s0", F_SETFL, 0)}
${FORK}  bnez a0, 1f
${sc("SYS_CLOSE", "s1")}${spin(30000)}${sc(173)}${kill("a0", SIGUSR1)}${spin(30000)}  li s2, 0\n2:\n${sc("SYS_READ", "s0", "&rbuf", 65536)}  blez a0, 3f\n  add s2, s2, a0\n  j 2b\n3:  mv a0, s2\n${show}${exit(0)}1:
${sc("SYS_CLOSE", "s0")}${sc("SYS_WRITE", "s1", "&big", bytes)}  mv s4, a0\n${sc("SYS_CLOSE", "s1")}${WAIT}  mv a0, s4\n${show}  la t0, hit\n  lw a0, 0(t0)\n${show}`).out.map((v) => v | 0);

  it("after part of a large write is in the pipe, a signal ends it: write returns the bytes written, with or without SA_RESTART", () => {
    for (const flags of [0, SA_RESTART]) {
      expect(interrupted(flags, 0, 100000)).toEqual([65536, 65536, 1]); // drained, returned, handler calls
    }
  });

  it("before any byte is written, a signal gives -EINTR without SA_RESTART, and with it the write starts over and completes", () => {
    expect(interrupted(0, 65536, 10)).toEqual([65536, -EINTR, 1]);
    expect(interrupted(SA_RESTART, 65536, 10)).toEqual([65546, 10, 1]);
  });

  it("a parent asleep in the middle of a write is not cut short when a child exits", () => {
    // Child 1 exits soon; child 2 (the reader) starts reading much later. Linux wakes a parent for
    // a child's exit only in wait(): the write must go on to the end.
    const n = 200_000;
    const { r, out } = pipeRun(`${PATTERN(n)}${PIPE()}${FORK}  bnez a0, 1f\n${spin(30000)}${exit(7)}1:
${FORK}  bnez a0, 2f\n${sc("SYS_CLOSE", "s1")}${spin(150000)}  li s2, 0\n  li s3, 0\n${CHECK_READER(4096)}2:
${sc("SYS_CLOSE", "s0")}${sc("SYS_WRITE", "s1", "&big", n)}  mv s4, a0\n${sc("SYS_CLOSE", "s1")}${WAIT}${WAIT}  mv a0, s4\n${show}`, { trace: ["sched"] });
    expect(out).toEqual([n, 0, n]);
    // Child 1's exit finds the parent asleep in the middle of its write and puts it back inside it.
    expect(r.trace).toMatch(/do_exit t\[2\] code 0x700\n[^\n]*pipe_write of t\[1\] resumes at 65536 of 200000 bytes\n[^\n]*wake_up_process t\[1\]/);
  });
});

describe("pipes and memory", () => {
  it("read() into a page that fork made copy-on-write breaks the sharing: the child gets a copy, the parent's page is unchanged", () => {
    const { out } = pipeRun(`  la t0, cowbuf\n  li t1, 0x11111111\n  sw t1, 0(t0)\n${PIPE()}${sc("SYS_WRITE", "s1", "&msg", 4)}${FORK}  bnez a0, 1f
${info("&cowbuf", 0, 1)}${scs("SYS_READ", "s0", "&cowbuf", 4)}${info("&cowbuf", 0, 1)}  la t0, cowbuf\n  lw a0, 0(t0)\n${show}${exit(0)}1:
${WAIT}${info("&cowbuf", 0, 1)}  la t0, cowbuf\n  lw a0, 0(t0)\n${show}`);
    const [pfnBefore, flagsBefore, n, pfnAfter, flagsAfter, childWord, parentPfn, , parentWord] = out;
    expect(n).toBe(4);
    expect(flagsBefore! & PI.WRITE).toBe(0); // shared after fork: write-protected
    expect(pfnAfter).not.toBe(pfnBefore); // the kernel's store broke COW like a user store
    expect(flagsAfter! & PI.WRITE).toBe(PI.WRITE);
    expect(childWord).toBe(0x6c6c6568); // "hell"
    expect(parentPfn).toBe(pfnBefore);
    expect(parentWord).toBe(0x11111111);
  });

  it("read() into a bad buffer is -EFAULT and leaves the data in the pipe", () => {
    const { out } = pipeRun(`${PIPE()}${sc("SYS_WRITE", "s1", "&msg", 5)}${scs("SYS_READ", "s0", 0x10, 5)}${scs("SYS_READ", "s0", "&_start", 5)}${scs("SYS_READ", "s0", "&rbuf", 100)}
${scs("SYS_WRITE", "s1", 0x10, 5)}${scs("SYS_WRITE", "s1", 0x10, 0)}`);
    expect(out).toEqual([err(EFAULT), err(EFAULT), 5, err(EFAULT), 0]);
  });
});

describe("deadlock", () => {
  it("a process reading a pipe whose only write end it holds itself sleeps forever: the run ends with status 125", () => {
    const { r, out } = pipeRun(`${PIPE()}${sc("SYS_WRITE", "s1", "&big", 10000)}${scs("SYS_READ", "s0", "&rbuf", 20000)}${scs("SYS_READ", "s0", "&rbuf", 1)}`);
    expect(out).toEqual([10000]);
    expect(r.status).toBe(125);
    expect(r.log).toContain("vmos: every process is asleep and nothing can wake them (deadlock)");
  });

  it("two processes each waiting to read what the other never writes: status 125, and the data left in a pipe is freed", () => {
    const { r } = pipeRun(`${PIPE()}${sc("SYS_PIPE2", "&fds2", 0)}  la t0, fds2\n  lw s2, 0(t0)\n  lw s3, 4(t0)
${sc("SYS_WRITE", "s3", "&big", 30000)}${FORK}  bnez a0, 1f\n${sc("SYS_READ", "s0", "&rbuf", 1)}${exit(0)}1:\n${spin(5000)}${sc("SYS_READ", "s0", "&rbuf", 1)}`, { trace: ["sched"] });
    expect(r.status).toBe(125);
    expect(r.trace.match(/sleeps: pipe_read/g)!.length).toBe(2);
  });
});

// A check of the helper itself: the pattern has no period of 4096, so misplaced pages are caught.
it("PATTERN differs between the same offset of neighbouring pages", () => {
  expect(patternByte(5)).not.toBe(patternByte(4096 + 5));
});
