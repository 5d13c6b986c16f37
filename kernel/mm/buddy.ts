// The buddy allocator's free lists: splitting blocks on allocation, merging buddies on free.
// Linux: mm/page_alloc.c (__free_one_page, expand, __rmqueue_smallest) and mm/internal.h.
//
// Free memory is a set of blocks of 2^order frames, order 0..MAX_ORDER-1, each aligned to its size.
// Block pfn's buddy at order k is the other half of the order-(k+1) block that contains it:
//
//     order 2:  [ 0  1  2  3 ][ 4  5  6  7 ]      buddy of 0 at order 2 = 0 ^ 4 = 4
//     order 1:  [ 0  1 ][ 2  3 ]                  buddy of 2 at order 1 = 2 ^ 2 = 0
//     order 0:  [0][1]                            buddy of 1 at order 0 = 1 ^ 1 = 0
//
// The head page of a free block carries PG_buddy and its order in page.private, and sits on
// zone.free_area[order], a doubly linked list threaded through lru_prev/lru_next (Linux reuses
// page->lru the same way). The other pages of the block ("tails") are untouched: _refcount 0, no flags.
// Freeing a block merges it with its buddy while the buddy is a free block of the same order, so no
// free block ever has its buddy free at the same order: that is what keeps large blocks available.

import type { page } from "./page.js";
import { PG_buddy, dump_page } from "./page.js";
import type { zone } from "./page_alloc.js";

/** Number of block sizes: orders 0..10, so the largest block is 1024 frames (4 MiB), as Linux. */
export const MAX_ORDER = 11;

const BUDDY = 1 << PG_buddy;

/** Linux: struct free_area. The free blocks of one order: a list of head pages and its length. */
export class free_area {
  /** First block's head page, or null. Blocks are taken from here. */
  free_list: page | null = null;
  /** Last block's head page, or null (Linux reaches it as free_list.prev of its circular list). */
  free_tail: page | null = null;
  /** Number of blocks on the list (not pages): /proc/buddyinfo prints these. */
  nr_free = 0;
}

// Linux: mm/internal.h __find_buddy_pfn(). The buddy differs from pfn in exactly bit `order`.
function __find_buddy_pfn(pfn: number, order: number): number {
  return pfn ^ (1 << order);
}

// Linux: mm/page_alloc.c page_is_buddy(). Whether `buddy` heads a free block of exactly this order.
function page_is_buddy(buddy: page, order: number): boolean {
  return (buddy.flags & BUDDY) !== 0 && buddy.private === order;
}

// Linux: mm/page_alloc.c set_buddy_order().
function set_buddy_order(p: page, order: number): void {
  p.private = order;
  p.flags |= BUDDY;
}

// Linux: mm/page_alloc.c add_to_free_list(). Push at the head: the next allocation takes it.
function add_to_free_list(p: page, z: zone, order: number): void {
  const area = z.free_area[order]!;
  const first = area.free_list;
  p.lru_prev = null;
  p.lru_next = first;
  if (first !== null) first.lru_prev = p;
  else area.free_tail = p;
  area.free_list = p;
  area.nr_free++;
}

// Linux: mm/page_alloc.c add_to_free_list_tail(). Append: the block is used last, so it has the
// longest time to merge with its buddy.
function add_to_free_list_tail(p: page, z: zone, order: number): void {
  const area = z.free_area[order]!;
  const last = area.free_tail;
  p.lru_next = null;
  p.lru_prev = last;
  if (last !== null) last.lru_next = p;
  else area.free_list = p;
  area.free_tail = p;
  area.nr_free++;
}

// Linux: mm/page_alloc.c del_page_from_free_list(). Unlink; the page stops being a free block head.
function del_page_from_free_list(p: page, z: zone, order: number): void {
  const area = z.free_area[order]!;
  const prev = p.lru_prev, next = p.lru_next;
  if (prev !== null) prev.lru_next = next;
  else area.free_list = next;
  if (next !== null) next.lru_prev = prev;
  else area.free_tail = prev;
  p.lru_prev = null;
  p.lru_next = null;
  p.flags &= ~BUDDY;
  p.private = 0;
  area.nr_free--;
}

// Linux: mm/page_alloc.c buddy_merge_likely(). After a merge stopped at `order`, is the buddy of the
// next-larger block free? Then this block is likely to merge soon, and goes to the tail of its list.
function buddy_merge_likely(z: zone, pfn: number, order: number): boolean {
  if (order >= MAX_ORDER - 2) return false;
  const higher_pfn = pfn & ~(1 << order);
  const higher_buddy_pfn = __find_buddy_pfn(higher_pfn, order + 1);
  if (higher_buddy_pfn >= z.spanned_pages) return false;
  return page_is_buddy(z.mem_map[higher_buddy_pfn]!, order + 1);
}

/** How __free_one_page() queues the merged block. Linux: fpi_t FPI_NONE / FPI_TO_TAIL. */
export const enum FreeTo { Head = 0, Tail = 1 }

/**
 * Linux: mm/page_alloc.c __free_one_page(). Return the block of 2^order frames headed by `p` to the
 * free lists, merging it with its buddy for as long as the buddy is a free block of the same order.
 * Counts the pages in zone.free_pages. The caller has checked the pages (free_pages_prepare): the head
 * is aligned to its order, inside RAM, and no page of the block is free or referenced.
 * Cost: at most MAX_ORDER-1 merges, each O(1).
 */
