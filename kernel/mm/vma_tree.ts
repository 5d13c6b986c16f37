// Linux: mm/mmap.c (v5.15, before the maple tree): the VMAs of an mm, kept in address order twice,
// in the rbtree mm->mm_rb (O(log n) lookup) and in the list mm->mmap (cheap neighbours and walks).
//
// The tree is augmented (the callbacks are in vma.ts). Each VMA's "gap" is the free space below it,
//     vma_compute_gap(vma) = vm_start_gap(vma) - vm_end_gap(vma.vm_prev)      (0 if negative)
// and each node caches rb_subtree_gap, the largest gap in its subtree. unmapped_area*() read it to
// skip whole subtrees that cannot hold a request, so finding a free range is O(log n) too. The gap
// above the highest VMA belongs to no node: mm->highest_vm_end marks where it starts.
//
//                  [0x10000, 0x11000)  gap 0xd000, subtree 0x7f000
//                   /                          \
//     [0x2000, 0x3000)  gap 0x2000      [0x90000, 0x91000)  gap 0x7f000
//
// Everything that moves a VMA boundary must refresh the gaps it changed: vma_link(), vma_unlink()
// and vma_bounds_changed() do that for their callers.

import { BUG, BUG_ON } from "../bug.js";
import { hex } from "../trace.js";
import {
  rb_erase_augmented, rb_first, rb_insert_augmented, rb_last, rb_link_node, rb_next, rb_prev, rb_validate,
  type rb_dir, type rb_root as rb_root_of,
} from "./rbtree.js";
import { anon_vma_link, vma_link_rmap, vma_unlink_rmap } from "./rmap.js";
import {
  vm_end_gap, vm_start_gap, vma_compute_subtree_gap, vma_gap_callbacks, vma_gap_update, type vm_area_struct,
} from "./vma.js";

/** Linux: struct rb_root, here the root of an mm's VMA tree. */
export interface rb_root extends rb_root_of<vm_area_struct> {}

/** What the tree needs from mm_struct (mm_types.ts implements it). */
export interface VmaOwner {
  mm_rb: rb_root;
  /** The lowest VMA; the rest follow through vm_next. */
  mmap: vm_area_struct | null;
  map_count: number;
  /** vm_end_gap() of the highest VMA, 0 when there is none: where the topmost free gap starts. */
  highest_vm_end: number;
}

const PAGE_SIZE = 0x1000;
const PAGE_MASK_LOW = PAGE_SIZE - 1; // offset_in_page() bits
const ADDRESS_LIMIT = 2 ** 32; // vm_end of a 32-bit address space is at most this
const ENOMEM = 12;

// ---- Lookups ------------------------------------------------------------------------------------

/**
 * Linux: find_vma(): the first VMA with vm_end > addr (it contains addr or lies above it), or null.
 * `addr` is an unsigned 32-bit address. O(log n), allocates nothing: this is the page-fault path.
 * (Linux first tries a per-thread vmacache; vmos has none.)
 */
export function find_vma(mm: VmaOwner, addr: number): vm_area_struct | null {
  // In pages, on the keys cached in the nodes (see vm_area_struct): vm_end > addr exactly when
  // vm_end's page number > addr's, since vm_end is page aligned; likewise vm_start <= addr.
  const vpn = (addr / PAGE_SIZE) | 0;
  let node = mm.mm_rb.rb_node;
  let vma: vm_area_struct | null = null;
  while (node !== null) {
    if (node.rb_vpn_end > vpn) {
      vma = node;
      if (node.rb_vpn_start <= vpn) break;
      node = node.rb_left;
    } else {
      node = node.rb_right;
    }
  }
  return vma;
}

/** Linux: find_vma_prev(): find_vma() and the VMA before it (the last VMA when find_vma is null). */
export function find_vma_prev(mm: VmaOwner, addr: number): { vma: vm_area_struct | null; prev: vm_area_struct | null } {
  const vma = find_vma(mm, addr);
  return { vma, prev: vma !== null ? vma.vm_prev : rb_last(mm.mm_rb) };
}

/** Linux: find_vma_intersection(): the first VMA overlapping [start_addr, end_addr), or null. */
export function find_vma_intersection(mm: VmaOwner, start_addr: number, end_addr: number): vm_area_struct | null {
  const vma = find_vma(mm, start_addr);
  return vma !== null && end_addr > vma.vm_start ? vma : null;
}

