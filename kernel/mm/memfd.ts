// Linux: mm/memfd.c (memfd_create, the seals) and the shmem file that backs it (mm/shmem.c
// shmem_file_setup, shmem_file_read_iter, shmem_write_begin, shmem_setattr, shmem_mmap).
//
// A memfd is an anonymous regular file whose data is a shmem object (shmem.ts), the same kind of
// object that backs MAP_SHARED|MAP_ANONYMOUS and SysV segments: its pages count as Shmem, go to swap
// under pressure, and come back at the next touch.
//
//   fd ──> file (memfd_fops) ──f_inode──> inode (S_IFREG|0777, on the internal shm mount, 00:01)
//                                             └──i_private──> shmem_inode_info: pages, swapped, seals
//   mmap ──> vma (vm_ops shmem_vm_ops, vm_private_data = the object, vm_file null)
//
// vmos's shmem VMAs hold the object, not a file (see shmem.ts), so memfd's ->mmap gives the VMA the
// object in place of the file: faults, reclaim, swap, fork, mincore and /proc/PID/maps then treat it
// as they treat shared anonymous memory, and maps shows the object's name, "/memfd:NAME (deleted)".
// The object's kernel reference (shmem_kernel_file_setup) belongs to the inode, so the pages outlive
// the descriptor while a mapping holds them, and the file while the descriptor does.

import type { Kernel } from "../kernel.js";
import { fd_install, get_unused_fd_flags, put_unused_fd } from "../fs/fdtable.js";
import { file, FMODE_LSEEK, FMODE_READ, FMODE_WRITE, type file_operations } from "../fs/file.js";
import { current_time, inode, S_IFREG, super_block, type address_space_operations, type inode_operations } from "../fs/inode.js";
import { generic_file_fops, O_APPEND, O_CLOEXEC, O_RDWR } from "../fs/vfs.js";
import { rlimit, RLIMIT_NOFILE } from "../proc/rlimit.js";
import type { task_struct } from "../proc/task.js";
import { io_wait_now } from "../sched/core.js";
import { EBUSY, EFAULT, EFBIG, EINVAL, ENOMEM, ENOSYS, EPERM } from "../syscalls/errno.js";
import { charge_copy, clear_user, strncpy_from_user } from "../syscalls/uaccess.js";
import { copy_page_user, file_update_time, size_pages } from "./filemap.js";
import { SetPageDirty } from "./page.js";
import {
  shmem_get, shmem_getpage, shmem_kernel_file_put, shmem_kernel_file_setup, shmem_remove_page, shmem_vm_ops,
  type shmem_fault_info, type shmem_inode_info,
} from "./shmem.js";
import { unmap_mapping_range } from "./truncate.js";
import { VM_MAYWRITE, VM_SHARED, VM_WRITE, type vm_area_struct } from "./vma.js";

const PAGE_SIZE = 4096;

// Linux: include/uapi/linux/memfd.h (5.15: no MFD_NOEXEC_SEAL or MFD_EXEC yet).
export const MFD_CLOEXEC = 0x1, MFD_ALLOW_SEALING = 0x2, MFD_HUGETLB = 0x4;
const MFD_ALL_FLAGS = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB;
/** Linux: MFD_HUGE_MASK << MFD_HUGE_SHIFT: the huge page size (log2) that MFD_HUGETLB may carry. */
const MFD_HUGE_BITS = 0x3f << 26;
const MFD_NAME_PREFIX = "memfd:";
/** Linux: MFD_NAME_MAX_LEN = NAME_MAX - strlen("memfd:"): the longest name, without its NUL. */
export const MFD_NAME_MAX_LEN = 255 - MFD_NAME_PREFIX.length;

// Linux: include/uapi/linux/fcntl.h, the seals and the fcntl commands that set and read them.
export const F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
export const F_SEAL_SEAL = 0x1, F_SEAL_SHRINK = 0x2, F_SEAL_GROW = 0x4, F_SEAL_WRITE = 0x8, F_SEAL_FUTURE_WRITE = 0x10;
const F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;

/** Linux: MAX_LFS_FILESIZE for vmos: a file never grows past what a double holds exactly. */
const MAX_FILE_SIZE = 2 ** 52;

/** Linux: shm_mnt's super_block (the kernel-internal tmpfs, device 00:01), per kernel, and its inode numbers. */
const mounts = new WeakMap<Kernel, { sb: super_block; next_ino: number }>();

