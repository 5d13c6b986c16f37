// Linux: ipc/shm.c. System V shared memory: a segment is memory with a name (a key, or none:
// IPC_PRIVATE) and an id, that outlives the processes using it until someone removes it.
//
//   shmget(key, size, flags)  find the segment with `key`, or create one (IPC_CREAT) -> its id
//   shmat(id, addr, flags)    map it into this process (an "attach") -> the address
//   shmdt(addr)               unmap the attach at addr
//   shmctl(id, cmd, buf)      IPC_STAT / IPC_SET / IPC_RMID, and IPC_INFO, SHM_INFO, SHM_STAT, SHM_LOCK
//
// A segment is a shmem object (kernel/mm/shmem.ts) named SYSV<key>, which the segment holds one
// reference to; each VMA of an attach holds another, and faults find its pages as they find those of
// shared anonymous memory. shm_nattch counts the VMAs: shm_open/shm_close, the vm_ops callbacks that
// run whenever a VMA is copied (split, mremap, fork) or removed (munmap, shmdt, exit, exec), keep it.
// IPC_RMID only marks a segment still attached (SHM_DEST) and takes away its key; the last detach
// destroys it. Its memory goes when the last reference, the segment's or a VMA's, is dropped.

import type { Kernel } from "../kernel.js";
import { BUG_ON } from "../bug.js";
import { hex } from "../trace.js";
import { mm_populate } from "../mm/gup.js";
import { calc_vm_prot_bits, MAP_FIXED, MAP_SHARED, PROT_EXEC, PROT_READ, PROT_WRITE } from "../mm/mman.js";
import { count_vma_pages_range, do_munmap, get_unmapped_area, may_expand_vm, PAGE_ALIGN, PAGE_MASK, PAGE_SIZE } from "../mm/mmap.js";
import { vm_stat_account, type mm_struct } from "../mm/mm_types.js";
import { vm_get_page_prot } from "../mm/pgtable.js";
import { shmem_kernel_file_put, shmem_kernel_file_setup, type shmem_inode_info, type vm_operations_struct } from "../mm/shmem.js";
import {
  vm_area_struct, VM_LOCKED, VM_MAYEXEC, VM_MAYREAD, VM_MAYSHARE, VM_MAYWRITE, VM_SHARED,
} from "../mm/vma.js";
import { sysctl_max_map_count, vma_get_refs } from "../mm/vma_merge.js";
import { find_vma, find_vma_intersection, vma_link } from "../mm/vma_tree.js";
import type { task_struct } from "../proc/task.js";
import { copy_from_user, copy_to_user } from "../syscalls/uaccess.js";
import {
  IPC_CREAT, IPC_EXCL, IPC_INFO, IPC_PRIVATE, IPC_RMID, IPC_SET, IPC_STAT, IPC64_PERM_SIZE, ipc_addid, ipc_findkey,
  ipc_get_maxidx, ipc_ids, ipc_obtain_object_check, ipc_obtain_object_idr, ipc_rmid, ipc_set_key_private,
  ipc_update_perm, kern_ipc_perm, kernel_to_ipc64_perm, ktime_get_real_seconds, S_IRWXUGO,
} from "./util.js";

// Linux: include/uapi/linux/shm.h.
/** shmat flags. */
export const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_EXEC = 0o100000;
/** shmctl commands besides IPC_RMID, IPC_SET, IPC_STAT and IPC_INFO. */
export const SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14, SHM_STAT_ANY = 15;
/** Mode bits of a segment: marked for destruction (IPC_RMID while attached), and SHM_LOCKed. */
export const SHM_DEST = 0o1000, SHM_LOCKED = 0o2000;
/** Linux: asm-generic SHMLBA = PAGE_SIZE: the alignment shmat wants of an address. */
export const SHMLBA = PAGE_SIZE;
export const SHMMIN = 1;
/** Linux: SHMMNI, the default limit on the number of segments (/proc/sys/kernel/shmmni). */
export const SHMMNI = 4096;

