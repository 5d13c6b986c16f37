// The kernel's side of the board's reference clock (src/hw/refclock.ts), for the two policies that
// must hear of every reference: exact LRU and OPT (`vmos run --policy lru|opt`). Linux has no
// counterpart: no real MMU reports every access, which is why Linux approximates LRU with A bits.
//
//   sync_references()   before reclaim asks the policy for victims, tell it of every evictable page
//                       referenced since the last sync, oldest last use first (policy.access()):
//                       LRU's list is then exactly the order of last use, and OPT learns where each
//                       page's next use lies from the current position of the reference string.
//   page_name()         a page's name in the reference string: its owner (the process for an
//                       anonymous page, else the file or shmem object), numbered in the order the run
//                       first references each, and its virtual page or index there. Frame numbers
//                       would not do: the same page comes back from swap into another frame, and
//                       the replay evicts differently from the recording.
//   record_references() a first run's reference string, for OPT's replay (opt.ts explains the trick).

import type { Kernel } from "../kernel.js";
import { PageLRU, PageUnevictable } from "./page.js";
import { PageAnon, rmap_walk } from "./rmap.js";

/** A recorded reference string: page names, densely numbered, and the numbering. */
export interface ReferenceString {
  /** The name of each reference's page, in order (a dense number: see `dense`). */
  names: Int32Array;
  /** page_name() -> the dense number the string uses for it. */
  dense: Map<number, number>;
  /** Whether recording stopped at the limit before the run ended (OPT knows no future past it). */
  truncated: boolean;
}

/** Entries of record_references' cache of recent names (a power of two). */
const RECENT = 64;

/** References a recording keeps at most: 8 bytes each with OPT's next-use table, so 128 MiB. */
export const MAX_RECORDED_REFERENCES = 16 << 20;

interface RefState {
  /** An object's number, given at its first reference through the MMU. */
  ids: WeakMap<object, number>;
  next_id: number;
  /** The clock's time when the policy was last told (sync_references). */
  synced: number;
  /** Who else hears of each reference (recordings), besides the numbering of objects. */
  listeners: ReferenceListener[];
}

/** Hears of one reference: the page's name (page_name), its TLB key (`asid << 20 | vpn`) and frame. */
export type ReferenceListener = (name: number, key: number, pfn: number) => void;

const states = new WeakMap<Kernel, RefState>();

function state(k: Kernel): RefState {
  let s = states.get(k);
  if (s === undefined) states.set(k, (s = { ids: new WeakMap(), next_id: 1, synced: 0, listeners: [] }));
  return s;
}

/**
 * The name of `index` in `owner` (an mm for anonymous pages, else the file or shmem object): the
 * owner's number * 2^20 + index, the same in every run of the same program while its owners are
 * first referenced in the same order. An owner the run has not referenced through the MMU yet is
 * numbered now if `assign`, else the name is null.
 */
function owner_name(s: RefState, owner: object, index: number, assign: boolean): number | null {
  let id = s.ids.get(owner);
  if (id === undefined) {
    if (!assign) return null;
    s.ids.set(owner, (id = s.next_id++));
  }
  return id * 2 ** 20 + index;
}

/**
 * The name of the page a reference touched: frame `pfn`, reached through TLB key `key` (`asid << 20 |
 * vpn`) by the current task. An anonymous page is named by the process and virtual page (a forked
 * child's copy of a page is another page, though it shares the parent's anon_vma); a file or shmem
 * page by its object and index, whoever maps it. Pages of no object (the zero page): -1 - pfn.
 */
function reference_name(k: Kernel, s: RefState, key: number, pfn: number): number {
  const p = k.mem_map[pfn];
  const mm = k.current?.mm ?? null;
  if (p === undefined || p.mapping === null) return -1 - pfn;
  if (PageAnon(p)) return mm === null ? -1 - pfn : owner_name(s, mm, key & 0xfffff, true)!;
  return owner_name(s, p.mapping as object, p.index, true)!;
}

/**
 * A name for the page in frame `pfn` that survives its eviction, for policies that remember evicted
 * pages (CLOCK-Pro's test pages): its object (anon_vma, file or shmem object) and index there, which
 * the page keeps while it is in swap or unmapped. Pages of no object: -1 - pfn.
 */
export function page_identity(k: Kernel, pfn: number): number {
  const p = k.mem_map[pfn];
  if (p === undefined || p.mapping === null) return -1 - pfn;
  return owner_name(state(k), p.mapping as object, p.index, true)!;
}

