// Guest programs for the file-system call tests, written as a transcript: a Script is a list of
// system calls whose arguments are numbers, strings (NUL-terminated in .data), buffers (zeroed, in
// .bss) or the result of an earlier call. The program makes the calls in order, keeps every result,
// and at the end prints the results and the buffers as hex lines, which run() parses back:
//
//   const s = new Script();
//   const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_CREAT | O_RDWR, 0o644);
//   s.call(SYS.write, fd, s.str("hi"), 2);
//   const r = s.run({ root });          r.res(fd) === 3, r.buf("name") is a buffer's bytes
//
// The same ELF runs under qemu-riscv32 for the oracle tests (s.elf(), parse()).

import { elfOf, runElf, type RunOptions, type RunResult } from "../helpers/kernel.js";

/** Linux 5.15 riscv32 numbers of the calls these tests make. */
export const SYS = {
  getcwd: 17, dup: 23, fcntl: 25, mkdirat: 34, unlinkat: 35, symlinkat: 36, linkat: 37, truncate64: 45,
  ftruncate64: 46, faccessat: 48, chdir: 49, fchdir: 50, openat: 56, close: 57, pipe2: 59, getdents64: 61,
  llseek: 62, read: 63, write: 64, pread64: 67, pwrite64: 68, readlinkat: 78, sync: 81, fsync: 82,
  fdatasync: 83, exit: 93, waitid: 95, clone: 220, mmap2: 222, renameat2: 276, statx: 291, faccessat2: 439,
} as const;

export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;
export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000;
export const O_APPEND = 0o2000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000;
export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
export const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

export const E = {
  EPERM: -1, ENOENT: -2, EIO: -5, EBADF: -9, EACCES: -13, EFAULT: -14, EBUSY: -16, EEXIST: -17, EXDEV: -18,
  ENOTDIR: -20, EISDIR: -21, EINVAL: -22, EFBIG: -27, ESPIPE: -29, EROFS: -30, ERANGE: -34,
  ENAMETOOLONG: -36, ENOTEMPTY: -39, ELOOP: -40,
} as const;

/** A call's result, usable as a later call's argument. */
export interface Ref {
  readonly ref: number;
}
type Arg = number | Ref | { readonly label: string };

/** The two registers of a 64-bit argument on rv32: low word first, no alignment padding. */
export function u64(v: number | bigint): [number, number] {
  const b = BigInt.asUintN(64, BigInt(v));
  return [Number(b & 0xffff_ffffn) | 0, Number(b >> 32n) | 0];
}

export class Script {
  private readonly text: string[] = [];
  private readonly data: string[] = [];
  private readonly bss: { name: string; size: number }[] = [];
  private nres = 0;
  private nlabels = 0;

  /** A NUL-terminated string (or exact bytes, with `raw`) in .data. */
  str(s: string | Uint8Array, raw = false): Arg {
    const bytes = typeof s === "string" ? new TextEncoder().encode(s) : s;
    const label = `str_${this.nlabels++}`;
    const all = raw ? [...bytes] : [...bytes, 0];
    this.data.push(`${label}:\n${all.length === 0 ? "" : `  .byte ${all.join(",")}\n`}`);
    return { label };
  }

  /** A zeroed buffer of `size` bytes, printed at the end and readable as r.buf(name). */
  buf(name: string, size = 256): Arg {
    if (!this.bss.some((b) => b.name === name)) this.bss.push({ name, size });
    return { label: `b_${name}` };
  }

  /** A system call; returns a reference to its result. */
  call(nr: number, ...args: (Arg | [number, number])[]): Ref {
    const flat = args.flatMap((a) => (Array.isArray(a) ? a : [a]));
    if (flat.length > 6) throw new Error("at most 6 argument registers");
    const lines = flat.map((a, i) => {
      if (typeof a === "number") return `  li a${i}, ${a | 0}\n`;
      if ("ref" in a) return `  la t0, results\n  lw a${i}, ${4 * a.ref}(t0)\n`;
      return `  la a${i}, ${a.label}\n`;
    });
    return this.asm(`${lines.join("")}  li a7, ${nr}\n  ecall\n`);
  }

  /** Raw assembly; a0 afterwards is kept as its result. */
  asm(code: string): Ref {
    const ref = this.nres++;
    this.text.push(`${code}  la t0, results\n  sw a0, ${4 * ref}(t0)\n`);
    return { ref };
  }

  /** The program's source. */
  source(): string {
    const dump = [`  la a0, results\n  li a1, ${4 * Math.max(this.nres, 1)}\n  call hexdump\n`,
      ...this.bss.map((b) => `  la a0, b_${b.name}\n  li a1, ${b.size}\n  call hexdump\n`)];
    const maxDump = Math.max(4 * this.nres, ...this.bss.map((b) => b.size), 4);
    return `.text\n.globl _start\n_start:\n${this.text.join("")}${dump.join("")}  li a0, 0\n  li a7, 93\n  ecall\n${HEXDUMP}
  .data\n  .align 2\n${this.data.join("")}hexdigits: .ascii "0123456789abcdef"
  .bss\n  .align 12\nresults: .zero ${4 * Math.max(this.nres, 1)}\n${this.bss.map((b) => `  .align 3\nb_${b.name}: .zero ${b.size}\n`).join("")}hexout: .zero ${2 * maxDump + 8}\n`;
  }