const ENOENT = 2, ENOMEM = 12, EFAULT = 14, EEXIST = 17, EINVAL = 22, ENOSPC = 28;

/** Linux: struct shmid_kernel (its kern_ipc_perm is the base class here, not a member). */
export class shmid_kernel extends kern_ipc_perm {
  shm_nattch = 0;
  shm_atim = 0;
  shm_dtim = 0;
  shm_lprid = 0;

  constructor(key: number, mode: number, readonly shm_segsz: number,
    /** The memory; null once the segment is destroyed. */
    public shm_file: shmem_inode_info | null,
    readonly shm_cprid: number, public shm_ctim: number) {
    super(key, mode);
  }
}

/**
 * Linux: struct shm_file_data, the private data of the file one shmat() makes: the vm_private_data
 * of the attach's VMAs (split pieces and fork copies share it), so shmdt can tell attaches apart.
 */
class shm_file_data {
  constructor(readonly shp: shmid_kernel, readonly file: shmem_inode_info) {}
}

/**
 * Linux: the shm part of struct ipc_namespace, with /proc/sys/kernel/shmmax, shmall and shmmni
 * (tests may lower them). One per kernel (init_ipc_ns).
 */
export interface shm_namespace {
  readonly shm_ids: ipc_ids<shmid_kernel>;
  /** Largest segment, in bytes. */
  shm_ctlmax: number;
  /** Most pages in all segments together. */
  shm_ctlall: number;
  /** Most segments. */
  shm_ctlmni: number;
  /** Pages in all segments now. */
  shm_tot: number;
}

const namespaces = new WeakMap<Kernel, shm_namespace>();

/**
 * Linux: shm_init_ns(), on first use. Linux's SHMMAX and SHMALL defaults (ULONG_MAX - 2^24) mean "no
 * limit": segments are lazily filled, and a program finds out that memory is short when a page
 * fault fails. vmos scales them to the machine: one segment may be as large as RAM, and all of them
 * together hold at most RAM's pages, so asking for more than a 4 MiB machine has is refused at
 * shmget (EINVAL, ENOSPC) where students can see it, rather than ending in the OOM killer.
 */
export function shm_ns(k: Kernel): shm_namespace {
  let ns = namespaces.get(k);
  if (ns === undefined) {
    const ram_pages = k.zone.managed_pages; // MemTotal
    ns = { shm_ids: new ipc_ids(), shm_ctlmax: ram_pages * PAGE_SIZE, shm_ctlall: ram_pages, shm_ctlmni: SHMMNI, shm_tot: 0 };
    namespaces.set(k, ns);
  }
  return ns;
}

/** Linux: task_tgid_vnr(current), for shm_lprid. */
function current_pid(k: Kernel): number {
  return k.current?.pid ?? 0;
}

// ---- Segments ------------------------------------------------------------------------------------

/**
 * Linux: newseg(): a segment of `size` bytes (whole pages of memory) with `key` and the permission
 * bits of `shmflg`. Returns its id, -EINVAL (size below SHMMIN or above shmmax), or -ENOSPC (shmall
 * pages or shmmni segments in use).
 */
function newseg(k: Kernel, task: task_struct, key: number, size: number, shmflg: number): number {
  const ns = shm_ns(k);
  const numpages = Math.ceil(size / PAGE_SIZE);
  if (size < SHMMIN || size > ns.shm_ctlmax) return -EINVAL;
  if (ns.shm_tot + numpages > ns.shm_ctlall) return -ENOSPC;
  const name = `SYSV${(key >>> 0).toString(16).padStart(8, "0")}`; // Linux: sprintf(name, "SYSV%08x", key)
  const file = shmem_kernel_file_setup(k, name, numpages, "SysV shm");
  const shp = new shmid_kernel(key, shmflg & S_IRWXUGO, size, file, task.pid, ktime_get_real_seconds(k));
  const err = ipc_addid(ns.shm_ids, shp, ns.shm_ctlmni);
  if (err < 0) {
    shmem_kernel_file_put(k, file);
    return err;
  }
  file.i_ino = shp.id; // Linux: file_inode(file)->i_ino = shp->shm_perm.id, for /proc/PID/maps
  ns.shm_tot += numpages;
  return shp.id;
}