/**
 * The name reference_name() gives the page in frame `pfn`, found without a reference: an anonymous
 * page through its first mapping in the reverse map (a COW-shared page has several names; this is
 * one of them). A page with no name yet (its owner not referenced yet, or not mapped): -1 - pfn,
 * which no reference string contains.
 */
export function page_name(k: Kernel, pfn: number): number {
  const p = k.mem_map[pfn];
  if (p === undefined || p.mapping === null) return -1 - pfn;
  let name: number | null = null;
  const s = state(k);
  if (!PageAnon(p)) name = owner_name(s, p.mapping as object, p.index, false);
  else rmap_walk(k, p, (vma, address) => ((name = owner_name(s, vma.vm_mm as object, address >>> 12, false)), false));
  return name ?? -1 - pfn;
}

/**
 * Switch the board's reference clock on (slow: every access takes the MMU's slow path) and number
 * objects as the run references them. Idempotent.
 */
export function start_reference_clock(k: Kernel): void {
  const refs = k.machine.refs;
  if (refs.onReference !== null) return;
  const s = state(k);
  refs.onReference = (key, pfn) => {
    const name = reference_name(k, s, key, pfn);
    const listeners = s.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(name, key, pfn);
  };
  k.machine.cpu.setReferenceClock(refs);
}

/** The reference clock's position: how many references the run has made (for OPT's host.position()). */
export function reference_position(k: Kernel): number {
  return k.machine.refs.time - 1;
}

/**
 * Call `listen` on every reference from now on (the clock is switched on). Returns the function that
 * stops it.
 */
export function listen_references(k: Kernel, listen: ReferenceListener): () => void {
  start_reference_clock(k);
  const s = state(k);
  s.listeners.push(listen);
  return () => {
    s.listeners = s.listeners.filter((l) => l !== listen);
  };
}

/**
 * Record the run's reference string from now on (the clock is switched on). Returns the function
 * that ends the recording and gives the string. At most `limit` references are kept.
 */
export function record_references(k: Kernel, limit = MAX_RECORDED_REFERENCES): () => ReferenceString {
  const dense = new Map<number, number>();
  let names = new Int32Array(1 << 16);
  let length = 0;
  let truncated = false;
  const recentName = new Float64Array(RECENT).fill(NaN), recentDense = new Int32Array(RECENT);
  const stop = listen_references(k, (name) => {
    if (length === limit) {
      truncated = true;
      return;
    }
    if (length === names.length) {
      const grown = new Int32Array(Math.min(limit, names.length * 2));
      grown.set(names);
      names = grown;
    }
    // A loop alternates between its code page and its data pages: a small cache in front of the Map
    // (whose keys are not small integers) answers most references.
    const slot = (name ^ (name / 2 ** 20)) & (RECENT - 1);
    let d: number | undefined;
    if (recentName[slot] === name) d = recentDense[slot]!;
    else {
      d = dense.get(name);
      if (d === undefined) dense.set(name, (d = dense.size));
      recentName[slot] = name;
      recentDense[slot] = d;
    }
    names[length++] = d;
  });
  return () => {
    stop();
    return { names: names.subarray(0, length), dense, truncated };
  };
}

/**
 * Tell the --policy policy of every evictable page referenced since the last call, in order of last
 * use (LRU's moveToHead, OPT's next-use update). Does nothing while the clock is off.
 */
export function sync_references(k: Kernel): void {
  const lv = k.zone.lruvec;
  const policy = lv.policy;
  if (policy === null || policy.access === undefined || k.machine.refs.onReference === null) return;
  const s = state(k);
  const last = k.machine.refs.lastUse;
  const touched: number[] = [];
  for (let pfn = 0; pfn < last.length; pfn++) {
    if (last[pfn]! <= s.synced) continue;
    const p = k.mem_map[pfn];
    if (p !== undefined && PageLRU(p) && !PageUnevictable(p)) touched.push(pfn);
  }
  touched.sort((a, b) => last[a]! - last[b]!);
  for (const pfn of touched) policy.access(pfn, lv.host!);
  s.synced = k.machine.refs.time;
}

/**
 * OPT's first run: boot a kernel with `boot`, record the reference string while `run` runs its
 * program to the end, and return it. Whatever the run does (exit, a signal, a kernel error), the
 * references made until then are the string: the second run meets the same ending and reports it.
 */
export function record_first_run(boot: () => Kernel, run: (k: Kernel) => unknown): ReferenceString {
  const k = boot();
  const finish = record_references(k);
  try {
    run(k);
  } catch {
    // The replay, which runs the same program, reports what went wrong.
  }
  return finish();
}
