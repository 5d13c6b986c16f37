// Linux: ipc/util.c and include/linux/ipc.h: what the System V IPC objects (shared memory segments;
// semaphore sets and message queues when they come) have in common: a key, an owner and mode bits
// (kern_ipc_perm), and an id.
//
// An id is an index in the kind's table plus a sequence number, so a stale id does not reach the
// object that reused its slot:
//
//     id = seq * SEQ_MULTIPLIER + idx          SEQ_MULTIPLIER = IPCMNI = 32768
//
// Linux 5.15 allocates indexes cyclically (ipc_idr_alloc -> idr_alloc_cyclic): each new object gets
// the lowest free index after the last one handed out, below max(in_use * 3/2, 64); seq goes up by
// one whenever the search wraps around. So the first ids of a boot are 0, 1, 2..., and removing
// segment 0 and creating another gives 1, not 0 again.

import { BOOT_EPOCH_SECONDS } from "../syscalls/info.js";
import { CYCLES_PER_SECOND } from "../../src/hw/clock.js";
import type { Kernel } from "../kernel.js";

// Linux: include/uapi/linux/ipc.h.
export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_NOWAIT = 0o4000;
export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const IPC_INFO = 3;
/** The "new" (64-bit) structure layout flag of the ipc_parse_version() architectures; see shm.ts. */
export const IPC_64 = 0x0100;
/** Linux: S_IRWXUGO, the permission bits of a mode. */
export const S_IRWXUGO = 0o777;

/** Linux: IPCMNI_SHIFT / IPCMNI (= SEQ_MULTIPLIER): the most objects of one kind, and the id stride. */
const IPCMNI_SHIFT = 15;
export const IPCMNI = 1 << IPCMNI_SHIFT;
/** Linux: ipc_min_cycle = RADIX_TREE_MAP_SIZE: indexes cycle through at least this many slots. */
const IPC_MIN_CYCLE = 64;
/** Linux: ipcid_seq_max() = INT_MAX >> IPCMNI_SHIFT. */
const IPCID_SEQ_MAX = 0x7fff_ffff >>> IPCMNI_SHIFT;
const EINVAL = 22, ENOSPC = 28;

/** Linux: ipcid_to_idx(). */
export function ipcid_to_idx(id: number): number {
  return id & (IPCMNI - 1);
}

/**
 * Linux: struct kern_ipc_perm. The IPC kinds extend it (Linux embeds it as their first member and
 * uses container_of). vmos runs everything as uid 0 with every capability, so the owner fields are
 * 0 and ipcperms() never refuses: the mode bits are kept and reported, and enforce nothing.
 */
export class kern_ipc_perm {
  /** The full id (seq * IPCMNI + index); -1 until ipc_addid(). */
  id = -1;
  /** Set when the object is gone for good (ipc_rmid): a stale reference sees it. */
  deleted = false;
  uid = 0;
  gid = 0;
  cuid = 0;
  cgid = 0;
  seq = 0;

  constructor(public key: number, public mode: number) {}
}

/** Linux: struct ipc_ids: the objects of one kind, by index and by key. */
export class ipc_ids<T extends kern_ipc_perm> {
  in_use = 0;
  /** Linux: seq, the sequence number new objects get. */
  seq = 0;
  /** Linux: last_idx, the index handed out last (-1: none yet). */
  last_idx = -1;
  /** Linux: max_idx, the highest index in use (-1: none). */
  max_idx = -1;
  /** Linux: ipcs_idr, by index. */
  readonly idr = new Map<number, T>();
  /** Linux: key_ht, the objects that have a key (not IPC_PRIVATE). */
  readonly key_ht = new Map<number, T>();
}

/** Linux: ipc_findkey(): the object with `key`, or null. */
export function ipc_findkey<T extends kern_ipc_perm>(ids: ipc_ids<T>, key: number): T | null {
  return ids.key_ht.get(key) ?? null;
}

/** Linux: idr_alloc_cyclic(idr, 0, end): the lowest free index >= the one after the last, wrapping to 0. */
function idr_alloc_cyclic<T extends kern_ipc_perm>(ids: ipc_ids<T>, end: number): number {
  for (let idx = ids.last_idx + 1; idx < end; idx++) if (!ids.idr.has(idx)) return idx;
  for (let idx = 0; idx < end; idx++) if (!ids.idr.has(idx)) return idx;
  return -ENOSPC;
}

/**
 * Linux: ipc_addid(): give `obj` an index, a sequence number and its id, and make it findable (by
 * key too, unless it is IPC_PRIVATE). Returns the index, or -ENOSPC when `limit` objects exist.
 */