function shm_mnt(k: Kernel): { sb: super_block; next_ino: number } {
  let mnt = mounts.get(k);
  if (mnt === undefined) mounts.set(k, (mnt = { sb: new super_block(k, "tmpfs", 0, 1), next_ino: 1 }));
  return mnt;
}

/** Linux: SHMEM_I(): the shmem object of a memfd's inode. */
const SHMEM_I = (node: inode): shmem_inode_info => node.i_private as shmem_inode_info;

/** The shmem object behind an open memfd, or null for any other file (Linux: memfd_file_seals_ptr()'s test). */
export function memfd_shmem(f: file): shmem_inode_info | null {
  return f.f_op === memfd_fops ? SHMEM_I(f.f_inode!) : null;
}

/**
 * Linux: shmem_undo_range() for a file cut to `newsize` bytes: every PTE of a page past the new end
 * goes (private copies too), then the pages and swap slots themselves; the tail of the new last page
 * is zeroed, so growing the file again reads zeros there.
 */
function shmem_truncate_range(k: Kernel, info: shmem_inode_info, newsize: number): void {
  const first = size_pages(newsize);
  unmap_mapping_range(info, first);
  for (const index of [...info.pages.keys(), ...info.swapped.keys()]) if (index >= first) shmem_remove_page(k, info, index);
  const tail = newsize % PAGE_SIZE;
  const last = tail === 0 ? undefined : info.pages.get(first - 1);
  if (last !== undefined) k.machine.ram.writeBytes(last.pfn * PAGE_SIZE + tail, new Uint8Array(PAGE_SIZE - tail));
}

/**
 * Linux: shmem_setattr(ATTR_SIZE): -EPERM if a seal forbids the change; a smaller file loses its
 * pages past the end (shmem_truncate_range). do_truncate() then sets i_size.
 */
function shmem_setsize(k: Kernel, node: inode, size: number): number {
  const info = SHMEM_I(node);
  if ((size < node.i_size && info.seals & F_SEAL_SHRINK) || (size > node.i_size && info.seals & F_SEAL_GROW)) return -EPERM;
  info.size_pages = size_pages(size);
  if (size < node.i_size) shmem_truncate_range(k, info, size);
  return 0;
}

const shmem_iops: inode_operations = {
  setsize: shmem_setsize,
  fsync: () => 0, // Linux: noop_fsync: memory is the backing store
  evict: (k, node) => shmem_kernel_file_put(k, SHMEM_I(node)), // Linux: shmem_evict_inode()
};

/** The inode's address_space stays empty: the data is in the shmem object, never in the page cache. */
const shmem_aops: address_space_operations = {
  readpage: () => -EINVAL,
  writepage: () => -EINVAL,
  direct_read: () => -EINVAL,
};

/**
 * shmem_getpage() for read() and write(): a page that comes back from swap makes the caller wait
 * for the disk (Linux: lock_page() on the page under read), which is not a fault (no pgmajfault).
 */
function memfd_getpage(k: Kernel, task: task_struct, info: shmem_inode_info, index: number): ReturnType<typeof shmem_getpage> {
  const io: shmem_fault_info = { major: false, done: 0 };
  const p = shmem_getpage(k, info, index, io);
  io_wait_now(k, task, io.done);
  return p;
}

/**
 * Linux: shmem_file_read_iter(): copy up to `count` bytes at `pos` to the user buffer `buf`. A page
 * never written is a hole and reads as zeros without being allocated (shmem_getpage(SGP_READ)); a
 * page in swap is read back. Returns the bytes copied (0 at EOF), or -EFAULT / -ENOMEM if none were.
 */
function shmem_file_read(k: Kernel, task: task_struct, f: file, buf: number, count: number, pos: number): number {
  const node = f.f_inode!;
  const info = SHMEM_I(node);
  const mm = task.mm!;
  let done = 0;
  while (done < count && pos < node.i_size) {
    const index = Math.floor(pos / PAGE_SIZE);
    const n = Math.min(PAGE_SIZE - (pos % PAGE_SIZE), count - done, node.i_size - pos);
    const p = info.pages.has(index) || info.swapped.has(index) ? memfd_getpage(k, task, info, index) : null;
    if (p === "oom" || p === "sigbus") return done > 0 ? done : -ENOMEM;
    let left: number;
    if (p === null) {
      left = clear_user(mm, task, buf + done, n);
      charge_copy(mm, n - left);
    } else left = copy_page_user(k, mm, task, p, pos % PAGE_SIZE, buf + done, n, true);
    done += n - left;
    pos += n - left;
    if (left > 0) return done > 0 ? done : -EFAULT;
  }
  return done;
}

