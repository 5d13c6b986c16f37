// qemu-riscv32 as the oracle for file mappings: the same program, run by vmos with a fresh directory
// as `/` and by qemu-user with an identical directory as its cwd (so the same relative names reach the
// same files), prints the same values, ends with the same status, and leaves the same bytes in every
// file. Only address-independent values are printed (results, bytes read, children's statuses).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeOracle, QEMU } from "../helpers/oracle.js";
import {
  childStatus, FORK, load, loadb, mmap, open, pattern, runFiles, runQemu, sc, scs, show, storeText, str, WAIT,
  writeText,
} from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";

afterAll(removeRoots);

/** Every file in `root` (but the program itself), name -> bytes. */
function contents(root: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const name of readdirSync(root).sort()) if (name !== "t") out[name] = readFileSync(join(root, name));
  return out;
}

/** Run `body` under vmos and under qemu, each in its own copy of `files`; both must agree. */
function agree(body: string, files: Record<string, string | Uint8Array>): void {
  const vmosRoot = tempRoot(files);
  const qemuRoot = tempRoot(files);
  const { r } = runFiles(body, { root: vmosRoot });
  const q = runQemu(body, qemuRoot);
  expect({ stdout: r.stdout, status: r.status }).toEqual(q);
  expect(contents(vmosRoot)).toEqual(contents(qemuRoot));
}

describeOracle("file mappings under vmos and under qemu-riscv32", [QEMU], () => {
  it("MAP_SHARED stores reach read() and the file; MAP_PRIVATE stores stay private", () => {
    agree(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 8192, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${mmap(0, 8192, "PROT_RW", "MAP_PRIVATE", "s0")}  mv s2, a0
${storeText("s1 + 10", "shared")}${storeText("s2 + 4100", "private")}
${sc("SYS_PREAD64", "s0", "&buf", 16, 0, 0)}${show}  la t0, buf
  lw a0, 8(t0)
${show}${loadb("s2 + 10")}${show}${loadb("s2 + 4100")}${show}${loadb("s1 + 4100")}${show}
${scs("SYS_MSYNC", "s1", 8192, "MS_SYNC")}${scs("SYS_MUNMAP", "s1", 8192)}
${writeText("s0", "via write()")}${loadb("s2")}${show}`, { data: pattern(8192) });
  });

  // (Not compared: an offset + length past 2^32 pages. rv32 Linux says EOVERFLOW, as vmos does, but
  // qemu-user hands the offset to its 64-bit host's mmap, which takes it.)
  it("refuses the same mappings with the same errors", () => {
    agree(`${open("data", "O_RDONLY")}  mv s0, a0
${open("data", "O_WRONLY")}  mv s1, a0
${open(".", "O_RDONLY | O_DIRECTORY")}  mv s2, a0
${scs("SYS_MMAP2", 0, 4096, "PROT_RW", "MAP_SHARED", "s0", 0)}
${sc("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_SHARED", "s0", 0)}  mv s3, a0
${scs("SYS_MPROTECT", "s3", 4096, "PROT_RW")}
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_PRIVATE", "s1", 0)}
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_PRIVATE", "s2", 0)}
${scs("SYS_MMAP2", 0, 0, "PROT_READ", "MAP_SHARED", "s0", 0)}
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", 0, "s0", 0)}
${scs("SYS_MSYNC", "s3 + 1", 4096, "MS_SYNC")}${scs("SYS_MSYNC", "s3", 4096, "MS_SYNC | MS_ASYNC")}
${scs("SYS_MSYNC", "s3", 4096, 8)}${scs("SYS_MSYNC", "s3", 4096, "MS_ASYNC")}`, { data: "abcd" });
  });

  it("past EOF: zeros to the page end, SIGBUS after it, and after a truncation until the file grows", () => {
    agree(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 12288, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${loadb("s1 + 4999")}${show}${loadb("s1 + 5000")}${show}${loadb("s1 + 8191")}${show}
${FORK}  bnez a0, 2f
${load("s1 + 8192")}
  li a0, 0
  call sys_exit
2:
${WAIT}${childStatus}${show}
${scs("SYS_FTRUNCATE64", "s0", 100, 0)}
${FORK}  bnez a0, 3f
${load("s1 + 4096")}
  li a0, 0
  call sys_exit
3:
${WAIT}${childStatus}${show}${loadb("s1 + 99")}${show}${loadb("s1 + 100")}${show}
${scs("SYS_FTRUNCATE64", "s0", 6000, 0)}${loadb("s1 + 4999")}${show}`, { data: pattern(5000) });
  });

  it("a mapping outlives close() and unlink(), and the name stays gone", () => {
    agree(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${sc("SYS_CLOSE", "s0")}${scs("SYS_UNLINKAT", "AT_FDCWD", `&${str("data")}`, 0)}
${storeText("s1", "gone")}${loadb("s1 + 5")}${show}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${open("data")}${show}`, { data: "still here", keep: "x" });
  });

  it("fork: the child's MAP_SHARED store is the parent's and the file's", () => {
    agree(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${mmap(0, 4096, "PROT_RW", "MAP_PRIVATE", "s0")}  mv s2, a0
${FORK}  bnez a0, 2f
${storeText("s1", "child")}${storeText("s2 + 6", "CHILD")}
  li a0, 3
  call sys_exit
2:
${WAIT}${childStatus}${show}${loadb("s1")}${show}${loadb("s2 + 6")}${show}`, { data: "parent parent" });
  });
});