/** Linux: shm_may_destroy(): nothing attached, and IPC_RMID asked for it (shm_rmid_forced is 0). */
function shm_may_destroy(shp: shmid_kernel): boolean {
  return shp.shm_nattch === 0 && (shp.mode & SHM_DEST) !== 0;
}

/** Linux: shm_destroy(): forget the segment and drop its reference on the memory. */
function shm_destroy(k: Kernel, shp: shmid_kernel): void {
  const ns = shm_ns(k);
  const file = shp.shm_file!;
  shp.shm_file = null;
  ns.shm_tot -= file.size_pages;
  ipc_rmid(ns.shm_ids, shp);
  shmem_kernel_file_put(k, file);
}

/** Linux: do_shm_rmid(): destroy the segment now, or, while attached, when the last attach goes. */
function do_shm_rmid(k: Kernel, shp: shmid_kernel): void {
  if (shp.shm_nattch > 0) {
    shp.mode |= SHM_DEST;
    ipc_set_key_private(shm_ns(k).shm_ids, shp); // "Do not find it any more"
  } else {
    shm_destroy(k, shp);
  }
}

/**
 * Linux: ksys_shmget() -> ipcget(): the id of the segment with `key` (at least `size` bytes), or of
 * a new one. -ENOENT (no such key, no IPC_CREAT), -EEXIST (IPC_CREAT | IPC_EXCL and it exists),
 * -EINVAL (it is smaller than `size`), or newseg's errors.
 */
export function sys_shmget(k: Kernel, task: task_struct, key: number, size: number, shmflg: number): number {
  if (key === IPC_PRIVATE) return newseg(k, task, key, size, shmflg);
  const shp = ipc_findkey(shm_ns(k).shm_ids, key);
  if (shp === null) return shmflg & IPC_CREAT ? newseg(k, task, key, size, shmflg) : -ENOENT;
  if ((shmflg & IPC_CREAT) && (shmflg & IPC_EXCL)) return -EEXIST;
  if (shp.shm_segsz < size) return -EINVAL; // Linux: shm_more_checks()
  return shp.id; // (ipcperms() grants everything to root)
}

// ---- Attaching -----------------------------------------------------------------------------------

/** Linux: shm_open() -> __shm_open(): one more VMA maps the segment (shmat, split, mremap, fork). */
function shm_open(vma: vm_area_struct): void {
  const { shp } = vma.vm_private_data as shm_file_data;
  const k = (vma.vm_mm as mm_struct).kernel;
  BUG_ON(shp.deleted, "shm_open: the segment of a VMA was destroyed");
  shp.shm_atim = ktime_get_real_seconds(k);
  shp.shm_lprid = current_pid(k);
  shp.shm_nattch++;
}

/** Linux: shm_close(): a VMA of the segment is gone; the last one destroys a segment marked SHM_DEST. */
function shm_close(k: Kernel, vma: vm_area_struct): void {
  const { shp } = vma.vm_private_data as shm_file_data;
  BUG_ON(shp.deleted || shp.shm_nattch === 0, "shm_close: the VMA's segment is not attached");
  shp.shm_lprid = current_pid(k);
  shp.shm_dtim = ktime_get_real_seconds(k);
  shp.shm_nattch--;
  if (shm_may_destroy(shp)) shm_destroy(k, shp);
}