/**
 * Linux: generic_perform_write() with shmem_write_begin(): copy `count` bytes from `buf` into the
 * file at `pos`, page by page into the shmem object (each page dirty: its only copy is in memory).
 * -EPERM under F_SEAL_WRITE or F_SEAL_FUTURE_WRITE, and for the part past EOF under F_SEAL_GROW.
 * Returns the bytes written, or -errno if none were.
 */
function shmem_file_write(k: Kernel, task: task_struct, f: file, buf: number, count: number, pos: number): number {
  const node = f.f_inode!;
  const info = SHMEM_I(node);
  const mm = task.mm!;
  if (info.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
  if (pos + count > MAX_FILE_SIZE) return -EFBIG;
  let done = 0;
  let err = -EFAULT;
  while (done < count) {
    const index = Math.floor(pos / PAGE_SIZE);
    const n = Math.min(PAGE_SIZE - (pos % PAGE_SIZE), count - done);
    if (info.seals & F_SEAL_GROW && pos + n > node.i_size) {
      err = -EPERM;
      break;
    }
    info.size_pages = Math.max(info.size_pages, index + 1);
    const p = memfd_getpage(k, task, info, index);
    if (p === "oom" || p === "sigbus") {
      err = -ENOMEM;
      break;
    }
    const left = copy_page_user(k, mm, task, p, pos % PAGE_SIZE, buf + done, n, false);
    if (n - left > 0) SetPageDirty(p); // its only copy is in memory now
    done += n - left;
    pos += n - left;
    if (pos > node.i_size) node.i_size = pos;
    if (left > 0) break;
  }
  // A page allocated past EOF for a copy that failed goes again.
  if (info.size_pages > size_pages(node.i_size)) shmem_setsize(k, node, node.i_size);
  if (done > 0) file_update_time(k, node);
  return done > 0 ? done : err;
}

/**
 * Linux: shmem_mmap() (with mmap_region()'s mapping_map_writable() for VM_SHARED): the new VMA maps
 * the file's shmem object instead of the file (see the top of this file). -EPERM for a shared
 * mapping of a file sealed with F_SEAL_WRITE, or a shared writable one under F_SEAL_FUTURE_WRITE
 * (which also keeps mprotect from adding PROT_WRITE later).
 */
function shmem_mmap(f: file, vma: vm_area_struct): number {
  const info = SHMEM_I(f.f_inode!);
  if (info.seals & F_SEAL_WRITE && vma.vm_flags & VM_SHARED) return -EPERM;
  if (info.seals & F_SEAL_FUTURE_WRITE && vma.vm_flags & VM_SHARED) {
    if (vma.vm_flags & VM_WRITE) return -EPERM;
    vma.vm_flags &= ~VM_MAYWRITE;
  }
  vma.vm_ops = shmem_vm_ops;
  vma.vm_private_data = info;
  shmem_get(info);
  return 0;
}

/** Linux: shmem_file_operations: reads and writes at f_pos, llseek as any regular file, ->mmap. */
export const memfd_fops: file_operations = {
  read(k, task, f, buf, count) {
    const n = shmem_file_read(k, task, f, buf, count, Number(f.f_pos));
    if (n > 0) f.f_pos += BigInt(n);
    return n;
  },
  write(k, task, f, buf, count) {
    const pos = f.f_flags & O_APPEND ? f.f_inode!.i_size : Number(f.f_pos);
    if (count === 0) return 0;
    const n = shmem_file_write(k, task, f, buf, count, pos);
    if (n > 0) f.f_pos = BigInt(pos + n);
    return n;
  },
  read_at: shmem_file_read,
  write_at: shmem_file_write,
  llseek: generic_file_fops.llseek, // a regular file's, with i_size for SEEK_END
  mmap: shmem_mmap,
};

/**
 * Linux: shmem_file_setup(name, 0, VM_NORESERVE) + memfd_create's finishing touches: a new empty
 * regular file "memfd:NAME" (mode 0777: S_IRWXUGO, no umask), open O_RDWR|O_LARGEFILE with a
 * position, whose object starts sealed with F_SEAL_SEAL unless `sealing` allows seals.
 */
function shmem_file_setup(k: Kernel, name: string, sealing: boolean): file {
  const mnt = shm_mnt(k);
  const node = new inode(mnt.sb, mnt.next_ino++, S_IFREG | 0o777, shmem_iops, shmem_aops);
  node.i_nlink = 0; // no name anywhere: evicted when the last holder lets go
  node.i_atime = node.i_mtime = node.i_ctime = current_time(k);
  const info = shmem_kernel_file_setup(k, name, 0, "memfd");
  info.i_ino = node.i_ino;
  info.seals = sealing ? 0 : F_SEAL_SEAL;
  node.i_private = info;
  const f = new file(`/${name} (deleted)`, new Uint8Array(0), memfd_fops, FMODE_READ | FMODE_WRITE | FMODE_LSEEK);
  f.f_inode = node; // the file holds the inode's one reference
  f.f_flags = O_RDWR | O_LARGEFILE;
  return f;
}

/** Linux: O_LARGEFILE on riscv32 (asm-generic: 0100000); memfd_create sets it on the file. */
const O_LARGEFILE = 0o100000;

/**
 * Linux: SYSCALL_DEFINE2(memfd_create): a new memfd named "memfd:NAME", at the lowest free
 * descriptor (close-on-exec with MFD_CLOEXEC). Errors in Linux 5.15's order: -EINVAL for unknown
 * flags (huge page size bits only with MFD_HUGETLB); -EFAULT for an unreadable name, -EINVAL for a
 * name longer than MFD_NAME_MAX_LEN; -EMFILE at RLIMIT_NOFILE; then MFD_HUGETLB gives -ENOSYS, as
 * Linux's hugetlb_file_setup() does on a kernel without hugetlbfs (vmos has no huge pages).
 */
export function sys_memfd_create(k: Kernel, task: task_struct, uname: number, flags: number): number {
  flags >>>= 0;
  if (flags & ~(MFD_ALL_FLAGS | (flags & MFD_HUGETLB ? MFD_HUGE_BITS : 0))) return -EINVAL;
  const name = strncpy_from_user(task.mm!, task, uname >>> 0, MFD_NAME_MAX_LEN + 1);
  if (typeof name === "number") return -EFAULT;
  if (name === null) return -EINVAL;
  const files = task.files!;
  const fd = get_unused_fd_flags(files, (flags & MFD_CLOEXEC) !== 0, rlimit(task, RLIMIT_NOFILE));
  if (fd < 0) return fd;
  if (flags & MFD_HUGETLB) {
    put_unused_fd(files, fd);
    return -ENOSYS;
  }
  const f = shmem_file_setup(k, MFD_NAME_PREFIX + new TextDecoder().decode(name), (flags & MFD_ALLOW_SEALING) !== 0);
  fd_install(files, fd, f);
  return fd;
}

/**
 * Linux: memfd_fcntl() -> memfd_add_seals() / memfd_get_seals(): F_GET_SEALS returns the seals;
 * F_ADD_SEALS adds `arg`'s: -EPERM if the file is not open for writing or already sealed with
 * F_SEAL_SEAL, -EINVAL for unknown seals, -EBUSY for F_SEAL_WRITE while a shared mapping exists
 * (5.15 counts every VM_SHARED mapping, read-only ones too: mapping_deny_writable()). Any other
 * file: -EINVAL.
 */
export function memfd_fcntl(f: file, cmd: number, arg: number): number {
  const info = memfd_shmem(f);
  if (info === null) return -EINVAL;
  if (cmd === F_GET_SEALS) return info.seals;
  const seals = arg >>> 0;
  if (!(f.f_mode & FMODE_WRITE)) return -EPERM;
  if (seals & ~F_ALL_SEALS) return -EINVAL;
  if (info.seals & F_SEAL_SEAL) return -EPERM;
  if (seals & F_SEAL_WRITE && !(info.seals & F_SEAL_WRITE)) {
    for (const vma of info.i_mmap) if (vma.vm_flags & VM_SHARED) return -EBUSY;
  }
  info.seals |= seals;
  return 0;
}
