// execve replaces the program and keeps the pid; arguments arrive on the new stack; a failed exec
// leaves the caller running as it was.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { elfOf, exit, runSource, START } from "../helpers/kernel.js";

/** execve(path, argv, envp) with the strings and arrays in .data. */
function execve(path: string, args: string[]): string {
  const strs = args.map((a, i) => `a${i}: .asciz "${a}"`).join("\n");
  return `  la a0, path\n  la a1, argv\n  la a2, envp\n  li a7, 221\n  ecall\n  .data\npath: .asciz "${path}"\n${strs}\n  .align 2\nargv: .word ${[...args.map((_, i) => `a${i}`), "0"].join(", ")}\nenvp: .word 0\n  .text\n`;
}

/** A program that exits with its pid * 10 + argc. */
const TARGET = elfOf(`${START}  li a7, 172\n  ecall\n  li t0, 10\n  mul a0, a0, t0\n  lw t1, 0(sp)\n  add a0, a0, t1\n${exit("a0")}`);

describe("execve", () => {
  it("runs the new program in the same process, with its arguments", () => {
    const r = runSource(`${START}${execve("/bin/target", ["target", "x", "y"])}${exit(99)}`, { programs: { "/bin/target": TARGET } });
    expect(r.status).toBe(13); // pid 1, argc 3
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("returns -ENOENT for a missing program and -ENOEXEC for a bad one, the old image intact", () => {
    const src = (path: string) => `${START}  la s1, keep\n  li t0, 5\n  sw t0, 0(s1)\n${execve(path, ["p"])}  neg a0, a0\n  lw t0, 0(s1)\n  slli t0, t0, 5\n  add a0, a0, t0\n${exit("a0")}  .data\nkeep: .word 0\n`;
    expect(runSource(src("/nope"), {}).status).toBe((5 << 5) + 2);
    expect(runSource(src("/bad"), { programs: { "/bad": new TextEncoder().encode("#!/bin/sh\n") } }).status).toBe((5 << 5) + 8);
  });

  it("returns -EFAULT for a bad argv pointer", () => {
    const r = runSource(`${START}  la a0, path\n  li a1, 0x100\n  li a2, 0\n  li a7, 221\n  ecall\n  neg a0, a0\n${exit("a0")}  .data\npath: .asciz "/bin/target"\n`, { programs: { "/bin/target": TARGET } });
    expect(r.status).toBe(14);
  });

  it("in a forked child leaves the parent's image alone", () => {
    const fork = "  li a0, 17\n  li a1, 0\n  li a7, 220\n  ecall\n";
    const wait = "  li a0, 0\n  li a1, 0\n  la a2, info\n  li a3, 4\n  li a4, 0\n  li a7, 95\n  ecall\n";
    const r = runSource(`${START}${fork}  bnez a0, parent\n${execve("/bin/target", ["t"])}${exit(99)}parent:\n${wait}  la t0, info\n  lw a0, 20(t0)\n${exit("a0")}  .bss\n  .align 2\ninfo: .zero 128\n`, { programs: { "/bin/target": TARGET } });
    expect(r.status).toBe(21); // the child was pid 2, argc 1
  });
});