  elf(): Uint8Array {
    return elfOf(this.source());
  }

  /** Run under vmos. */
  run(o: RunOptions = {}): ScriptResult {
    const run = runElf(this.elf(), "t", o);
    return new ScriptResult(run.stdout, this.bss.map((b) => b.name), run);
  }

  /** Parse the output of the same program run elsewhere (qemu). */
  parse(stdout: string): ScriptResult {
    return new ScriptResult(stdout, this.bss.map((b) => b.name), null);
  }
}

/** hexdump(a0 = address, a1 = length): one line of hex on stdout. */
const HEXDUMP = `hexdump:
  la t0, hexout
  add t2, a0, a1
  la t5, hexdigits
1: bgeu a0, t2, 2f
  lbu t3, 0(a0)
  srli t4, t3, 4
  add t4, t5, t4
  lbu t4, 0(t4)
  sb t4, 0(t0)
  andi t3, t3, 15
  add t3, t5, t3
  lbu t3, 0(t3)
  sb t3, 1(t0)
  addi t0, t0, 2
  addi a0, a0, 1
  j 1b
2: li t3, 10
  sb t3, 0(t0)
  addi t0, t0, 1
  la a1, hexout
  sub a2, t0, a1
  li a0, 1
  li a7, 64
  ecall
  ret
`;

export class ScriptResult {
  readonly results: number[];
  private readonly bufs = new Map<string, Uint8Array>();

  constructor(stdout: string, names: string[], readonly run: RunResult | null) {
    const lines = stdout.split("\n").filter((l) => /^[0-9a-f]*$/.test(l) && l.length > 0);
    const bytes = lines.map((l) => Uint8Array.from(l.match(/../g)!.map((h) => parseInt(h, 16))));
    if (bytes.length < 1 + names.length) throw new Error(`the program did not finish:\n${stdout}\n${run?.stderr ?? ""}`);
    const res = bytes[0]!;
    const view = new DataView(res.buffer);
    this.results = Array.from({ length: res.length / 4 }, (_, i) => view.getInt32(4 * i, true));
    names.forEach((n, i) => this.bufs.set(n, bytes[1 + i]!));
  }

  /** The result of a call. */
  res(r: Ref): number {
    return this.results[r.ref]!;
  }

  /** A buffer's bytes after the run. */
  buf(name: string): Uint8Array {
    return this.bufs.get(name)!;
  }

  /** A buffer's bytes as text, up to `len` bytes or its first NUL. */
  text(name: string, len?: number): string {
    const b = this.buf(name);
    const end = len ?? (b.indexOf(0) < 0 ? b.length : b.indexOf(0));
    return new TextDecoder().decode(b.subarray(0, end));
  }
}

/** struct statx fields (include/uapi/linux/stat.h), decoded from 256 bytes. */
export interface Statx {
  mask: number; blksize: number; attributes: bigint; nlink: number; uid: number; gid: number; mode: number;
  ino: bigint; size: bigint; blocks: bigint; attributes_mask: bigint;
  atime: [bigint, number]; btime: [bigint, number]; ctime: [bigint, number]; mtime: [bigint, number];
  rdev: [number, number]; dev: [number, number]; mnt_id: bigint;
}

export function statx(b: Uint8Array): Statx {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ts = (o: number): [bigint, number] => [v.getBigInt64(o, true), v.getUint32(o + 8, true)];
  return {
    mask: v.getUint32(0, true), blksize: v.getUint32(4, true), attributes: v.getBigUint64(8, true),
    nlink: v.getUint32(16, true), uid: v.getUint32(20, true), gid: v.getUint32(24, true), mode: v.getUint16(28, true),
    ino: v.getBigUint64(32, true), size: v.getBigUint64(40, true), blocks: v.getBigUint64(48, true),
    attributes_mask: v.getBigUint64(56, true), atime: ts(64), btime: ts(80), ctime: ts(96), mtime: ts(112),
    rdev: [v.getUint32(128, true), v.getUint32(132, true)], dev: [v.getUint32(136, true), v.getUint32(140, true)],
    mnt_id: v.getBigUint64(144, true),
  };
}

/** struct linux_dirent64 records from the first `len` bytes of a getdents64 buffer. */
export function dirents(b: Uint8Array, len: number): { ino: bigint; off: bigint; reclen: number; type: number; name: string }[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  for (let at = 0; at < len;) {
    const reclen = v.getUint16(at + 16, true);
    const name = b.subarray(at + 19, at + reclen);
    out.push({
      ino: v.getBigUint64(at, true), off: v.getBigInt64(at + 8, true), reclen, type: b[at + 18]!,
      name: new TextDecoder().decode(name.subarray(0, name.indexOf(0))),
    });
    at += reclen;
  }
  return out;
}