/**
 * Linux: shm_vm_ops. Its ->fault is shmem's (vmos: ->shmem leads do_fault to the segment's object),
 * and it has a ->close, which in Linux also keeps the VMA from merging with its neighbours.
 */
const shm_vm_ops: vm_operations_struct = {
  name: "shm",
  shmem: (vma) => (vma.vm_private_data as shm_file_data).file,
  open: shm_open,
  close: shm_close,
};

/**
 * Linux: do_mmap() -> mmap_region() -> shm_mmap() for the file shmat made: map `size` bytes of the
 * attach `sfd` at `addr` (the hint 0, or MAP_FIXED), shared, readable, writable unless `writable` is
 * false (an O_RDONLY file: no VM_SHARED, no VM_MAYWRITE, so mprotect cannot add PROT_WRITE later).
 * Returns the address or -ENOMEM.
 */
function shm_mmap(mm: mm_struct, task: task_struct, sfd: shm_file_data, addr: number, size: number, prot: number,
  flags: number, writable: boolean): number {
  const len = PAGE_ALIGN(size);
  if (mm.map_count > sysctl_max_map_count(mm.kernel)) return -ENOMEM;
  addr = get_unmapped_area(mm, addr, len, flags);
  if (addr < 0) return addr;
  let vm_flags = calc_vm_prot_bits(prot) | mm.def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_SHARED | VM_MAYSHARE;
  if (!writable) vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
  if (!may_expand_vm(mm, vm_flags, len / PAGE_SIZE - count_vma_pages_range(mm, addr, addr + len))) return -ENOMEM;
  if (find_vma_intersection(mm, addr, addr + len) !== null && do_munmap(mm, addr, len) < 0) return -ENOMEM;
  // No vma_merge(): each attach is its own file, so no neighbour can be the same mapping.
  const vma = new vm_area_struct(mm, addr, addr + len, vm_flags, 0);
  vma.vm_page_prot = vm_get_page_prot(vm_flags);
  vma.vm_ops = shm_vm_ops;
  vma.vm_private_data = sfd;
  vma_get_refs(vma); // Linux: get_file(), then shm_mmap() -> shm_open()
  vma_link(mm, vma);
  vm_stat_account(mm, vm_flags, len / PAGE_SIZE);
  if (vm_flags & VM_LOCKED) {
    mm.locked_vm += len / PAGE_SIZE; // after mlockall(MCL_FUTURE): faulted in now, as do_shmat does
    mm_populate(mm, task, addr, len);
  }
  if (mm.kernel.trace.mm) mm.kernel.trace.note("mm", `shmat: ${sfd.file.name} at ${hex(addr)}-${hex(addr + len)}`);
  return addr;
}

/**
 * Linux: do_shmat(): attach segment `shmid` at `shmaddr` (0: the kernel chooses, top-down) with
 * SHM_RDONLY, SHM_RND (round shmaddr down to SHMLBA), SHM_REMAP (replace what is mapped there) and
 * SHM_EXEC. Returns the address, or -EINVAL (bad id, shmaddr not aligned, something mapped there
 * without SHM_REMAP, SHM_REMAP without an address) or -ENOMEM.
 */
