// System V shared memory (kernel/ipc/shm.ts): shmget finds or creates segments by key with Linux's
// ids and errors; shmat maps one frame per page into every process that attaches; shm_nattch
// follows every VMA through fork, exit, exec, split, mremap and shmdt; IPC_RMID destroys a segment
// at its last detach; shmctl(IPC_STAT) fills riscv32's struct shmid64_ds.

import { describe, expect, it } from "vitest";
import { proc_file_text } from "../../kernel/fs/procfs/root.js";
import { proc_pid_maps } from "../../kernel/fs/procfs/task_mmu.js";
import { do_shmat, shm_ns, sys_shmctl, sys_shmdt, sys_shmget } from "../../kernel/ipc/shm.js";
import { ipc_addid, ipc_ids, ipc_rmid, kern_ipc_perm } from "../../kernel/ipc/util.js";
import { check_kernel } from "../../kernel/mm/check.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { BOOT_EPOCH_SECONDS } from "../../kernel/syscalls/info.js";
import { copy_to_user } from "../../kernel/syscalls/uaccess.js";
import { elfOf, exit, START } from "../helpers/kernel.js";
import { field } from "../helpers/proc.js";
import { bootProcess, err, info, load, PI, run, sc, scs, show, store } from "./mm-syscalls.helpers.js";

const SYS_SHMGET = 194, SYS_SHMCTL = 195, SYS_SHMAT = 196, SYS_SHMDT = 197;
const IPC_PRIVATE = 0, IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;
const IPC_64 = 0x100, SHM_INFO = 14, SHM_STAT = 13, SHM_LOCK = 11, SHM_UNLOCK = 12;
const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_DEST = 0o1000, SHM_LOCKED = 0o2000;
const ENOENT = 2, EACCES = 13, EFAULT = 14, EEXIST = 17, EINVAL = 22, ENOSPC = 28;

/** Offsets in struct shmid64_ds (riscv32: asm-generic ipcbuf.h and shmbuf.h, 84 bytes). */
const DS = {
  key: 0, uid: 4, gid: 8, cuid: 12, cgid: 16, mode: 20, seq: 24, segsz: 36, atime: 40, atime_high: 44, dtime: 48,
  dtime_high: 52, ctime: 56, ctime_high: 60, cpid: 64, lpid: 68, nattch: 72,
} as const;

const shmget = (key: number | string, size: number | string, flags: number): string => sc(SYS_SHMGET, key, size, flags);
const shmat = (id: number | string, addr: number | string, flags: number): string => sc(SYS_SHMAT, id, addr, flags);
const shmdt = (addr: number | string): string => sc(SYS_SHMDT, addr);
const shmctl = (id: number | string, cmd: number, buf: number | string): string => sc(SYS_SHMCTL, id, cmd, buf);

/** IPC_STAT segment `id` into vec and print the fields named (not the call's result). */
function stat(id: number | string, ...fields: (keyof typeof DS)[]): string {
  return `${shmctl(id, IPC_STAT, "&vec")}  la s11, vec\n${fields.map((f) => `  lw a0, ${DS[f]}(s11)\n${show}`).join("")}`;
}

const FORK = "  call sys_fork\n";
/** waitid for any child, its siginfo at vec + 4096; a0 = the child's exit status afterwards. */
const WAIT = "  la a0, vec + 4096\n  call sys_waitid_any\n  la t0, vec + 4096\n  lw a0, 20(t0)\n";
/** execve(path, [path], NULL), in a child: exit(99) if it returns. */
const EXEC = (path: string): string => `  la a0, path\n  la a1, argv\n  li a2, 0\n  li a7, 221\n  ecall\n  li a0, 99\n  call sys_exit
  .data\npath: .asciz "${path}"\n  .align 2\nargv: .word path, 0\n  .text\n`;

