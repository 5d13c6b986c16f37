// Linux: mm/mmap.c vma_merge() (with the parts of __vma_adjust() it needs), __split_vma(),
// split_vma(), and kernel/fork.c vm_area_dup(): how VMAs are cut and glued back together.
//
// Two neighbouring VMAs are one mapping in all but name when their flags, backing (file or shmem
// object) and page offsets line up: Linux keeps them as one VMA, and so must vmos, or /proc/PID/maps,
// map_count and max_map_count behave differently. vma_merge() is asked "can [addr, end), about to
// get vm_flags, join prev and/or next?" by mmap, brk and mremap (the range AAAA is a hole) and by
// mprotect, mlock and madvise (AAAA is part of one VMA). Linux's comment draws the eight cases:
//
//   a hole:         AAAA            ->  PPPPPPPPPPPP (1)  PPPPPPPPNNNN (2)  PPPPNNNNNNNN (3)
//               PPPP    NNNN
//   mapped:       AAAA                  AAAA                  AAAA
//             PPPPPPNNNNNN          PPPPPPNNNNNN          PPPPNNNNXXXX
//         ->  PPNNNNNNNNNN (4)      PPPPPPPPPPNN (5)      PPPPPPPPPPPP (6)
//             (AAAA is P's tail)    (AAAA is N's head)    PPPPPPPPXXXX (7)
//                                                         PPPPXXXXXXXX (8)   (AAAA is all of N)

import { hex } from "../trace.js";
import { fput, get_file, type file } from "../fs/file.js";
import type { Kernel } from "../kernel.js";
import type { mm_struct } from "./mm_types.js";
import { shmem_get, shmem_put, vma_is_shmem, vma_shmem, type vm_operations_struct } from "./shmem.js";
import { VM_SPECIAL, vm_area_struct, vma_pages } from "./vma.js";
import { vma_bounds_changed, vma_link, vma_unlink, type VmaOwner } from "./vma_tree.js";
import { vma_set_page_prot } from "./mmap.js";

const PAGE_SHIFT = 12;
const ENOMEM = 12;

/** Linux: sysctl_max_map_count (DEFAULT_MAX_MAP_COUNT = 65530), per kernel: tests may lower it. */
export const DEFAULT_MAX_MAP_COUNT = 65530;
const max_map_counts = new WeakMap<Kernel, number>();

/** Linux: /proc/sys/vm/max_map_count, read. */
export function sysctl_max_map_count(k: Kernel): number {
  return max_map_counts.get(k) ?? DEFAULT_MAX_MAP_COUNT;
}

/** Linux: writing /proc/sys/vm/max_map_count. `n` is an integer >= 0. */
export function set_sysctl_max_map_count(k: Kernel, n: number): void {
  max_map_counts.set(k, n);
}

/**
 * Linux: get_file(vma->vm_file) + vma->vm_ops->open(vma): the references a copy of a VMA must hold.
 * vmos keeps shared anonymous memory's shmem object where Linux keeps the shmem file, so this takes
 * that reference too. Called for every new copy: split, mremap, fork.
 */
export function vma_get_refs(vma: vm_area_struct): void {
  if (vma.vm_file !== null) get_file(vma.vm_file as file);
  if (vma_is_shmem(vma)) shmem_get(vma_shmem(vma));
  (vma.vm_ops as vm_operations_struct | null)?.open?.(vma);
}

/** Linux: vm_ops->close + fput(vma->vm_file) (remove_vma, or a VMA merged away): drop what vma_get_refs took. */
export function vma_put_refs(k: Kernel, vma: vm_area_struct): void {
  (vma.vm_ops as vm_operations_struct | null)?.close?.(k, vma);
  if (vma.vm_file !== null) fput(vma.vm_file as file);
  if (vma_is_shmem(vma)) shmem_put(k, vma_shmem(vma));
}

