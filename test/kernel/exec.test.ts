// exec: the address-space layout of rv32 Linux, nothing loaded eagerly, and the initial stack laid
// out as create_elf_tables() does (argc, argv, envp, auxv; 16-byte aligned).

import { describe, expect, it } from "vitest";
import { Machine } from "../../src/hw/machine.js";
import { start_kernel } from "../../kernel/main.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { ExecError, load_elf_binary } from "../../kernel/proc/exec.js";
import { Tracer } from "../../kernel/trace.js";
import { get_mm_rss } from "../../kernel/mm/mm_types.js";
import { VM_EXEC, VM_GROWSDOWN, VM_READ, VM_WRITE } from "../../kernel/mm/vma.js";
import { copy_from_user } from "../../kernel/syscalls/uaccess.js";
import { elfOf, START } from "../helpers/kernel.js";
import { silentConsole } from "../../src/cli/host-console.js";

function boot() {
  const machine = new Machine({ memBytes: 4 << 20, tlbEntries: 64, checkTlb: true });
  return start_kernel(machine, { quantum: 1000, maxSteps: 0, check: true, seed: 7 }, new Tracer(), silentConsole());
}

const PROGRAM = `${START}  nop\n  .section .rodata\nr: .word 1\n  .data\nd: .word 2\n  .bss\nb: .zero 10000\n`;

describe("exec", () => {
  it("maps text r-x at 0x10000, rodata r--, data rw-, bss, the [vdso] page, and a growsdown stack below 0x9fc00000", () => {
    const k = boot();
    const { mm } = load_elf_binary(k, "prog", elfOf(PROGRAM), ["prog"], []);
    const vmas: [number, number, string][] = [];
    for (let v = mm.mmap; v !== null; v = v.vm_next) {
      const f = v.vm_flags;
      vmas.push([v.vm_start, v.vm_end, `${f & VM_READ ? "r" : "-"}${f & VM_WRITE ? "w" : "-"}${f & VM_EXEC ? "x" : "-"}${f & VM_GROWSDOWN ? " stack" : ""}${v.vm_file ? " file" : ""}`]);
    }
    expect(vmas).toEqual([
      [0x10000, 0x11000, "r-x file"],
      [0x11000, 0x12000, "r-- file"],
      [0x12000, 0x13000, "rw- file"],
      [0x13000, 0x15000, "rw-"],
      [0x97c00000, 0x97c01000, "r-x file"], // [vdso]: the signal-return trampoline (proc/vdso.ts)
      [0x9fbdf000, 0x9fc00000, "rw- stack"],
    ]);
    expect([mm.start_brk, mm.brk]).toEqual([0x15000, 0x15000]);
  });

  it("loads nothing eagerly: resident are only the stack page the arguments went to and the data page exec zeroed", () => {
    const k = boot();
    const { mm } = load_elf_binary(k, "prog", elfOf(PROGRAM), ["prog"], []);
    // Linux's padzero() clears the bytes after p_filesz in the data segment's last file page, and
    // that write faults the page in (a private copy). Text and rodata stay untouched.
    expect(get_mm_rss(mm)).toBe(2);
    const noBss = load_elf_binary(k, "prog", elfOf(`${START}  nop
  .data
d: .word 2
`), ["prog"], []);
    expect(get_mm_rss(noBss.mm)).toBe(1);
  });

  it("lays out argc, argv, envp and auxv on a 16-byte aligned stack, strings in order", () => {
    const k = boot();
    const elf = elfOf(PROGRAM);
    const { mm, sp, entry } = load_elf_binary(k, "prog", elf, ["prog", "one", "two"], ["A=1", "B=2"]);
    expect(sp % 16).toBe(0);
    const words = new DataView(copy_from_user(mm, null, sp, 0x9fc00000 - sp)!.buffer);
    const w = (i: number): number => words.getUint32(i * 4, true);
    const str = (addr: number): string => {
      const bytes = copy_from_user(mm, null, addr, Math.min(64, 0x9fc00000 - addr))!;
      return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
    };
    expect(w(0)).toBe(3);
    expect([str(w(1)), str(w(2)), str(w(3)), w(4)]).toEqual(["prog", "one", "two", 0]);
    expect([str(w(5)), str(w(6)), w(7)]).toEqual(["A=1", "B=2", 0]);
    expect(w(2)).toBeGreaterThan(w(1)); // argv[0] lowest, as Linux copies strings last first
    const auxv = new Map<number, number>();
    for (let i = 8; w(i) !== 0; i += 2) auxv.set(w(i), w(i + 1));
    expect(auxv.get(6)).toBe(4096); // AT_PAGESZ
    expect(auxv.get(9)).toBe(entry); // AT_ENTRY
    expect(auxv.get(5)).toBe(new DataView(elf.buffer).getUint16(44, true)); // AT_PHNUM = e_phnum
    expect(auxv.get(3)).toBe(0x10000 + new DataView(elf.buffer).getUint32(28, true)); // AT_PHDR
    const random = auxv.get(25)!; // AT_RANDOM: 16 bytes inside the stack, from the seeded source
    expect(random).toBeGreaterThan(sp);
    expect(copy_from_user(mm, null, random, 16)).not.toBeNull();
    expect(str(auxv.get(31)!)).toBe("prog"); // AT_EXECFN
  });

  it("rejects a file that is not an RV32 executable with ENOEXEC, leaving nothing allocated", () => {
    const k = boot();
    const before = nr_free_pages(k.zone);
    expect(() => load_elf_binary(k, "junk", new TextEncoder().encode("#!/bin/sh\necho hi\n"), ["junk"], [])).toThrow(ExecError);
    try {
      load_elf_binary(k, "junk", new Uint8Array(10), ["junk"], []);
    } catch (err) {
      expect((err as ExecError).errno).toBe(8);
      expect((err as ExecError).message).toMatch(/^junk: /);
    }
    expect(nr_free_pages(k.zone)).toBe(before);
  });

  it("refuses an argument list beyond a quarter of the stack limit with E2BIG, leaving nothing allocated", () => {
    const k = boot();
    const before = nr_free_pages(k.zone);
    const big = "x".repeat(100_000);
    expect(() => load_elf_binary(k, "prog", elfOf(PROGRAM), ["prog", ...Array(30).fill(big)], [])).toThrow(/argument list too long/);
    expect(nr_free_pages(k.zone)).toBe(before);
  });
});