export function do_shmat(k: Kernel, task: task_struct, shmid: number, shmaddr: number, shmflg: number): number {
  const mm = task.mm!;
  let addr = shmaddr >>> 0;
  let flags = MAP_SHARED;
  if (shmid < 0) return -EINVAL;
  if (addr !== 0) {
    if (addr & (SHMLBA - 1)) {
      if ((shmflg & SHM_RND) === 0) return -EINVAL;
      addr = (addr & ~(SHMLBA - 1)) >>> 0;
      if (addr === 0 && (shmflg & SHM_REMAP)) return -EINVAL; // rounded down to nothing
    }
    flags |= MAP_FIXED;
  } else if (shmflg & SHM_REMAP) {
    return -EINVAL;
  }
  const writable = (shmflg & SHM_RDONLY) === 0;
  const prot = (writable ? PROT_READ | PROT_WRITE : PROT_READ) | (shmflg & SHM_EXEC ? PROT_EXEC : 0);
  const shp = ipc_obtain_object_check(shm_ns(k).shm_ids, shmid);
  if (shp === null) return -EINVAL;
  // Attached while being mapped, so a concurrent IPC_RMID cannot destroy it under us (as in Linux).
  shp.shm_nattch++;
  const size = shp.shm_segsz;
  let ret: number;
  if (addr !== 0 && (shmflg & SHM_REMAP) === 0 && (addr + size > 0xffff_ffff || find_vma_intersection(mm, addr, addr + size) !== null)) {
    ret = -EINVAL;
  } else {
    ret = shm_mmap(mm, task, new shm_file_data(shp, shp.shm_file!), addr, size, prot, flags, writable);
  }
  shp.shm_nattch--;
  if (shm_may_destroy(shp)) shm_destroy(k, shp);
  return ret;
}

/**
 * Linux: ksys_shmdt(): detach the attach at `shmaddr`: the first shm VMA at or above it whose page
 * offset fits an attach at shmaddr (a piece mprotect or munmap cut off counts), then every other VMA
 * of that same attach within the segment's size. 0, or -EINVAL when shmaddr is not page aligned or
 * no attach is there.
 */
export function sys_shmdt(_k: Kernel, task: task_struct, shmaddr: number): number {
  const mm = task.mm!;
  const addr = shmaddr >>> 0;
  if (addr & ~PAGE_MASK) return -EINVAL;
  // The offset the VMA would have if the attach started at addr (unsigned, as in C).
  const fits = (v: vm_area_struct): boolean => v.vm_ops === shm_vm_ops && ((v.vm_start - addr) >>> 0) / PAGE_SIZE === v.vm_pgoff;
  let retval = -EINVAL;
  let file: shm_file_data | null = null;
  let size = 0;
  let vma = find_vma(mm, addr);
  for (; vma !== null; vma = vma.vm_next) {
    if (!fits(vma)) continue;
    file = vma.vm_private_data as shm_file_data;
    size = file.file.size_pages * PAGE_SIZE; // Linux: PAGE_ALIGN(i_size_read(file_inode(vma->vm_file)))
    const next = vma.vm_next;
    do_munmap(mm, vma.vm_start, vma.vm_end - vma.vm_start);
    retval = 0;
    vma = next;
    break;
  }
  while (vma !== null && vma.vm_end - addr <= size) {
    const next: vm_area_struct | null = vma.vm_next;
    if (fits(vma) && vma.vm_private_data === file) do_munmap(mm, vma.vm_start, vma.vm_end - vma.vm_start);
    vma = next;
  }
  return retval;
}

// ---- shmctl --------------------------------------------------------------------------------------

/**
 * Linux: struct shmid64_ds (asm-generic/shmbuf.h, 32-bit), 84 bytes: the ipc64_perm (36), then
 *   36 shm_segsz   40 shm_atime, 44 shm_atime_high   48 shm_dtime, 52 _high   56 shm_ctime, 60 _high
 *   64 shm_cpid    68 shm_lpid    72 shm_nattch      76 __unused4   80 __unused5
 */
export const SHMID64_DS_SIZE = 84;

function shmid64_ds(shp: shmid_kernel): Uint8Array {
  const out = new Uint8Array(SHMID64_DS_SIZE);
  const view = new DataView(out.buffer);
  kernel_to_ipc64_perm(shp, view, 0);
  view.setUint32(IPC64_PERM_SIZE, shp.shm_segsz, true);
  [shp.shm_atim, shp.shm_dtim, shp.shm_ctim].forEach((t, i) => {
    view.setUint32(40 + 8 * i, t >>> 0, true); // 64-bit times split in two words on 32-bit
    view.setUint32(44 + 8 * i, Math.floor(t / 2 ** 32), true);
  });
  view.setInt32(64, shp.shm_cprid, true);
  view.setInt32(68, shp.shm_lprid, true);
  view.setUint32(72, shp.shm_nattch, true);
  return out;
}

