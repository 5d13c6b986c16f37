// File mappings across fork and exec, and text sharing: fork gives the child the parent's file VMAs
// but none of their PTEs unless the VMA holds anonymous pages (Linux's copy_page_range: the child
// faults the page-cache pages in again, the same frames); exec drops every mapping; and processes
// running one program map its text from the page cache, one frame for all (Shared_Clean in smaps).

import { afterAll, describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { elfOf } from "../helpers/kernel.js";
import { smapsBlock } from "../helpers/proc.js";
import {
  catFile, childStatus, FORK, hostText, info, load, loadb, mark, mmap, open, pattern, program, runFiles, sc, sections,
  show, storeText, str, WAIT,
} from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";
import { PI } from "./mm-syscalls.helpers.js";

afterAll(removeRoots);

describe("fork", () => {
  it("copies no PTEs of a file VMA without anonymous pages; the child faults in the same frame", () => {
    const root = tempRoot({ data: pattern(8192) });
    // Parent: s1 shared (read), s2 private (page 0 written: the VMA has an anon_vma, page 1 read).
    const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 8192, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${mmap(0, 8192, "PROT_RW", "MAP_PRIVATE", "s0")}  mv s2, a0
${load("s1")}${storeText("s2", "p")}${load("s2 + 4096")}
${info("s1")}  la t0, pi
  lw s3, 0(t0)
${FORK}  bnez a0, 2f
${info("s1", 1)}${info("s2", 1)}${info("s2 + 4096", 1)}
${load("s1")}${info("s1", 2)}  la t0, pi
  lw a0, 0(t0)
  sub a0, a0, s3
${show}  li a0, 0
  call sys_exit
2:
${WAIT}`, { root, trace: ["mm"] });
    const [shared, priv0, priv1, mapcount, samePfn] = out;
    expect(shared! & PI.PRESENT).toBe(0); // not copied: no anon_vma
    expect(priv0! & (PI.PRESENT | PI.ANON)).toBe(PI.PRESENT | PI.ANON); // copied, copy-on-write
    expect(priv1! & (PI.PRESENT | PI.FILE)).toBe(PI.PRESENT | PI.FILE); // copied with its VMA
    expect([mapcount, samePfn]).toEqual([2, 0]); // after the child's read: the parent's frame
    expect(r.trace).toMatch(/copy_page_range 0x[0-9a-f]+-0x[0-9a-f]+: skipped \(no anon_vma/);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("inherits file mappings: the child's MAP_SHARED store is the parent's, its MAP_PRIVATE store is not", () => {
    const root = tempRoot({ data: "shared. private." });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${mmap(0, 4096, "PROT_RW", "MAP_PRIVATE", "s0")}  mv s2, a0
${FORK}  bnez a0, 2f
${storeText("s1", "S")}${storeText("s2 + 8", "P")}
  li a0, 0
  call sys_exit
2:
${WAIT}${loadb("s1")}${show}${loadb("s2 + 8")}${show}`, { root });
    expect(out).toEqual(["S".charCodeAt(0), "p".charCodeAt(0)]);
    expect(hostText(root, "data")).toBe("Shared. private.");
  });

  it("exec drops every mapping: the new program's maps has no trace of the file", () => {
    const root = tempRoot({ data: pattern(4096) });
    const prog = elfOf(program(catFile("/proc/self/maps")));
    const { r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${load("s1")}${mark("parent")}${catFile("/proc/self/maps")}
${FORK}  bnez a0, 2f
${mark("child")}${sc("SYS_EXECVE", `&${str("/prog")}`, "&argv", 0)}
  li a0, 99
  call sys_exit
2:
${WAIT}
  .data
  .align 2
argv: .word ${str("/prog")}, 0
  .text
`, { root, programs: { "/prog": prog } });
    const s = sections(r.stdout);
    expect(s.parent).toMatch(/ rw-s 00000000 00:1e \d+ +\/data\n/);
    expect(s.child).toMatch(/\/prog\n/);
    expect(s.child).not.toMatch(/data/);
  });
});

describe("two processes running one program", () => {
  it("share its text frames (one pfn, mapcount 2), and smaps calls that text Shared_Clean", () => {
    // /prog with no argument writes its text pfn to the file pfn, creates ready, and spins; with one
    // argument it waits for ready, compares pfns, prints its text page's mapcount and its smaps.
    const prog = program(`  lw s0, 0(sp)
  la a0, _start
  call info
  li t0, 1
  bne s0, t0, second
${open("pfn", "O_WRONLY | O_CREAT")}  mv s2, a0
${sc("SYS_WRITE", "s2", "&pi", 4)}${sc("SYS_CLOSE", "s2")}${open("ready", "O_WRONLY | O_CREAT")}
spin:
  j spin
second:
  la t0, pi
  lw s3, 0(t0)
  lw s4, 8(t0)
wait_ready:
${open("ready")}  bltz a0, wait_ready
${open("pfn")}${sc("SYS_READ", "a0", "&buf", 4)}  la t0, buf
  lw a0, 0(t0)
  sub a0, a0, s3
${show}  mv a0, s4
${show}${catFile("/proc/self/smaps")}`);
    const root = tempRoot({ prog: elfOf(prog) }, 0o755);
    const { out, r } = runFiles(`${FORK}  bnez a0, 1f
${sc("SYS_EXECVE", `&${str("/prog")}`, "&argv1", 0)}
  li a0, 99
  call sys_exit
1:
  mv s3, a0
${FORK}  bnez a0, 2f
${sc("SYS_EXECVE", `&${str("/prog")}`, "&argv2", 0)}
  li a0, 98
  call sys_exit
2:
${WAIT}${childStatus}${show}${sc("SYS_KILL", "s3", 9)}${WAIT}
  .data
  .align 2
argv1: .word ${str("/prog")}, 0
argv2: .word ${str("/prog")}, ${str("second")}, 0
  .text
`, { root, quantum: 2000 });
    expect(out).toEqual([0, 2, (1 << 8) | 0]); // same pfn, two PTEs map it; the reporter exited 0
    const text = smapsBlock(r.stdout, "/prog");
    expect(text).toMatchObject({ Rss: 4, Pss: 2, Shared_Clean: 4, Shared_Dirty: 0, Private_Clean: 0, Private_Dirty: 0 });
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});