describe("shmget", () => {
  it("numbers segments from 0, finds keyed ones again, and fails as Linux does", () => {
    const { out } = run(`${shmget(IPC_PRIVATE, 4096, 0o600)}${show}${shmget(IPC_PRIVATE, 100, 0o600)}${show}
${shmget(42, 8192, IPC_CREAT | 0o600)}${show}${shmget(42, 4096, 0)}${show}${shmget(42, 0, IPC_CREAT)}${show}
${shmget(42, 4096, IPC_CREAT | IPC_EXCL)}${show}${shmget(42, 8193, 0)}${show}${shmget(43, 4096, 0)}${show}
${shmget(IPC_PRIVATE, 0, 0)}${show}
${scs(SYS_SHMCTL, 0, IPC_RMID, 0)}${shmget(IPC_PRIVATE, 4096, 0)}${show}`);
    expect(out).toEqual([
      0, 1, 2, 2, 2, // a second lookup by key finds the segment, any size up to its own
      err(EEXIST), err(EINVAL), err(ENOENT), // IPC_EXCL; larger than the segment; no such key
      err(EINVAL), // SHMMIN is 1
      0, 3, // removing segment 0 frees index 0, but indexes are handed out cyclically: the next is 3
    ]);
  });

  it("allocates indexes cyclically and bumps the sequence number when they wrap (id = seq * 32768 + idx)", () => {
    const ids = new ipc_ids<kern_ipc_perm>();
    const made: number[] = [];
    for (let i = 0; i < 66; i++) {
      const p = new kern_ipc_perm(IPC_PRIVATE, 0o600);
      ipc_addid(ids, p, 4096);
      made.push(p.id);
      ipc_rmid(ids, p);
    }
    // With one segment alive at a time the cycle is ipc_min_cycle = 64 indexes long.
    expect(made.slice(0, 3)).toEqual([0, 1, 2]);
    expect(made.slice(62)).toEqual([62, 63, 32768, 32769]);
  });

  it("scales SHMMAX and SHMALL to the machine's RAM: a segment up to all of it, all segments no more", () => {
    // A 4 MiB machine: 1024 pages of MemTotal.
    const { out, r } = run(`${shmget(IPC_PRIVATE, (4 << 20) + 1, 0)}${show}${shmget(IPC_PRIVATE, 3 << 20, 0)}${show}
${shmget(IPC_PRIVATE, (1 << 20) + 1, 0)}${show}${shmget(IPC_PRIVATE, 1 << 20, 0)}${show}${shmget(IPC_PRIVATE, 1, 0)}${show}`);
    expect(out).toEqual([err(EINVAL), 0, err(ENOSPC), 1, err(ENOSPC)]);
    expect(shm_ns(r.kernel)).toMatchObject({ shm_ctlmax: 4 << 20, shm_ctlall: 1024, shm_ctlmni: 4096, shm_tot: 1024 });
  });

  it("refuses the 4097th segment (SHMMNI) with ENOSPC", () => {
    const { out } = run(`  li s1, 4096
1: ${shmget(IPC_PRIVATE, 1, 0)}  addi s1, s1, -1
  bnez s1, 1b
${show}${shmget(IPC_PRIVATE, 1, 0)}${show}`, { mem: 32 << 20, check: false });
    expect(out).toEqual([4095, err(ENOSPC)]);
  });
});