/** Linux: rb_first() on mm->mm_rb: the lowest VMA, or null. Agrees with mm->mmap. */
export const rb_first_vma = (mm: VmaOwner): vm_area_struct | null => rb_first(mm.mm_rb);
/** Linux: rb_last() on mm->mm_rb: the highest VMA, or null. */
export const rb_last_vma = (mm: VmaOwner): vm_area_struct | null => rb_last(mm.mm_rb);
/** Linux: rb_next() on a linked VMA: the next one in tree order (the same as vma.vm_next). */
export const rb_next_vma = (vma: vm_area_struct): vm_area_struct | null => rb_next(vma);
/** Linux: rb_prev() on a linked VMA: the previous one in tree order (the same as vma.vm_prev). */
export const rb_prev_vma = (vma: vm_area_struct): vm_area_struct | null => rb_prev(vma);

// ---- Linking and unlinking ----------------------------------------------------------------------

// Linux: find_vma_links(): where [addr, end) goes: its predecessor, and the parent and side of the
// empty link it hangs on. Null when an existing VMA overlaps the range.
function find_vma_links(mm: VmaOwner, addr: number, end: number):
    { prev: vm_area_struct | null; parent: vm_area_struct | null; dir: rb_dir } | null {
  let node = mm.mm_rb.rb_node;
  let parent: vm_area_struct | null = null;
  let prev: vm_area_struct | null = null;
  let dir: rb_dir = "rb_left";
  while (node !== null) {
    parent = node;
    if (node.vm_end > addr) {
      if (node.vm_start < end) return null;
      dir = "rb_left";
    } else {
      prev = node;
      dir = "rb_right";
    }
    node = node[dir];
  }
  return { prev, parent, dir };
}

// Linux: mm/util.c __vma_link_list(): put vma after prev (or first) in mm->mmap.
function __vma_link_list(mm: VmaOwner, vma: vm_area_struct, prev: vm_area_struct | null): void {
  const next = prev !== null ? prev.vm_next : mm.mmap;
  vma.vm_prev = prev;
  vma.vm_next = next;
  if (prev !== null) prev.vm_next = vma;
  else mm.mmap = vma;
  if (next !== null) next.vm_prev = vma;
}

// Linux: mm/util.c __vma_unlink_list().
function __vma_unlink_list(mm: VmaOwner, vma: vm_area_struct): void {
  const { vm_prev: prev, vm_next: next } = vma;
  if (prev !== null) prev.vm_next = next;
  else mm.mmap = next;
  if (next !== null) next.vm_prev = prev;
  vma.vm_prev = null;
  vma.vm_next = null;
}

// vmos: cache the tree's keys, vm_start and vm_end in pages (see vm_area_struct).
function vma_set_keys(vma: vm_area_struct): void {
  vma.rb_vpn_start = (vma.vm_start / PAGE_SIZE) | 0;
  vma.rb_vpn_end = (vma.vm_end / PAGE_SIZE) | 0;
}

function check_bounds(vma: vm_area_struct, who: string): void {
  const { vm_start: start, vm_end: end } = vma;
  const sane = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= ADDRESS_LIMIT;
  if (!sane || ((start | end) & PAGE_MASK_LOW) !== 0) BUG(`${who}: bad VMA bounds ${vma_name(vma)}`);
}

/**
 * Linux: vma_link() = __vma_link_list + __vma_link_rb + map_count++ (and highest_vm_end).
 * Inserts an unlinked VMA of `mm` with page-aligned, non-empty bounds. BUG (KernelBug) if it
 * overlaps a linked VMA, is already linked, or belongs to another mm.
 */
