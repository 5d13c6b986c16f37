// /proc/PID/status, statm, stat and cmdline: what a process looks like to ps and top, in Linux
// 5.15's formats, with the memory numbers a known program predicts.

import { describe, expect, it } from "vitest";
import { exit, runSource, START } from "../helpers/kernel.js";
import { cat, FORK, touch, waitAny } from "../helpers/proc.js";

const DATA = (...paths: string[]): string =>
  `  .section .rodata\n${paths.map((p, i) => `path${i || ""}: .asciz "${p}"\n`).join("")}  .data\nd: .word 7\n`;
/** catbuf, a buffer and waitid's info: the bss is exactly 4 pages, 0x13000-0x17000. */
const BSS = "  .bss\n  .align 12\ncatbuf: .zero 4096\nbuf: .zero 3 * 4096 - 128\ninfo: .zero 128\n";

describe("/proc/self/status", () => {
  it("prints identity, state, memory and signal lines exactly as Linux's proc_pid_status", () => {
    const r = runSource(`${START}${touch("buf", 3)}${cat("path")}${exit(0)}${DATA("/proc/self/status")}${BSS}`);
    // Memory when openat took the text:
    //   VMAs: text 1 page, rodata 1, data 1, bss 4 (catbuf + buf + info), vDSO 1, stack 33 = 41 pages.
    //   Resident: text and rodata from the file (2), .data copied by exec's padzero, buf's 3 pages,
    //   the stack's first page: 7 pages, 5 of them anonymous.
    //   VmData counts writable private VMAs (data + bss: 5 pages), VmStk the stack (33 pages), VmExe
    //   the text page, VmLib the rest of the executable mappings (the vDSO page).
    //   VmPTE: two PTE tables (one for 0x0-0x3fffff, one for the stack); riscv's pgd_alloc does not
    //   count the root table.
    // SigQ's limit is RLIMIT_SIGPENDING, max_threads / 2: 4 MiB of RAM holds 64 8-KiB kernel stacks
    // in an eighth of it.
    expect(r.stdout).toBe(`Name:\tt
Umask:\t0022
State:\tR (running)
Tgid:\t1
Ngid:\t0
Pid:\t1
PPid:\t0
TracerPid:\t0
Uid:\t0\t0\t0\t0
Gid:\t0\t0\t0\t0
FDSize:\t32
Groups:\t 
NStgid:\t1
NSpid:\t1
NSpgid:\t0
NSsid:\t0
VmPeak:\t     164 kB
VmSize:\t     164 kB
VmLck:\t       0 kB
VmPin:\t       0 kB
VmHWM:\t      28 kB
VmRSS:\t      28 kB
RssAnon:\t      20 kB
RssFile:\t       8 kB
RssShmem:\t       0 kB
VmData:\t      20 kB
VmStk:\t     132 kB
VmExe:\t       4 kB
VmLib:\t       4 kB
VmPTE:\t       8 kB
VmSwap:\t       0 kB
CoreDumping:\t0
THP_enabled:\t0
Threads:\t1
SigQ:\t0/32
SigPnd:\t0000000000000000
ShdPnd:\t0000000000000000
SigBlk:\t0000000000000000
SigIgn:\t0000000000000000
SigCgt:\t0000000000000000
CapInh:\t0000000000000000
CapPrm:\t000001ffffffffff
CapEff:\t000001ffffffffff
CapBnd:\t000001ffffffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Speculation_Store_Bypass:\tunknown
SpeculationIndirectBranch:\tunsupported
Cpus_allowed:\t1
Cpus_allowed_list:\t0
Mems_allowed:\t1
Mems_allowed_list:\t0
voluntary_ctxt_switches:\t0
nonvoluntary_ctxt_switches:\t0
`);
  });

  it("statm gives the same numbers in pages: size resident shared text lib data dt", () => {
    const r = runSource(`${START}${touch("buf", 3)}${cat("path")}${exit(0)}${DATA("/proc/self/statm")}${BSS}`);
    // 41 pages mapped, 7 resident, 2 of them file pages, 1 text page, data = VmData + VmStk = 5 + 33.
    expect(r.stdout).toBe("41 7 2 1 0 38 0\n");
  });

  it("shows a zombie as Z with no memory lines, and the name disappears once it is reaped", () => {
    // The child exits with 5; the parent waits without reaping (WNOWAIT), prints /proc/2/status and
    // /proc/2/stat, reaps it, and exits with -errno of opening /proc/2/status again.
    const r = runSource(`${START}${FORK}  bnez a0, 1f\n${exit(5)}1:\n${waitAny(0x0100_0000)}${cat("path")}${cat("path1")}${waitAny()}${cat("path")}  neg a0, a0\n${exit("a0")}${DATA("/proc/2/status", "/proc/2/stat")}${BSS}`);
    expect(r.status).toBe(2); // ENOENT
    expect(r.stdout).toContain("Name:\tt\nUmask:\t0022\nState:\tZ (zombie)\nTgid:\t2\nNgid:\t0\nPid:\t2\nPPid:\t1\n");
    expect(r.stdout).toContain("FDSize:\t0\n"); // exit closed its files
    expect(r.stdout).not.toContain("VmRSS");
    const stat = r.stdout.slice(r.stdout.indexOf("\n2 (t) ") + 1).split(" ");
    expect(stat.slice(0, 4)).toEqual(["2", "(t)", "Z", "1"]);
    expect(stat[8]).toBe("4"); // flags: PF_EXITING
    expect(stat[22]).toBe("0"); // vsize: no mm
    expect(stat[51]).toBe("1280\n"); // exit_code: 5 << 8
  });
});

describe("/proc/self/stat", () => {
  it("has Linux's 52 fields: pid (comm) state ppid ... minflt ... vsize rss ... exit_code", () => {
    const r = runSource(`${START}${touch("buf", 3)}${cat("path")}${exit(0)}${DATA("/proc/self/stat")}${BSS}`);
    const f = r.stdout.trimEnd().split(" ");
    expect(f).toHaveLength(52);
    expect(f.slice(0, 9)).toEqual(["1", "(t)", "R", "0", "0", "0", "0", "-1", "0"]);
    // minflt: the text page, 3 buf pages and the rodata page openat read the path from (exec's own
    // faults, for the stack and .data, are not the task's); catbuf's comes later.
    expect(f.slice(9, 13)).toEqual(["5", "0", "0", "0"]);
    expect(r.init.min_flt).toBe(6);
    expect(f.slice(17, 21)).toEqual(["20", "0", "1", "0"]); // priority, nice, threads, itrealvalue
    expect(f[22]).toBe(String(41 * 4096)); // vsize in bytes
    expect(f[23]).toBe("7"); // rss in pages
    expect(f[24]).toBe("4294967295"); // rsslim: RLIM_INFINITY
    expect(f[25]).toBe(String(0x10000)); // startcode
    expect(f[37]).toBe("17"); // exit_signal
    // end_data (.data is one word), start_brk (the end of the 4-page bss), then the argument area.
    expect(f.slice(45, 47)).toEqual([String(0x12004), String(0x17000)]);
    expect(Number(f[48]) - Number(f[47])).toBe(2); // arg_start..arg_end: "t\0"
    expect(f[51]).toBe("0");
  });
});

describe("/proc/self/cmdline", () => {
  it("is the arguments, each ending in NUL", () => {
    const r = runSource(`${START}${cat("path")}${exit(0)}${DATA("/proc/self/cmdline")}${BSS}`, { args: ["x", "yz"] });
    expect(r.stdout).toBe("t\0x\0yz\0");
  });
});
