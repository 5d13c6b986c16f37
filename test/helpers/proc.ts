// Assembly snippets for tests of files and /proc: system calls by number, and "cat", which copies a
// file to stdout the way a program would (openat, read until 0, write, close).

/** `ecall` with a7 = nr after `setup`. */
export const sys = (nr: number, setup = ""): string => `${setup}  li a7, ${nr}\n  ecall\n`;

export const SYS = { openat: 56, close: 57, llseek: 62, read: 63, write: 64, waitid: 95, getrusage: 165, clone: 220 } as const;

/** openat(dirfd, path at `label`, flags, 0): the fd or -errno in a0. */
export const openat = (label: string, flags = 0, dirfd = -100): string =>
  sys(SYS.openat, `  li a0, ${dirfd}\n  la a1, ${label}\n  li a2, ${flags}\n  li a3, 0\n`);

/**
 * Copy the file named at `label` to stdout through `catbuf` (4096 bytes the program defines). On an
 * open error, writes nothing and leaves -errno in a0. Clobbers s11, a0-a2, a7.
 */
export const cat = (label: string): string => `${openat(label)}  bltz a0, 3f
  mv s11, a0
1: mv a0, s11
  la a1, catbuf
  li a2, 4096
${sys(SYS.read)}  blez a0, 2f
  mv a2, a0
  li a0, 1
  la a1, catbuf
${sys(SYS.write)}  j 1b
2: mv a0, s11
${sys(SYS.close)}3:
`;

/** clone(SIGCHLD, 0, 0, 0, 0): fork. */
export const FORK = sys(SYS.clone, "  li a0, 17\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n");

/** waitid(P_ALL, 0, &info, WEXITED | extra, 0), with `info` a 128-byte buffer the program defines. */
export const waitAny = (extra = 0): string => sys(SYS.waitid, `  li a0, 0\n  li a1, 0\n  la a2, info\n  li a3, ${4 | extra}\n  li a4, 0\n`);

/** Write to each of `pages` pages from `label` (one word each), so they are resident before /proc is read. */
export const touch = (label: string, pages: number, op: "sw" | "lw" = "sw"): string => `  la t0, ${label}
  li t1, ${pages}
1: ${op} ${op === "sw" ? "t1" : "t3"}, 0(t0)
  li t2, 4096
  add t0, t0, t2
  addi t1, t1, -1
  bnez t1, 1b
`;

/** The lines of the smaps block of the VMA whose maps line ends with `name`, as label -> kB. */
export function smapsBlock(smaps: string, name: string): Record<string, number> {
  const lines = smaps.split("\n");
  const start = lines.findIndex((l) => /^[0-9a-f]{8}-/.test(l) && l.endsWith(name));
  if (start < 0) throw new Error(`no VMA named ${name} in:\n${smaps}`);
  const out: Record<string, number> = {};
  for (const l of lines.slice(start + 1)) {
    if (/^[0-9a-f]{8}-/.test(l)) break;
    const m = /^(\w+):\s+(\d+) kB$/.exec(l);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** The kB value of `label` in a meminfo-style text ("MemFree:   123 kB"), or of a vmstat line. */
export function field(text: string, label: string): number {
  const m = new RegExp(`^${label.replace(/[()]/g, "\\$&")}:?\\s+(\\d+)`, "m").exec(text);
  if (m === null) throw new Error(`no ${label} in:\n${text}`);
  return Number(m[1]);
}