export function __free_one_page(p: page, z: zone, order: number, to: FreeTo): void {
  const mem_map = z.mem_map;
  let pfn = p.pfn;
  z.free_pages += 1 << order;
  while (order < MAX_ORDER - 1) {
    const buddy_pfn = __find_buddy_pfn(pfn, order);
    // RAM need not be a multiple of the block size: a buddy past its end does not exist.
    // (Linux's mem_map covers whole MAX_ORDER blocks, and the missing frames are never PageBuddy.)
    if (buddy_pfn >= z.spanned_pages) break;
    const buddy = mem_map[buddy_pfn]!;
    if (!page_is_buddy(buddy, order)) break;
    del_page_from_free_list(buddy, z, order);
    pfn &= buddy_pfn; // the merged block starts at the lower of the two
    order++;
  }
  const head = mem_map[pfn]!;
  set_buddy_order(head, order);
  if (to === FreeTo.Tail || buddy_merge_likely(z, pfn, order)) add_to_free_list_tail(head, z, order);
  else add_to_free_list(head, z, order);
}

// Linux: mm/page_alloc.c expand(). `p` heads a block of order `high` just taken off its list, to be
// cut down to order `low`: each round gives the upper half back as a free block one order smaller.
//     high 3, low 0:  [0 . . . . . . .]  ->  keep [0], free [4 5 6 7]@2, [2 3]@1, [1]@0
function expand(z: zone, p: page, low: number, high: number): void {
  let size = 1 << high;
  while (high > low) {
    high--;
    size >>= 1;
    const half = z.mem_map[p.pfn + size]!;
    set_buddy_order(half, high);
    add_to_free_list(half, z, high);
  }
}

/**
 * Linux: mm/page_alloc.c __rmqueue_smallest(). Take a block of 2^order frames off the free lists:
 * the first block of the smallest order >= `order` that has one, split down to `order` (expand()).
 * Returns its head page, no longer PG_buddy, or null when no block is big enough. Does not touch
 * zone.free_pages or the page's reference count: that is the caller's (rmqueue's) job.
 */
export function __rmqueue_smallest(z: zone, order: number): page | null {
  for (let current_order = order; current_order < MAX_ORDER; current_order++) {
    const p = z.free_area[current_order]!.free_list;
    if (p === null) continue;
    del_page_from_free_list(p, z, current_order);
    expand(z, p, order, current_order);
    return p;
  }
  return null;
}

// A page of a free block: no reference, no mapping, and no flag but `flags` (PG_buddy on the head).
function unused(p: page, flags: number): boolean {
  return p._refcount === 0 && p._mapcount === -1 && p.mapping === null && p.flags === flags;
}

/**
 * Invariant check of the free lists, for tests and the kernel's --check mode; O(frames).
 * Checks that every block on free_area[k] is aligned to 2^k, lies inside RAM, has PG_buddy and order k
 * in page.private, holds no reference and no mapping, and is linked both ways; that nr_free matches the
 * list; that no two blocks overlap and every PG_buddy page is on a list; that tail pages of free blocks
 * are clean; that no free block has a free buddy of the same order (a missed merge); and that the
 * blocks add up to zone.free_pages. Returns a description of the first problem found, or null.
 */
export function check_buddy(z: zone): string | null {
  const nr = z.spanned_pages;
  const owner = new Int32Array(nr).fill(-1); // pfn -> head pfn of the free block covering it
  let listed = 0, free = 0;
  for (let order = 0; order < MAX_ORDER; order++) {
    const area = z.free_area[order]!;
    let prev: page | null = null, count = 0;
    for (let p = area.free_list; p !== null; prev = p, p = p.lru_next) {
      const where = `free_area[${order}] block ${count} (pfn 0x${p.pfn.toString(16)})`;
      if (++count > nr) return `free_area[${order}]: list longer than RAM (a cycle?)`;
      if (p.lru_prev !== prev) return `${where}: lru_prev does not point at the previous block`;
      if (z.mem_map[p.pfn] !== p) return `${where}: not the page of its own pfn in mem_map`;
      if ((p.pfn & ((1 << order) - 1)) !== 0) return `${where}: not aligned to its order`;
      if (p.pfn + (1 << order) > nr) return `${where}: runs past the end of RAM (${nr} frames)`;
      if (!page_is_buddy(p, order)) return `${where}: not PG_buddy with order ${order}: ${dump_page(p)}`;
      if (!unused(p, BUDDY)) {
        return `${where}: free block head in use: ${dump_page(p)}`;
      }
      for (let i = 0; i < 1 << order; i++) {
        const other = owner[p.pfn + i]!;
        if (other !== -1) return `${where}: overlaps the free block at pfn 0x${other.toString(16)}`;
        owner[p.pfn + i] = p.pfn;
      }
      if (order < MAX_ORDER - 1) {
        const buddy_pfn = __find_buddy_pfn(p.pfn, order);
        if (buddy_pfn < nr && page_is_buddy(z.mem_map[buddy_pfn]!, order)) {
          return `${where}: its buddy 0x${buddy_pfn.toString(16)} is free at the same order (missed merge)`;
        }
      }
      free += 1 << order;
    }
    if (area.free_tail !== prev) return `free_area[${order}]: free_tail is not the last block`;
    if (count !== area.nr_free) {
      return `free_area[${order}]: nr_free is ${area.nr_free} but ${count} blocks are listed`;
    }
    listed += count;
  }
  let flagged = 0;
  for (let pfn = 0; pfn < nr; pfn++) {
    const p = z.mem_map[pfn]!;
    if (p.flags & BUDDY) flagged++;
    else if (owner[pfn] !== -1 && !unused(p, 0)) {
      return `pfn 0x${pfn.toString(16)}: tail page of a free block in use: ${dump_page(p)}`;
    }
  }
  if (flagged !== listed) return `${flagged} pages are PG_buddy but ${listed} blocks are on the free lists`;
  if (free !== z.free_pages) return `the free lists hold ${free} pages but zone.free_pages is ${z.free_pages}`;
  return null;
}