export function vma_link(mm: VmaOwner, vma: vm_area_struct): void {
  BUG_ON(vma.vm_mm !== mm, "vma_link: the VMA belongs to another mm");
  BUG_ON(vma.rb_parent !== null || vma.rb_left !== null || vma.rb_right !== null || mm.mm_rb.rb_node === vma
    || vma.vm_next !== null || vma.vm_prev !== null, "vma_link: the VMA is already linked");
  check_bounds(vma, "vma_link");
  const where = find_vma_links(mm, vma.vm_start, vma.vm_end);
  if (where === null) BUG(`vma_link: ${vma_name(vma)} overlaps a VMA`);

  vma_set_keys(vma);
  __vma_link_list(mm, vma, where.prev);
  // Linux: __vma_link_rb(). The gap of the VMA above changed (it now ends at vma); if there is
  // none, vma now starts the topmost gap.
  if (vma.vm_next !== null) vma_gap_update(vma.vm_next);
  else mm.highest_vm_end = vm_end_gap(vma);
  // vma's own gap was unknown on the way down, so the ancestors were not raised then: hang it with
  // gap 0, raise the path now, and only then rebalance (rotations keep the values right).
  rb_link_node(mm.mm_rb, vma, where.parent, where.dir);
  vma.rb_subtree_gap = 0;
  vma_gap_update(vma);
  rb_insert_augmented(vma, mm.mm_rb, vma_gap_callbacks);
  mm.map_count++;
  vma_link_rmap(vma); // Linux: __vma_link_file() + the anon_vma chain: the reverse map finds it now
}

/**
 * Linux: __vma_unlink() (vma_rb_erase + __vma_unlink_list), map_count--, then the gap of the VMA
 * above (or highest_vm_end) as detach_vmas_to_be_unmapped() does. Afterwards `vma` is unlinked
 * and may be linked again. BUG if it is not linked in `mm`.
 */
export function vma_unlink(mm: VmaOwner, vma: vm_area_struct): void {
  BUG_ON(vma.vm_mm !== mm || (vma.rb_parent === null && mm.mm_rb.rb_node !== vma), "vma_unlink: the VMA is not linked");
  const prev = vma.vm_prev;
  const next = vma.vm_next;
  rb_erase_augmented(vma, mm.mm_rb, vma_gap_callbacks);
  __vma_unlink_list(mm, vma);
  if (next !== null) vma_gap_update(next); // its gap now reaches down to prev
  else mm.highest_vm_end = prev !== null ? vm_end_gap(prev) : 0;
  mm.map_count--;
  vma_unlink_rmap(vma); // Linux: __remove_shared_vm_struct() + unlink_anon_vmas()
}

/**
 * Call right after changing vm_start and/or vm_end of a linked VMA in place (vma_adjust,
 * expand_stack, mremap in place): refreshes what Linux's callers refresh by hand, vma_gap_update()
 * of vma and of vma->vm_next, or mm->highest_vm_end. The new bounds must stay between the
 * neighbours (touching is fine): to grow over a neighbour, vma_unlink() it first. BUG otherwise,
 * since the VMA's place in the tree would be wrong.
 */
export function vma_bounds_changed(mm: VmaOwner, vma: vm_area_struct): void {
  BUG_ON(vma.vm_mm !== mm || (vma.rb_parent === null && mm.mm_rb.rb_node !== vma), "vma_bounds_changed: the VMA is not linked");
  check_bounds(vma, "vma_bounds_changed");
  const { vm_prev: prev, vm_next: next } = vma;
  if ((prev !== null && prev.vm_end > vma.vm_start) || (next !== null && vma.vm_end > next.vm_start)) {
    BUG(`vma_bounds_changed: ${vma_name(vma)} now overlaps a neighbour`);
  }
  vma_set_keys(vma);
  vma_gap_update(vma);
  if (next !== null) vma_gap_update(next);
  else mm.highest_vm_end = vm_end_gap(vma);
  anon_vma_link(vma); // a VMA that grew over a merged neighbour may have adopted its anon_vma
}

// ---- Free space ---------------------------------------------------------------------------------

/** Linux: struct vm_unmapped_area_info (flags left out: call the bottom-up or top-down function). */
export interface vm_unmapped_area_info {
  length: number; // bytes wanted
  /** The range must lie in [low_limit, high_limit). */
  low_limit: number;
  high_limit: number;
  /** The start must satisfy (start & align_mask) === (align_offset & align_mask); default 0. */
  align_mask?: number;
  align_offset?: number;
}

// Where a search may stop early, vmos compares vm_start where Linux compares vm_start_gap(), which
// need not rise along the list (a stack's guard gap can reach below the VMA under it): Linux could
// then give up, or skip a subtree, though a lower gap fits. So the answer here is always the first
// fitting gap in address order, whatever the shape of the tree.