/**
 * Linux: kernel/fork.c vm_area_dup() + the get_file()/vm_ops->open() its callers do: an unlinked copy
 * of `vma` for `mm` (default: the same mm) with every field and its own references. The caller links
 * it (vma_link) and sets what differs. Fork uses this for the child's VMAs.
 */
export function vm_area_dup(vma: vm_area_struct, mm: VmaOwner = vma.vm_mm): vm_area_struct {
  const copy = new vm_area_struct(mm, vma.vm_start, vma.vm_end, vma.vm_flags, vma.vm_pgoff);
  copy.vm_page_prot = vma.vm_page_prot;
  copy.vm_file = vma.vm_file;
  copy.vm_ops = vma.vm_ops;
  copy.vm_private_data = vma.vm_private_data;
  copy.anon_vma = vma.anon_vma;
  vma_get_refs(copy);
  return copy;
}

function traceVma(mm: mm_struct, what: string, vma: vm_area_struct): void {
  if (mm.kernel.trace.mm) mm.kernel.trace.note("mm", `${what} ${hex(vma.vm_start)}-${hex(vma.vm_end)} flags ${hex(vma.vm_flags)}`);
}

/**
 * Linux: is_mergeable_vma(): same flags, same file, same private data, and no vm_ops->close (a VMA
 * whose owner counts its VMAs, as SysV shm counts attaches, must not have two of them become one).
 */
function is_mergeable_vma(vma: vm_area_struct, file: unknown, private_data: unknown, vm_flags: number): boolean {
  return vma.vm_flags === vm_flags && vma.vm_file === file && vma.vm_private_data === private_data &&
    (vma.vm_ops as vm_operations_struct | null)?.close === undefined;
}

/**
 * Linux: is_mergeable_anon_vma(): anonymous pages of both sides must have one identity. Either side
 * without an anon_vma (no anonymous page yet) is fine. Linux also refuses a null one against a VMA
 * whose anon_vma_chain is not singular (one that went through fork); vmos keeps no chains.
 */
function is_mergeable_anon_vma(anon_vma1: unknown, anon_vma2: unknown): boolean {
  return anon_vma1 === null || anon_vma2 === null || anon_vma1 === anon_vma2;
}

/** Linux: can_vma_merge_before(): [.., vm_pgoff + pages) can be put in front of `vma`. */
function can_vma_merge_before(vma: vm_area_struct, vm_flags: number, anon_vma: unknown, file: unknown, private_data: unknown, vm_pgoff: number): boolean {
  return is_mergeable_vma(vma, file, private_data, vm_flags) && is_mergeable_anon_vma(anon_vma, vma.anon_vma) &&
    vma.vm_pgoff === vm_pgoff;
}

/** Linux: can_vma_merge_after(): a range starting at page offset vm_pgoff can follow `vma`. */
function can_vma_merge_after(vma: vm_area_struct, vm_flags: number, anon_vma: unknown, file: unknown, private_data: unknown, vm_pgoff: number): boolean {
  return is_mergeable_vma(vma, file, private_data, vm_flags) && is_mergeable_anon_vma(anon_vma, vma.anon_vma) &&
    vma.vm_pgoff + vma_pages(vma) === vm_pgoff;
}

/** What a merge needs to know about the range besides its bounds and flags. */
export interface MergeKey {
  /** The anon_vma of the VMA the range comes from (null for a hole). */
  anon_vma: unknown;
  /** vm_file and vm_private_data of the range's backing (null, null for private anonymous memory). */
  file: unknown;
  private_data: unknown;
  /** Page offset of `addr` in the backing (addr >> PAGE_SHIFT for private anonymous memory). */
  pgoff: number;
}

/** `grower` now covers pages of `from`: it adopts from's anon_vma if it had none (Linux: anon_vma_clone in __vma_adjust). */
function absorb(grower: vm_area_struct, from: vm_area_struct): void {
  if (grower.anon_vma === null) grower.anon_vma = from.anon_vma;
}

