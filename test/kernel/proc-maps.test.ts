// /proc/PID/maps and smaps: Linux 5.15's exact 32-bit format, the VMAs a program's layout predicts,
// and smaps counts from a walk over the PTEs (the zero page is not resident; sharing halves Pss).

import { describe, expect, it } from "vitest";
import { start_kernel } from "../../kernel/main.js";
import { proc_pid_maps } from "../../kernel/fs/procfs/task_mmu.js";
import { insert_vm_struct, mm_alloc } from "../../kernel/mm/mmap.js";
import { VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_SHARED, VM_MAYSHARE, VM_WRITE } from "../../kernel/mm/vma.js";
import { Tracer } from "../../kernel/trace.js";
import { Machine } from "../../src/hw/machine.js";
import { exit, runSource, START } from "../helpers/kernel.js";
import { cat, FORK, smapsBlock, sys, touch, waitAny } from "../helpers/proc.js";

const DATA = (path: string): string => `  .section .rodata\npath: .asciz "${path}"\n  .data\nd: .word 7\n`;

describe("/proc/self/maps", () => {
  it("lists text, rodata, data, bss+heap, vDSO and stack exactly as Linux prints them", () => {
    // The program grows the heap by 2 pages, then copies /proc/self/maps to stdout.
    const r = runSource(`${START}  li a0, 0\n  li a7, 214\n  ecall\n  li t0, 8192\n  add a0, a0, t0\n  li a7, 214\n  ecall\n${cat("path")}${exit(0)}${DATA("/proc/self/maps")}  .bss\n  .align 12\ncatbuf: .zero 4096\nbuf: .zero 8192\n`);
    // The executable "t" is /t to the guest (its root and cwd are /), on device fe:00 with the
    // inode number vmos derives from its name (686942). Names start at column 49: the 32-bit header
    // is padded to 48 characters, then one space.
    expect(r.stdout).toBe([
      // .text: one page of code at 0x10000, mapped from file offset 0, read + execute, private.
      "00010000-00011000 r-xp 00000000 fe:00 686942     /t",
      // .rodata: the path string, the next page of the file (offset 0x1000), read-only.
      "00011000-00012000 r--p 00001000 fe:00 686942     /t",
      // .data: one word, file offset 0x2000, writable and private (a write would copy it).
      "00012000-00013000 rw-p 00002000 fe:00 686942     /t",
      // .bss (catbuf + buf: 3 pages) is anonymous memory from 0x13000; the 2 pages brk added merged
      // into the same VMA (do_brk_flags extends it), and it overlaps [start_brk, brk]: "[heap]".
      "00013000-00018000 rw-p 00000000 00:00 0          [heap]",
      // The vDSO page, the signal-return trampoline, at mmap_base: a special mapping, no file.
      "97c00000-97c01000 r-xp 00000000 00:00 0          [vdso]",
      // The stack below STACK_TOP (0x9fc00000): the page holding argv/envp/auxv plus the 128 KiB
      // exec adds (setup_arg_pages' stack_expand); it contains start_stack: "[stack]".
      "9fbdf000-9fc00000 rw-p 00000000 00:00 0          [stack]",
      "",
    ].join("\n"));
    for (const line of r.stdout.split("\n").filter((l) => l !== "")) expect(line.search(/[/[]\S*$/)).toBe(49);
  });

  it("ends an unnamed line with the inode and one space, and shows s for shared mappings", () => {
    const k = start_kernel(new Machine({ memBytes: 1 << 20, tlbEntries: 16, checkTlb: false }), { quantum: 1, maxSteps: 0, check: false, seed: 0 }, new Tracer(), {
      write: () => {}, read: () => new Uint8Array(0), log: () => {},
    });
    const mm = mm_alloc(k, "x")!;
    insert_vm_struct(mm, 0x4000_0000, 0x4000_3000, VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE, null, 0);
    insert_vm_struct(mm, 0x5000_0000, 0x5000_1000, VM_READ | VM_SHARED | VM_MAYREAD | VM_MAYSHARE, null, 0);
    expect(proc_pid_maps(mm)).toBe("40000000-40003000 rw-p 00000000 00:00 0 \n50000000-50001000 r--s 00000000 00:00 0 \n");
  });

  it("shows mmap'd anonymous memory unnamed, and shared anonymous memory as /dev/zero (deleted)", () => {
    // mmap2(0, 8 KiB, RW, MAP_PRIVATE|MAP_ANONYMOUS) then mmap2(0, 4 KiB, RW, MAP_SHARED|MAP_ANONYMOUS):
    // placed top-down below mmap_base, where the vDSO page sits.
    const mmap = (len: number, flags: number): string => sys(222, `  li a0, 0\n  li a1, ${len}\n  li a2, 3\n  li a3, ${flags}\n  li a4, -1\n  li a5, 0\n`);
    const r = runSource(`${START}${mmap(8192, 0x22)}${mmap(4096, 0x21)}${cat("path")}${exit(0)}${DATA("/proc/self/maps")}  .bss\n  .align 12\ncatbuf: .zero 4096\n`);
    expect(r.stdout).toContain([
      // Linux backs shared anonymous memory with an unlinked file on its internal tmpfs (device 00:01).
      "97bfd000-97bfe000 rw-s 00000000 00:01 1          /dev/zero (deleted)",
      // Private anonymous memory has no name: the line ends with the inode and a space.
      "97bfe000-97c00000 rw-p 00000000 00:00 0 ",
      "97c00000-97c01000 r-xp 00000000 00:00 0          [vdso]",
    ].join("\n"));
  });

  it("of another process: /proc/PID/maps of a zombie is empty (its mm is gone)", () => {
    // The child exits; the parent waits with WNOWAIT (it stays a zombie), reads /proc/2/maps.
    const r = runSource(`${START}${FORK}  bnez a0, 1f\n${exit(0)}1:\n${waitAny(0x0100_0000)}${cat("path")}  mv s0, a0\n${exit("s0")}${DATA("/proc/2/maps")}  .bss\n  .align 12\ncatbuf: .zero 4096\ninfo: .zero 128\n`);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("/proc/self/smaps", () => {
  const smapsOf = (body: string, bss: string): string => {
    const r = runSource(`${START}${body}${cat("path")}${exit(0)}${DATA("/proc/self/smaps")}  .bss\n  .align 12\ncatbuf: .zero 4096\n${bss}`);
    expect(r.status).toBe(0);
    return r.stdout;
  };

  it("counts the pages written as Rss, Pss and Private_Dirty, and not the zero page reads", () => {
    // 5 pages written and 3 only read (they map the shared zero page) of an 8-page buffer. The text
    // is taken at open, before read() writes into catbuf, so catbuf is not resident yet either.
    const smaps = smapsOf(`${touch("buf", 5)}${touch("buf + 5 * 4096", 3, "lw")}`, "buf: .zero 8 * 4096\n");
    const heap = smapsBlock(smaps, "[heap]");
    expect(heap).toMatchObject({
      Size: 36, KernelPageSize: 4, MMUPageSize: 4, Rss: 20, Pss: 20, Shared_Clean: 0, Shared_Dirty: 0,
      Private_Clean: 0, Private_Dirty: 20, Referenced: 20, Anonymous: 20, LazyFree: 0, AnonHugePages: 0,
      Swap: 0, SwapPss: 0, Locked: 0,
    });
    // The text page came from the file and is clean and private (only this process maps it).
    expect(smapsBlock(smaps, "/t")).toMatchObject({ Rss: 4, Pss: 4, Private_Clean: 4, Private_Dirty: 0, Anonymous: 0 });
  });

  it("prints every line in Linux's order and widths, THPeligible and VmFlags mnemonics", () => {
    const smaps = smapsOf("", "");
    const stack = smaps.slice(smaps.indexOf("[stack]") - 49);
    expect(stack).toBe([
      "9fbdf000-9fc00000 rw-p 00000000 00:00 0          [stack]",
      "Size:                132 kB",
      "KernelPageSize:        4 kB",
      "MMUPageSize:           4 kB",
      "Rss:                   4 kB",
      "Pss:                   4 kB",
      "Shared_Clean:          0 kB",
      "Shared_Dirty:          0 kB",
      "Private_Clean:         0 kB",
      "Private_Dirty:         4 kB",
      "Referenced:            4 kB",
      "Anonymous:             4 kB",
      "LazyFree:              0 kB",
      "AnonHugePages:         0 kB",
      "ShmemPmdMapped:        0 kB",
      "FilePmdMapped:         0 kB",
      "Shared_Hugetlb:        0 kB",
      "Private_Hugetlb:       0 kB", // the one label 17 wide, its number 7
      "Swap:                  0 kB",
      "SwapPss:               0 kB",
      "Locked:                0 kB",
      "THPeligible:    0",
      // VM_READ VM_WRITE VM_MAYREAD VM_MAYWRITE VM_MAYEXEC VM_GROWSDOWN VM_ACCOUNT, in bit order.
      "VmFlags: rd wr mr mw me gd ac ",
      "",
    ].join("\n"));
    expect(smaps).toContain("00010000-00011000 r-xp 00000000 fe:00 686942     /t\nSize:                  4 kB\n");
    expect(smaps).toMatch(/\[vdso\]\n(.*\n){21}VmFlags: rd ex mr mw me de \n/);
  });

  it("splits Pss between the processes sharing a page after fork, and calls those pages shared", () => {
    // The parent writes 4 pages and forks; the child reads its smaps: the 4 pages are mapped by both
    // (mapcount 2), so each counts 2 kB of Pss and all are Shared_Dirty. (catbuf is touched only
    // after the text is taken. The parent jumps to 9, not 1: cat's loop has a label 1 of its own.)
    const r = runSource(`${START}${touch("buf", 4)}${FORK}  bnez a0, 9f\n${cat("path")}${exit(0)}9:\n${waitAny()}${exit(0)}${DATA("/proc/self/smaps")}  .bss\n  .align 12\ncatbuf: .zero 4096\nbuf: .zero 4 * 4096\ninfo: .zero 128\n`);
    expect(smapsBlock(r.stdout, "[heap]")).toMatchObject({
      Rss: 16, Pss: 8, Shared_Clean: 0, Shared_Dirty: 16, Private_Clean: 0, Private_Dirty: 0, Anonymous: 16,
    });
  });

  it("smaps_rollup sums every VMA under one [rollup] header, with Pss split by kind", () => {
    const r = runSource(`${START}${touch("buf", 2)}${cat("path")}${exit(0)}${DATA("/proc/self/smaps_rollup")}  .bss\n  .align 12\ncatbuf: .zero 4096\nbuf: .zero 2 * 4096\n`);
    // From the file: text and rodata (openat read the path from it). Anonymous: .data (exec zeroes
    // the rest of its page, Linux's padzero, which copies it), the 2 pages written, the stack page.
    expect(r.stdout.split("\n").slice(0, 7).join("\n")).toBe([
      "00010000-9fc00000 ---p 00000000 00:00 0          [rollup]",
      "Rss:                  24 kB",
      "Pss:                  24 kB",
      "Pss_Anon:             16 kB",
      "Pss_File:              8 kB",
      "Pss_Shmem:             0 kB",
      "Shared_Clean:          0 kB",
    ].join("\n"));
  });
});