export function ipc_addid<T extends kern_ipc_perm>(ids: ipc_ids<T>, obj: T, limit: number): number {
  if (ids.in_use >= Math.min(limit, IPCMNI)) return -ENOSPC;
  // Linux: ipc_idr_alloc().
  const idx = idr_alloc_cyclic(ids, Math.min(Math.max(Math.floor((ids.in_use * 3) / 2), IPC_MIN_CYCLE), IPCMNI));
  if (idx < 0) return idx;
  if (idx <= ids.last_idx && ++ids.seq >= IPCID_SEQ_MAX) ids.seq = 0;
  ids.last_idx = idx;
  obj.seq = ids.seq;
  obj.id = obj.seq * IPCMNI + idx;
  ids.idr.set(idx, obj);
  if (obj.key !== IPC_PRIVATE) ids.key_ht.set(obj.key, obj);
  ids.in_use++;
  if (idx > ids.max_idx) ids.max_idx = idx;
  return idx;
}

/** Linux: ipc_set_key_private(): the object can no longer be found by its key, and shows key 0. */
export function ipc_set_key_private<T extends kern_ipc_perm>(ids: ipc_ids<T>, obj: T): void {
  if (obj.key !== IPC_PRIVATE && ids.key_ht.get(obj.key) === obj) ids.key_ht.delete(obj.key);
  obj.key = IPC_PRIVATE;
}

/** Linux: ipc_rmid(): forget the object (by index and key); it is marked deleted. */
export function ipc_rmid<T extends kern_ipc_perm>(ids: ipc_ids<T>, obj: T): void {
  const idx = ipcid_to_idx(obj.id);
  ids.idr.delete(idx);
  ipc_set_key_private(ids, obj);
  ids.in_use--;
  obj.deleted = true;
  if (idx === ids.max_idx) while (ids.max_idx >= 0 && !ids.idr.has(ids.max_idx)) ids.max_idx--;
}

/** Linux: ipc_obtain_object_idr(): the object at id's index, whatever its sequence number, or null. */
export function ipc_obtain_object_idr<T extends kern_ipc_perm>(ids: ipc_ids<T>, id: number): T | null {
  return ids.idr.get(ipcid_to_idx(id)) ?? null;
}

/** Linux: ipc_obtain_object_check(): the object with exactly this id, or null (-EINVAL for callers). */
export function ipc_obtain_object_check<T extends kern_ipc_perm>(ids: ipc_ids<T>, id: number): T | null {
  const obj = ipc_obtain_object_idr(ids, id);
  return obj !== null && obj.id === id ? obj : null;
}

/** Linux: ipc_get_maxidx(): the highest index in use, -1 when there is none. */
export function ipc_get_maxidx<T extends kern_ipc_perm>(ids: ipc_ids<T>): number {
  if (ids.in_use === 0) return -1;
  if (ids.in_use === IPCMNI) return IPCMNI - 1;
  return ids.max_idx;
}

/**
 * Linux: kernel_to_ipc64_perm(): struct ipc64_perm (asm-generic/ipcbuf.h, riscv32), 36 bytes at
 * `off` of `view`, little-endian:
 *
 *     0 key   4 uid   8 gid   12 cuid   16 cgid   20 mode (u32: __kernel_mode_t is unsigned int,
 *     so __pad1 is empty)   24 seq (u16)   26 __pad2   28 __unused1   32 __unused2
 */
export function kernel_to_ipc64_perm(perm: kern_ipc_perm, view: DataView, off: number): void {
  view.setInt32(off + 0, perm.key, true);
  view.setUint32(off + 4, perm.uid, true);
  view.setUint32(off + 8, perm.gid, true);
  view.setUint32(off + 12, perm.cuid, true);
  view.setUint32(off + 16, perm.cgid, true);
  view.setUint32(off + 20, perm.mode, true);
  view.setUint16(off + 24, perm.seq & 0xffff, true);
}

/** Size of struct ipc64_perm on riscv32. */
export const IPC64_PERM_SIZE = 36;

/**
 * Linux: ipc_update_perm() (IPC_SET): the new uid and gid, and the permission bits of the mode; the
 * other mode bits (SHM_DEST, SHM_LOCKED) stay. -EINVAL for an invalid id ((uid_t)-1). 0 on success.
 */
export function ipc_update_perm(uid: number, gid: number, mode: number, out: kern_ipc_perm): number {
  if (uid === 0xffff_ffff || gid === 0xffff_ffff) return -EINVAL;
  out.uid = uid;
  out.gid = gid;
  out.mode = ((out.mode & ~S_IRWXUGO) | (mode & S_IRWXUGO)) >>> 0;
  return 0;
}

/** Linux: ktime_get_real_seconds(): simulated wall-clock seconds (the clock_gettime64 CLOCK_REALTIME). */
export function ktime_get_real_seconds(k: Kernel): number {
  return BOOT_EPOCH_SECONDS + Math.floor(k.machine.clock.cycles / CYCLES_PER_SECOND);
}