/** A VMA merged away: out of the tree, its references dropped. Its range stays mapped by its absorber. */
function remove_merged(mm: mm_struct, vma: vm_area_struct): void {
  vma_unlink(mm, vma);
  vma_put_refs(mm.kernel, vma);
  traceVma(mm, "vma_merge: remove", vma);
}

/** Set vm_start/vm_end of a linked VMA and tell the tree (Linux: the core of __vma_adjust). */
function set_bounds(mm: mm_struct, vma: vm_area_struct, start: number, end: number): void {
  vma.vm_start = start;
  vma.vm_end = end;
  vma_bounds_changed(mm, vma);
}

/**
 * Linux: vma_merge(). Can [addr, end) with vm_flags and `key` join `prev` (the VMA before addr, or
 * the VMA containing addr for mprotect-style callers; null at the bottom) and/or the VMA after it?
 * If so, does it, and returns the VMA now covering [addr, end); else returns null and changes
 * nothing. Never merges VM_SPECIAL mappings. Accounting (vm_stat_account) is the caller's.
 */
export function vma_merge(mm: mm_struct, prev: vm_area_struct | null, addr: number, end: number, vm_flags: number,
  key: MergeKey): vm_area_struct | null {
  const { anon_vma, file, private_data, pgoff } = key;
  const pglen = (end - addr) >>> PAGE_SHIFT;
  if (vm_flags & VM_SPECIAL) return null;
  const area = prev !== null ? prev.vm_next : mm.mmap;
  let next = area;
  if (area !== null && area.vm_end === end) next = area.vm_next; // cases 6, 7, 8: the range is all of area

  // Can it merge with the predecessor?
  if (prev !== null && prev.vm_end === addr && can_vma_merge_after(prev, vm_flags, anon_vma, file, private_data, pgoff)) {
    if (next !== null && end === next.vm_start && can_vma_merge_before(next, vm_flags, anon_vma, file, private_data, pgoff + pglen) &&
        is_mergeable_anon_vma(prev.anon_vma, next.anon_vma)) {
      // Cases 1 and 6: prev grows over the range (area, in 6) and next.
      const new_end = next.vm_end;
      if (area !== null && area !== next) {
        absorb(prev, area);
        remove_merged(mm, area);
      }
      absorb(prev, next);
      remove_merged(mm, next);
      set_bounds(mm, prev, prev.vm_start, new_end);
    } else if (area !== null && area.vm_start < end) {
      absorb(prev, area);
      if (area.vm_end === end) {
        remove_merged(mm, area); // case 7
      } else {
        area.vm_pgoff += (end - area.vm_start) >>> PAGE_SHIFT; // case 5: area loses its head to prev
        set_bounds(mm, area, end, area.vm_end);
      }
      set_bounds(mm, prev, prev.vm_start, end);
    } else {
      set_bounds(mm, prev, prev.vm_start, end); // case 2
    }
    traceVma(mm, "vma_merge (into prev)", prev);
    return prev;
  }

  // Can it merge in front of next?
  if (next !== null && end === next.vm_start && can_vma_merge_before(next, vm_flags, anon_vma, file, private_data, pgoff + pglen)) {
    if (prev !== null && addr < prev.vm_end) {
      absorb(next, prev); // case 4: next takes prev's tail
      set_bounds(mm, prev, prev.vm_start, addr);
    } else if (area !== null && area !== next) {
      absorb(next, area); // case 8
      remove_merged(mm, area);
    }
    next.vm_pgoff -= pglen; // case 3 too
    set_bounds(mm, next, addr, next.vm_end);
    traceVma(mm, "vma_merge (into next)", next);
    return next;
  }
  return null;
}

/**
 * Linux: __split_vma(): cut `vma` at `addr` (strictly inside it). With `new_below` the new VMA is the
 * part below addr, else the part above. Both keep their page offsets linear. Returns the new VMA.
 * No map_count check (split_vma() has it).
 */