/**
 * Linux: unmapped_area(): the lowest free range of info.length bytes, aligned as asked, inside
 * [low_limit, high_limit) and outside every VMA and guard gap. Returns its start, or -ENOMEM.
 * Like Linux, it looks for a gap of length + align_mask bytes, so alignment can never fail.
 */
export function unmapped_area(mm: VmaOwner, info: vm_unmapped_area_info): number {
  const align_mask = info.align_mask ?? 0;
  const length = info.length + align_mask;
  // A gap [gap_start, gap_end) fits when it is long enough, gap_start <= high_limit and
  // gap_end >= low_limit, with the limits moved in by length (Linux's comment in unmapped_area()).
  if (info.high_limit < length) return -ENOMEM;
  const high_limit = info.high_limit - length;
  if (info.low_limit > high_limit) return -ENOMEM;
  const low_limit = info.low_limit + length;

  let gap_start = 0;
  let gap_end = Infinity; // Linux: ULONG_MAX, for the gap above the highest VMA
  let found = false;
  const root = mm.mm_rb.rb_node;
  if (root !== null && root.rb_subtree_gap >= length) {
    let vma = root;
    // In-order walk, lowest first, skipping subtrees whose largest gap is too small.
    descend: for (;;) {
      const left: vm_area_struct | null = vma.rb_left;
      if (vma.vm_start >= low_limit && left !== null && left.rb_subtree_gap >= length) {
        vma = left;
        continue;
      }
      for (;;) {
        // Check the gap just below vma.
        gap_start = vma.vm_prev !== null ? vm_end_gap(vma.vm_prev) : 0;
        if (gap_start > high_limit) return -ENOMEM; // this and every later gap start too high
        gap_end = vm_start_gap(vma);
        if (gap_end >= low_limit && gap_end > gap_start && gap_end - gap_start >= length) {
          found = true;
          break descend;
        }
        const right: vm_area_struct | null = vma.rb_right;
        if (right !== null && right.rb_subtree_gap >= length) {
          vma = right;
          continue descend;
        }
        // Climb until we come up from a left child: that parent's gap is next in address order.
        let child: vm_area_struct = vma;
        let parent = child.rb_parent;
        while (parent !== null && child === parent.rb_right) {
          child = parent;
          parent = child.rb_parent;
        }
        if (parent === null) break descend;
        vma = parent;
      }
    }
  }
  if (!found) { // then the gap above the highest VMA
    gap_start = mm.highest_vm_end;
    gap_end = Infinity;
    if (gap_start > high_limit) return -ENOMEM;
  }
  if (gap_start < info.low_limit) gap_start = info.low_limit;
  gap_start += (((info.align_offset ?? 0) - gap_start) & align_mask) >>> 0;
  BUG_ON(gap_start + info.length > info.high_limit || gap_start + info.length > gap_end, "unmapped_area: range outside the gap");
  return gap_start;
}

/**
 * Linux: unmapped_area_topdown(): like unmapped_area(), but the highest fitting range, placed at
 * the top of its gap (mmap's default layout grows down from mm->mmap_base). Returns its start, or
 * -ENOMEM.
 */
export function unmapped_area_topdown(mm: VmaOwner, info: vm_unmapped_area_info): number {
  const align_mask = info.align_mask ?? 0;
  const length = info.length + align_mask;
  if (info.high_limit < length) return -ENOMEM;
  const high_limit = info.high_limit - length;
  if (info.low_limit > high_limit) return -ENOMEM;
  const low_limit = info.low_limit + length;

  let gap_start = mm.highest_vm_end; // the gap above the highest VMA, tried first
  let gap_end = info.high_limit;
  if (gap_start > high_limit) {
    const root = mm.mm_rb.rb_node;
    if (root === null || root.rb_subtree_gap < length) return -ENOMEM;
    let vma = root;
    // Reverse in-order walk, highest first, skipping subtrees whose largest gap is too small.
    descend: for (;;) {
      gap_start = vma.vm_prev !== null ? vm_end_gap(vma.vm_prev) : 0;
      const right: vm_area_struct | null = vma.rb_right;
      if (gap_start <= high_limit && right !== null && right.rb_subtree_gap >= length) {
        vma = right;
        continue;
      }
      for (;;) {
        // Check the gap just below vma; gap_start is set.
        if (vma.vm_start < low_limit) return -ENOMEM; // nothing lower can reach low_limit
        gap_end = vm_start_gap(vma);
        if (gap_start <= high_limit && gap_end >= low_limit && gap_end > gap_start && gap_end - gap_start >= length) {
          break descend;
        }
        const left: vm_area_struct | null = vma.rb_left;
        if (left !== null && left.rb_subtree_gap >= length) {
          vma = left;
          continue descend;
        }
        // Climb until we come up from a right child: that parent's gap is next, going down.
        let child: vm_area_struct = vma;
        let parent = child.rb_parent;
        while (parent !== null && child === parent.rb_left) {
          child = parent;
          parent = child.rb_parent;
        }
        if (parent === null) return -ENOMEM;
        vma = parent;
        gap_start = vma.vm_prev !== null ? vm_end_gap(vma.vm_prev) : 0;
      }
    }
    if (gap_end > info.high_limit) gap_end = info.high_limit;
  }
  let addr = gap_end - info.length;
  addr -= ((addr - (info.align_offset ?? 0)) & align_mask) >>> 0;
  BUG_ON(addr < info.low_limit || addr < gap_start, "unmapped_area_topdown: range outside the gap");
  return addr;
}