describe("shmat and shmdt", () => {
  it("gives two processes the same frames: each sees the other's writes", () => {
    // The child stores its view (pfn, mapcount) in the segment itself, for the parent to print.
    const { out, r } = run(`${shmget(IPC_PRIVATE, 4096, 0o600)}  mv s1, a0
${shmat("s1", 0, 0)}  mv s2, a0
${store("s2", 1)}${info("s2", 0)}
${FORK}  bnez a0, parent
${load("s2")}${info("s2")}  la t0, pi
  lw t1, 0(t0)
  sw t1, 4(s2)
  lw t1, 8(t0)
  sw t1, 8(s2)
${store("s2", 2)}  li a0, 0
  call sys_exit
parent:
${WAIT}${load("s2")}${show}${load("s2 + 4")}${show}${load("s2 + 8")}${show}${info("s2", 1)}
${shmdt("s2")}${show}${shmctl("s1", IPC_RMID, 0)}${show}`);
    const [pfn, seen, childPfn, mapcount, flags, dt, rm] = out;
    expect(childPfn).toBe(pfn);
    expect(mapcount).toBe(2);
    expect(seen).toBe(2); // the child's write
    expect(flags! & PI.SHMEM).toBe(PI.SHMEM);
    expect([dt, rm]).toEqual([0, 0]);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("lets an exec'd program find the segment by key and read what was written", () => {
    const reader = elfOf(`${START}${shmget(77, 0, 0)}${shmat("a0", 0, SHM_RDONLY)}  lw a0, 0(a0)\n${exit("a0")}`);
    const { out } = run(`${shmget(77, 4096, IPC_CREAT | 0o644)}  mv s1, a0
${shmat("s1", 0, 0)}  mv s2, a0
${store("s2", 123)}
${FORK}  bnez a0, parent
${EXEC("/reader")}parent:
${WAIT}${show}${shmctl("s1", IPC_RMID, 0)}`, { programs: { "/reader": reader } });
    expect(out).toEqual([123]);
  });

  it("chooses addresses top-down like mmap, and takes a given one if SHMLBA-aligned (or SHM_RND)", () => {
    const { out } = run(`${shmget(IPC_PRIVATE, 8192, 0)}  mv s1, a0
${shmat("s1", 0, 0)}${show}${sc("SYS_MMAP2", 0, 4096, "PROT_RW", "MAP_ANON_PRIVATE", -1, 0)}${show}
${shmat("s1", 0x4000_0000, 0)}${show}${shmat("s1", 0x5000_0123, 0)}${show}${shmat("s1", 0x5000_0123, SHM_RND)}${show}
${shmat("s1", 0x4000_1000, 0)}${show}${shmat("s1", 0x4000_1000, SHM_REMAP)}${show}${shmat("s1", 0, SHM_REMAP)}${show}
${shmat("s1", 0x123, SHM_RND | SHM_REMAP)}${show}${shmat(5, 0, 0)}${show}${shmat(-1, 0, 0)}${show}
${stat("s1", "nattch")}`);
    expect(out).toEqual([
      0x97bfe000, 0x97bfd000, // right below mmap_base (0x97c00000), and the next mmap right below it
      0x4000_0000, err(EINVAL), 0x5000_0000, // unaligned: EINVAL, unless SHM_RND rounds it down
      err(EINVAL), 0x4000_1000, // over an existing mapping only with SHM_REMAP
      err(EINVAL), err(EINVAL), // SHM_REMAP needs an address, and one that does not round down to 0
      err(EINVAL), err(EINVAL), // no such id
      4, // four attaches: the kernel's, 0x50000000, 0x40001000 (0x40000000 lost its second page to it)
    ]);
  });

  it("maps SHM_RDONLY read-only for good: a write is SIGSEGV, mprotect(PROT_WRITE) is EACCES", () => {
    const { out, r } = run(`${shmget(IPC_PRIVATE, 4096, 0)}  mv s1, a0
${shmat("s1", 0, SHM_RDONLY)}  mv s2, a0
${load("s2")}${show}${sc("SYS_MPROTECT", "s2", 4096, "PROT_RW")}${show}
${store("s2", 1)}`);
    expect(out).toEqual([0, err(EACCES)]);
    expect(r.status).toBe(128 + 11);
  });

  it("detaches with shmdt: the whole attach at that address, even after munmap cut its first page", () => {
    const { out } = run(`${shmget(IPC_PRIVATE, 3 * 4096, 0)}  mv s1, a0
${shmat("s1", 0, 0)}  mv s2, a0
${shmdt("s2 + 1")}${show}${shmdt("s2 + 4096")}${show}
${sc("SYS_MUNMAP", "s2", 4096)}${stat("s1", "nattch")}${shmdt("s2")}${show}${stat("s1", "nattch")}
${shmdt("s2")}${show}${info("s2 + 8192", 1)}${shmctl("s1", IPC_RMID, 0)}`);
    expect(out).toEqual([
      err(EINVAL), err(EINVAL), // not page aligned; no attach starts at s2 + 4096 (its offset there is 1)
      1, // munmap of the first page leaves one VMA
      0, // shmdt(s2) finds the piece at s2 + 4096 with page offset 1, and unmaps it
      0, err(EINVAL), 0, // nothing attached, nothing left to detach, nothing mapped
    ]);
  });
});

describe("shm_nattch", () => {
  it("counts VMAs: one per attach, one more per piece after a split, fewer after munmap and shmdt", () => {
    const { out } = run(`${shmget(IPC_PRIVATE, 3 * 4096, 0)}  mv s1, a0
${shmat("s1", 0, 0)}  mv s2, a0
${store("s2 + 4096", 9)}${stat("s1", "nattch")}
${sc("SYS_MPROTECT", "s2 + 4096", 4096, "PROT_READ")}${stat("s1", "nattch")}
${sc("SYS_MUNMAP", "s2 + 8192", 4096)}${stat("s1", "nattch")}
${sc("SYS_MREMAP", "s2 + 4096", 4096, 4096, "MREMAP_MAYMOVE | MREMAP_FIXED", 0x4000_0000)}${show}${stat("s1", "nattch")}
${load(0x4000_0000)}${show}
${shmdt("s2")}${stat("s1", "nattch")}
${shmdt(0x4000_0000 - 4096)}${stat("s1", "nattch")}${shmctl("s1", IPC_RMID, 0)}`);
    expect(out).toEqual([
      1, // one attach
      3, // mprotect of the middle page: three VMAs, each shm_open()ed (Linux counts 3 too)
      2, // munmap of the last
      0x4000_0000, 2, 9, // mremap moved the middle piece with its page (copy opens, unmap closes)
      1, // shmdt(s2) takes the first piece; the moved one no longer fits an attach at s2
      0, // an attach at 0x3ffff000 would have page 1 at 0x40000000: shmdt finds it there
    ]);
  });

  it("follows fork, exec and exit, and shmctl reports who attached and detached last", () => {
    // The child attaches a second time, then execs a program that reports nattch as its status.
    const reporter = elfOf(`${START}${shmget(88, 0, 0)}${shmctl("a0", IPC_STAT, "sp")}  lw a0, ${DS.nattch}(sp)\n${exit("a0")}`);
    const { out } = run(`${shmget(88, 4096, IPC_CREAT | 0o600)}  mv s1, a0
${shmat("s1", 0, 0)}  mv s2, a0
${stat("s1", "nattch", "lpid")}
${FORK}  bnez a0, parent
${stat("s1", "nattch", "lpid")}${shmat("s1", 0, 0)}${stat("s1", "nattch", "lpid")}
${EXEC("/reporter")}parent:
${WAIT}${show}${stat("s1", "nattch", "lpid", "cpid")}
${shmdt("s2")}${stat("s1", "nattch", "lpid")}${shmctl("s1", IPC_RMID, 0)}`, { programs: { "/reporter": reporter } });
    expect(out).toEqual([
      1, 1, // attached by pid 1
      2, 1, // after fork: the child's copy of the VMA (opened while the parent, pid 1, forked)
      3, 2, // the child's own attach
      1, // after exec, only the parent's attach is left
      1, 2, 1, // the child's exit (its exec) detached last; the creator was pid 1
      0, 1, // shmdt
    ]);
  });

  it("drops at exit, and a segment outlives every process until IPC_RMID", () => {
    const { out, r } = run(`${FORK}  bnez a0, parent
${shmget(99, 4096, IPC_CREAT | 0o600)}${shmat("a0", 0, 0)}${store("a0", 55)}  li a0, 0
  call sys_exit
parent:
${WAIT}${shmget(99, 0, 0)}  mv s1, a0
${stat("s1", "nattch", "cpid", "lpid")}${shmat("s1", 0, SHM_RDONLY)}${load("a0")}${show}`);
    expect(out).toEqual([0, 2, 2, 55]);
    // Still there after init exited: its page is held by the segment alone, and it is Shmem.
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages - 1);
    expect(field(proc_file_text(r.kernel, "meminfo", null)!, "Shmem")).toBe(4);
    check_kernel(r.kernel);
  });
});

describe("IPC_RMID", () => {
  it("marks an attached segment SHM_DEST, hides its key, and frees its memory at the last detach", () => {
    const { out, r } = run(`${shmget(5, 2 * 4096, IPC_CREAT | 0o600)}  mv s1, a0
${shmat("s1", 0, 0)}  mv s2, a0
${store("s2", 7)}${store("s2 + 4096", 8)}
${shmctl("s1", IPC_RMID, 0)}${show}${stat("s1", "mode", "key", "nattch")}
${shmget(5, 0, 0)}${show}${shmget(5, 4096, IPC_CREAT)}${show}
${load("s2 + 4096")}${show}${shmat("s1", 0, 0)}  mv s3, a0
${load("s3")}${show}${stat("s1", "nattch")}
${shmdt("s2")}${show}${shmdt("s3")}${show}${stat("s1")}${show}
${shmctl(1, IPC_RMID, 0)}${show}`);
    expect(out).toEqual([
      0, SHM_DEST | 0o600, 0, 1, // marked, key gone (IPC_PRIVATE), still attached
      err(ENOENT), 1, // the key is free for a new segment
      8, 7, 2, // still readable, and even attachable by id, as in Linux
      0, 0, err(EINVAL), // the last detach destroyed it
      0,
    ]);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});

describe("shmctl", () => {
  it("IPC_STAT fills struct shmid64_ds: perm, size, split 64-bit times, pids, nattch", () => {
    const { out } = run(`${shmget(0x2a, 5000, IPC_CREAT | 0o640)}  mv s1, a0
${stat("s1", "key", "uid", "gid", "cuid", "cgid", "mode", "seq", "segsz", "atime", "atime_high", "dtime", "ctime", "ctime_high", "cpid", "lpid", "nattch")}
${shmat("s1", 0, 0)}  mv s2, a0
${shmdt("s2")}${stat("s1", "atime", "dtime", "lpid")}
  la t0, vec
  li t1, -1
  sw t1, 76(t0)
${shmctl("s1", IPC_STAT, "&vec")}  la t0, vec
  lw a0, 76(t0)
${show}${shmctl("s1", IPC_RMID, 0)}`);
    const T = BOOT_EPOCH_SECONDS; // simulated time: well under a second has passed
    expect(out).toEqual([
      0x2a, 0, 0, 0, 0, 0o640, 0, 5000, 0, 0, 0, T, 0, 1, 0, 0,
      T, T, 1,
      0, // __unused4 is written, as zero
    ]);
  });

  it("IPC_SET changes owner and permission bits only; IPC_64, unknown commands and bad buffers fail", () => {
    const { out } = run(`${shmget(IPC_PRIVATE, 4096, 0o600)}  mv s1, a0
${shmat("s1", 0, 0)}${shmctl("s1", IPC_RMID, 0)}
  la s11, vec
  li t0, 1000
  sw t0, 4(s11)
  li t0, 100
  sw t0, 8(s11)
  li t0, ${0o7444}
  sw t0, 20(s11)
${shmctl("s1", IPC_SET, "&vec")}${show}${stat("s1", "uid", "gid", "mode", "cuid")}
  la s11, vec
  li t0, -1
  sw t0, 4(s11)
${shmctl("s1", IPC_SET, "&vec")}${show}
${shmctl("s1", IPC_STAT | IPC_64, "&vec")}${show}${shmctl("s1", 99, "&vec")}${show}${shmctl("s1", -1, "&vec")}${show}
${shmctl("s1", IPC_STAT, 16)}${show}${shmctl("s1", IPC_SET, 16)}${show}${shmctl(7, IPC_STAT, "&vec")}${show}
${shmctl("s1", SHM_LOCK, 0)}${show}${stat("s1", "mode")}${shmctl("s1", SHM_UNLOCK, 0)}${stat("s1", "mode")}`);
    expect(out).toEqual([
      0, 1000, 100, SHM_DEST | 0o444, 0, // SHM_DEST survives; only the low 9 bits are set
      err(EINVAL), // (uid_t)-1
      err(EINVAL), err(EINVAL), err(EINVAL), // riscv passes cmd | IPC_64 on: an unknown command, as on Linux
      err(EFAULT), err(EFAULT), err(EINVAL),
      0, SHM_DEST | SHM_LOCKED | 0o444, SHM_DEST | 0o444,
    ]);
  });

  it("IPC_INFO, SHM_INFO and SHM_STAT report the limits, the totals and ids by index", () => {
    const { out } = run(`${shmget(IPC_PRIVATE, 4096, 0)}${shmget(IPC_PRIVATE, 3 * 4096, 0)}  mv s1, a0
${shmat("s1", 0, 0)}${store("a0", 1)}
${shmctl(0, IPC_INFO, "&vec")}${show}  la s11, vec
${[0, 1, 2, 3, 4].map((i) => `  lw a0, ${4 * i}(s11)\n${show}`).join("")}
${shmctl(0, SHM_INFO, "&vec")}${show}  la s11, vec
${[0, 1, 2, 3].map((i) => `  lw a0, ${4 * i}(s11)\n${show}`).join("")}
${shmctl(1, SHM_STAT, "&vec")}${show}${shmctl(2, SHM_STAT, "&vec")}${show}`);
    expect(out).toEqual([
      1, 4 << 20, 1, 4096, 4096, 1024, // highest index; shmmax, shmmin, shmmni, shmseg, shmall
      1, 2, 4, 1, 0, // highest index; used_ids, shm_tot pages, shm_rss (one page touched), shm_swp
      1, err(EINVAL), // SHM_STAT takes an index and returns the id
    ]);
  });
});

describe("/proc", () => {
  it("shows an attach in maps as Linux does: /SYSV<key> (deleted), device 00:01, the shmid as inode", () => {
    const { k, mm, task } = bootProcess();
    for (let i = 0; i < 3; i++) sys_shmget(k, task, IPC_PRIVATE, 4096, 0); // ids 0-2
    const id = sys_shmget(k, task, 0x2a, 5000, IPC_CREAT | 0o600);
    const rw = do_shmat(k, task, id, 0, 0);
    const ro = do_shmat(k, task, id, 0, SHM_RDONLY);
    check_kernel(k);
    const lines = proc_pid_maps(mm).split("\n").filter((l) => l.includes("SYSV"));
    // Names start at column 49 on a 32-bit kernel; shmid 3 is the inode.
    const line = (a: number, perms: string): string =>
      `${a.toString(16)}-${(a + 0x2000).toString(16)} ${perms} 00000000 00:01 3`.padEnd(49) + "/SYSV0000002a (deleted)";
    expect(lines).toEqual([line(ro, "r--s"), line(rw, "rw-s")]);
    expect(sys_shmdt(k, task, rw)).toBe(0);
    expect(sys_shmdt(k, task, ro)).toBe(0);
    expect(sys_shmctl(k, task, id, IPC_RMID, 0)).toBe(0);
    check_kernel(k);
  });

  it("counts segment pages as Shmem in meminfo, attached or not", () => {
    const { k, task } = bootProcess();
    const id = sys_shmget(k, task, IPC_PRIVATE, 3 * 4096, 0);
    const before = field(proc_file_text(k, "meminfo", null)!, "Shmem");
    const addr = do_shmat(k, task, id, 0, 0);
    // Fault two of the pages in, writing through the kernel's user access (as a write() would).
    for (const off of [0, 8192]) expect(copy_to_user(task.mm!, task, addr + off, new Uint8Array([1]))).toBe(0);
    check_kernel(k);
    expect(field(proc_file_text(k, "meminfo", null)!, "Shmem") - before).toBe(8);
    expect(sys_shmdt(k, task, addr)).toBe(0);
    expect(field(proc_file_text(k, "meminfo", null)!, "Shmem") - before).toBe(8);
    check_kernel(k);
    expect(sys_shmctl(k, task, id, IPC_RMID, 0)).toBe(0);
    expect(field(proc_file_text(k, "meminfo", null)!, "Shmem")).toBe(before);
    check_kernel(k);
  });
});