export function __split_vma(mm: mm_struct, vma: vm_area_struct, addr: number, new_below: boolean): vm_area_struct {
  const fresh = vm_area_dup(vma);
  const below = (addr - vma.vm_start) >>> PAGE_SHIFT;
  if (new_below) {
    fresh.vm_end = addr;
    vma.vm_pgoff += below;
    set_bounds(mm, vma, addr, vma.vm_end);
  } else {
    fresh.vm_start = addr;
    fresh.vm_pgoff += below;
    set_bounds(mm, vma, vma.vm_start, addr);
  }
  vma_link(mm, fresh);
  traceVma(mm, "__split_vma", fresh);
  return fresh;
}

/** Linux: split_vma(): __split_vma() unless the mm already has sysctl_max_map_count VMAs. 0 or -ENOMEM. */
export function split_vma(mm: mm_struct, vma: vm_area_struct, addr: number, new_below: boolean): number {
  if (mm.map_count >= sysctl_max_map_count(mm.kernel)) return -ENOMEM;
  __split_vma(mm, vma, addr, new_below);
  return 0;
}

/**
 * Give [start, end), which lies inside `vma`, the flags `newflags`: merge it with a neighbour if
 * vma_merge() can, else split it out of vma. `prev` is what Linux's callers pass as *pprev: vma
 * itself when start is inside it, else the VMA before it. Returns the VMA that now covers exactly or
 * more than [start, end), with vm_flags and vm_page_prot set; or -ENOMEM when a split would pass
 * max_map_count (a split already done stays done, as in Linux).
 * Linux 5.15 open-codes this in mprotect_fixup(), mlock_fixup() and madvise_behavior(); 6.7 named it
 * vma_modify_flags() (mm/mmap.c).
 */
export function vma_modify_flags(mm: mm_struct, prev: vm_area_struct | null, vma: vm_area_struct, start: number, end: number,
  newflags: number): vm_area_struct | number {
  const pgoff = vma.vm_pgoff + ((start - vma.vm_start) >>> PAGE_SHIFT);
  const merged = vma_merge(mm, prev, start, end, newflags,
    { anon_vma: vma.anon_vma, file: vma.vm_file, private_data: vma.vm_private_data, pgoff });
  if (merged !== null) {
    vma = merged;
  } else {
    if (start !== vma.vm_start && split_vma(mm, vma, start, true) < 0) return -ENOMEM;
    if (end !== vma.vm_end && split_vma(mm, vma, end, false) < 0) return -ENOMEM;
  }
  vma.vm_flags = newflags >>> 0;
  vma_set_page_prot(vma);
  return vma;
}

/**
 * The walk mprotect and mlock share (Linux open-codes it in do_mprotect_pkey() and
 * apply_vma_lock_flags()): `vma` contains start; call fixup(vma, prev, nstart, tmp) for each piece
 * [nstart, tmp) of [start, end) in address order, one VMA at a time. A fixup returns the VMA that now
 * covers its piece (the next call's prev) or -errno, which stops the walk. A hole between VMAs stops
 * it with -ENOMEM; the pieces before keep their change, as in Linux. Returns 0 or -errno.
 */
export function vma_range_walk(vma: vm_area_struct, start: number, end: number,
  fixup: (vma: vm_area_struct, prev: vm_area_struct | null, nstart: number, tmp: number) => vm_area_struct | number): number {
  let prev: vm_area_struct | null = start > vma.vm_start ? vma : vma.vm_prev;
  for (let nstart = start; ;) {
    const tmp = Math.min(vma.vm_end, end);
    const r = fixup(vma, prev, nstart, tmp);
    if (typeof r === "number") return r;
    prev = r;
    nstart = Math.max(tmp, r.vm_end);
    if (nstart >= end) return 0;
    const next: vm_area_struct | null = r.vm_next;
    if (next === null || next.vm_start !== nstart) return -ENOMEM;
    vma = next;
  }
}