// ---- The --check invariant ----------------------------------------------------------------------

/**
 * Linux: validate_mm() and browse_rb() (CONFIG_DEBUG_VM_RB), stricter: checks the rbtree rules
 * (rb_validate), vm_mm, BST order without overlap, page alignment, the cached page-number keys,
 * the list against the tree order (both links), every rb_subtree_gap against a recomputation,
 * map_count and highest_vm_end.
 * Returns the first problem as a sentence, or null. For tests and --check.
 */
export function validate_mm_rb(mm: VmaOwner): string | null {
  const in_order: vm_area_struct[] = [];
  const problem = rb_validate(mm.mm_rb, in_order, (vma) => `VMA ${vma_name(vma)}`);
  if (problem !== null) return problem;

  let prev_end = 0;
  for (const vma of in_order) {
    if (vma.vm_mm !== mm) return `VMA ${vma_name(vma)} belongs to another mm`;
    if (!(vma.vm_start < vma.vm_end && vma.vm_end <= ADDRESS_LIMIT)) return `VMA ${vma_name(vma)} is empty or inverted`;
    if (((vma.vm_start | vma.vm_end) & PAGE_MASK_LOW) !== 0) return `VMA ${vma_name(vma)} is not page aligned`;
    if (vma.vm_start < prev_end) return `VMA ${vma_name(vma)} is out of order or overlaps the one before it (ending ${hex(prev_end)})`;
    prev_end = vma.vm_end;
  }
  for (const vma of in_order) {
    if (vma.rb_vpn_start * PAGE_SIZE !== vma.vm_start || vma.rb_vpn_end * PAGE_SIZE !== vma.vm_end) {
      return `VMA ${vma_name(vma)} has stale tree keys: its bounds changed without vma_bounds_changed()`;
    }
  }
  let listed = mm.mmap;
  for (let i = 0; i < in_order.length; i++) {
    const vma = in_order[i]!;
    if (listed !== vma) return `entry ${i} of mm->mmap is not ${vma_name(vma)}, entry ${i} of the tree`;
    if (vma.vm_prev !== (i > 0 ? in_order[i - 1] : null)) return `VMA ${vma_name(vma)} has a wrong vm_prev`;
    listed = vma.vm_next;
  }
  if (listed !== null) return `mm->mmap has more entries than the tree (${in_order.length})`;
  for (const vma of in_order) {
    const gap = vma_compute_subtree_gap(vma);
    if (vma.rb_subtree_gap !== gap) return `rb_subtree_gap of ${vma_name(vma)} is ${hex(vma.rb_subtree_gap)}, should be ${hex(gap)}`;
  }
  if (mm.map_count !== in_order.length) return `map_count is ${mm.map_count} but the tree holds ${in_order.length} VMAs`;
  const highest = in_order.length > 0 ? vm_end_gap(in_order[in_order.length - 1]!) : 0;
  if (mm.highest_vm_end !== highest) return `highest_vm_end is ${hex(mm.highest_vm_end)}, should be ${hex(highest)}`;
  return null;
}

function vma_name(vma: vm_area_struct): string {
  return `[${hex(vma.vm_start)}, ${hex(vma.vm_end)})`;
}