/** Words of unsigned longs, as user-space structs of them (shminfo64, shm_info). */
function ulongs(values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(4 * i, v >>> 0, true));
  return out;
}

/**
 * Linux: ksys_shmctl(shmid, cmd, buf, IPC_64). riscv's shmctl passes `cmd` on as it came: it has no
 * ipc_parse_version(), so cmd | IPC_64 (0x100) is an unknown command, -EINVAL, as on Linux; its
 * glibc and musl pass the bare command (their IPC_64 is 0). Returns 0, an id or index (SHM_STAT,
 * IPC_INFO, SHM_INFO), or -EINVAL (unknown cmd, no such segment, a bad uid in IPC_SET) or -EFAULT.
 */
export function sys_shmctl(k: Kernel, task: task_struct, shmid: number, cmd: number, buf: number): number {
  if (cmd < 0 || shmid < 0) return -EINVAL;
  const ns = shm_ns(k);
  const mm = task.mm!;
  const put = (bytes: Uint8Array, ret: number): number => (copy_to_user(mm, task, buf, bytes) === 0 ? ret : -EFAULT);
  switch (cmd) {
    case IPC_INFO: // struct shminfo64: shmmax, shmmin, shmmni, shmseg, shmall, 4 unused
      return put(ulongs([ns.shm_ctlmax, SHMMIN, ns.shm_ctlmni, ns.shm_ctlmni, ns.shm_ctlall, 0, 0, 0, 0]), Math.max(ipc_get_maxidx(ns.shm_ids), 0));
    case SHM_INFO: { // struct shm_info: used_ids, shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes
      let rss = 0;
      for (const shp of ns.shm_ids.idr.values()) rss += shp.shm_file!.pages.size;
      return put(ulongs([ns.shm_ids.in_use, ns.shm_tot, rss, 0, 0, 0]), Math.max(ipc_get_maxidx(ns.shm_ids), 0));
    }
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY: { // SHM_STAT* take an index and return the id
      const shp = cmd === IPC_STAT ? ipc_obtain_object_check(ns.shm_ids, shmid) : ipc_obtain_object_idr(ns.shm_ids, shmid);
      if (shp === null) return -EINVAL;
      return put(shmid64_ds(shp), cmd === IPC_STAT ? 0 : shp.id);
    }
    case IPC_SET: {
      const raw = copy_from_user(mm, task, buf, SHMID64_DS_SIZE);
      if (raw === null) return -EFAULT;
      const shp = ipc_obtain_object_check(ns.shm_ids, shmid);
      if (shp === null) return -EINVAL;
      const view = new DataView(raw.buffer, raw.byteOffset);
      const err = ipc_update_perm(view.getUint32(4, true), view.getUint32(8, true), view.getUint32(20, true), shp);
      if (err < 0) return err;
      shp.shm_ctim = ktime_get_real_seconds(k);
      return 0;
    }
    case IPC_RMID: {
      const shp = ipc_obtain_object_check(ns.shm_ids, shmid);
      if (shp === null) return -EINVAL;
      do_shm_rmid(k, shp);
      return 0;
    }
    case SHM_LOCK:
    case SHM_UNLOCK: {
      // Linux also makes the pages unevictable; vmos does not reclaim shmem pages yet, so only the
      // mode bit changes (root passes the RLIMIT_MEMLOCK check).
      const shp = ipc_obtain_object_check(ns.shm_ids, shmid);
      if (shp === null) return -EINVAL;
      shp.mode = cmd === SHM_LOCK ? shp.mode | SHM_LOCKED : shp.mode & ~SHM_LOCKED;
      return 0;
    }
    default:
      return -EINVAL;
  }
}
