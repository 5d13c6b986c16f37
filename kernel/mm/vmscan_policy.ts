// Reclaim with a replacement policy other than Linux's (`vmos run --policy NAME`): the policy modules
// of kernel/mm/policy/ (the same ones `vmos sim` runs) choose the victims; the kernel tells them which
// pages are resident and answers their questions about a page (PolicyHost), and does the rest exactly
// as for `linux`: busy, locked and dirty pages are checked, and pageout_one() sends the victim away.
//
//   lru_cache_add / putback      -> policy.insert(pfn)      (swap.ts)
//   freed, isolated, mlocked     -> policy.remove(pfn)      (swap.ts)
//   mark_page_accessed (read())  -> policy.markAccessed(pfn)
//   each timer tick (quantum end)-> policy.tick()           (policy_tick, from the scheduler loop)
//   shrink_node                  -> policy.victim() until enough is freed (shrink_node_policy)
//
// The kernel's keys are frame numbers. host.referenced() is page_referenced() through the reverse
// map (testing and clearing every PTE's A bit) or'ed with PG_referenced (read()/write() use);
// host.dirty() is PG_dirty, a dirty PTE, or an anonymous page with no copy in swap yet; host.now() is
// simulated cycles; host.identity() names a page by what it is (anon_vma, file or shmem object, and
// offset), which stays the same when it is evicted and faulted back into another frame.
//
// With `linux` (the default) none of this runs: vmscan.ts works on the LRU lists themselves, which
// are Linux's own data structure. policy/linux.ts is the simulator's model of the same algorithm (no
// unevictable list, no dirty-page deferral, no VM_EXEC exception); the kernel does not use it, so the
// two can be compared (`vmos sim --policy linux` against `vmos run`'s vmstat counters).
//
// `lru` (exact) and `opt` must hear of every reference: they switch the board's reference clock on
// (src/hw/refclock.ts; every access then takes the MMU's slow path), and before each reclaim
// sync_references() (refclock.ts) replays the pages referenced since the last one into the policy,
// in order of last use. `opt` also needs the future: the reference string of a first run of the
// same program (record_references()), which `vmos run --policy opt` makes by itself (docs/policies.md).

import type { Kernel } from "../kernel.js";
import { address_space } from "../fs/inode.js";
import {
  PageDirty, PageLRU, PageSwapBacked, PageSwapCache, PageUnevictable, TestClearPageReferenced, type page,
} from "./page.js";
import { write_one_page } from "./page-writeback.js";
import { pte_dirty } from "./pgtable.js";
import { POLICIES, policyNames } from "./policy/index.js";
import type { PolicyHost } from "./policy/types.js";
import { page_identity, page_name, reference_position, start_reference_clock, sync_references, type ReferenceString } from "./refclock.js";
import { page_referenced, rmap_walk } from "./rmap.js";
import { del_page_from_lru_list, lru_pages, page_is_file_lru, putback_lru_page, LRU_UNEVICTABLE, NR_LRU_LISTS } from "./swap.js";
import { ClearPageLRU } from "./page.js";
import { keep_page, PageRef, RECLAIM_PAGE_CYCLES, shrink_page, type reclaim_stat } from "./shrink_page.js";
import type { scan_control } from "./vmscan.js";
import { VM_LOCKED } from "./vma.js";

/** The --policy names `vmos run` accepts. */
export function reclaim_policy_names(): string[] {
  return [...policyNames];
}

/** Policies that must hear of every reference (access()), so need the reference clock. */
const EXACT = new Set(["lru", "opt"]);

/** The PolicyHost of kernel `k`: what a policy may ask about the page in frame `key`. */
function kernel_policy_host(k: Kernel): PolicyHost {
  const ram = k.machine.ram;
  const pg = (key: number): page => k.mem_map[key]!;
  return {
    referenced(key) {
      const p = pg(key);
      const ptes = page_referenced(k, p);
      return TestClearPageReferenced(p) || ptes > 0;
    },
    dirty(key) {
      const p = pg(key);
      if (PageDirty(p) || (PageSwapBacked(p) && !PageSwapCache(p))) return true; // swap has no copy yet
      let dirty = false;
      rmap_walk(k, p, (_vma, _address, ptep) => !(dirty = pte_dirty(ram.read32(ptep))));
      return dirty;
    },
    file(key) {
      return page_is_file_lru(pg(key));
    },
    now() {
      return k.machine.clock.cycles;
    },
    writeback(key) {
      const p = pg(key);
      if (p.mapping instanceof address_space) write_one_page(k, p);
    },
    identity(key) {
      return page_identity(k, key);
    },
  };
}

/**
 * Choose the replacement policy by its --policy name: "linux" (the LRU lists themselves), or one of
 * kernel/mm/policy/'s. Pages already on the lists are handed to the new policy, oldest first.
 * Returns null, or the reason the name cannot be used (one line, for the CLI).
 */
export function set_reclaim_policy(k: Kernel, name: string, future?: ReferenceString): string | null {
  const lv = k.zone.lruvec;
  const factory = POLICIES[name];
  if (factory === undefined) return `unknown policy '${name}' (known: ${reclaim_policy_names().join(", ")})`;
  if (name === "opt" && future === undefined) return "policy opt needs the reference string of a first run (record_references)";
  if (name === "linux") {
    lv.policy = lv.host = null;
    return null;
  }
  lv.host = kernel_policy_host(k);
  if (future !== undefined) {
    // OPT's names are the recording's dense numbers; a page the recording never named has its own.
    lv.host.identity = (key) => future.dense.get(page_name(k, key)) ?? -1 - key;
    lv.host.position = () => reference_position(k);
  }
  if (EXACT.has(name)) start_reference_clock(k);
  lv.policy = factory({
    frames: k.zone.managed_pages, seed: k.options.seed, tau: 100 * k.options.quantum, future: future?.names,
  });
  for (let lru = 0; lru < NR_LRU_LISTS; lru++) {
    if (lru === LRU_UNEVICTABLE) continue;
    for (const p of [...lru_pages(lv, lru)]) lv.policy.insert(p.pfn, lv.host);
  }
  return null;
}

/** The name of the policy reclaim uses now. */
export function reclaim_policy_name(k: Kernel): string {
  return k.zone.lruvec.policy?.name ?? "linux";
}

/** Linux's scheduler_tick() for the policy: periodic sampling (aging, WSClock), at each quantum's end. */
export function policy_tick(k: Kernel): void {
  const lv = k.zone.lruvec;
  if (lv.policy !== null) lv.policy.tick?.(lv.host!);
}

/** Whether a VM_LOCKED VMA maps the page (looked up without touching the A bits the policy reads). */
function mapped_locked(k: Kernel, p: page): boolean {
  let locked = false;
  rmap_walk(k, p, (vma) => !(locked = (vma.vm_flags & VM_LOCKED) !== 0));
  return locked;
}

/**
 * shrink_node() for a --policy other than linux: ask the policy for victims and reclaim each like
 * shrink_page_list() would a page page_check_references() let go, until sc.nr_to_reclaim pages are
 * freed or (resident pages >> priority) victims were tried. The victims that stay are put back at the
 * end, which tells the policy about them again.
 */
export function shrink_node_policy(k: Kernel, sc: scan_control): void {
  const lv = k.zone.lruvec;
  const policy = lv.policy!, host = lv.host!;
  const ev = lv.events;
  let budget = Math.floor(policy.size / 2 ** sc.priority);
  sync_references(k);
  const kept: page[] = [];
  const stat: reclaim_stat = { nr_dirty: 0, nr_unqueued_dirty: 0, nr_pageout: 0, nr_activate: [0, 0], nr_ref_keep: 0 };
  while (budget-- > 0 && sc.nr_reclaimed < sc.nr_to_reclaim) {
    const key = policy.victim(host);
    if (key === null) break;
    const p = k.mem_map[key];
    if (p === undefined || !PageLRU(p) || PageUnevictable(p)) continue; // the policy's record was stale
    del_page_from_lru_list(lv, p); // the policy has forgotten it already
    ClearPageLRU(p);
    const file = page_is_file_lru(p);
    if (sc.kswapd) ev.pgscan_kswapd++;
    else ev.pgscan_direct++;
    if (file) ev.pgscan_file++;
    else ev.pgscan_anon++;
    sc.nr_scanned++;
    k.machine.clock.advance(RECLAIM_PAGE_CYCLES);
    const result = shrink_page(k, p, sc, stat, PageRef.Reclaim, mapped_locked(k, p));
    if (result === "freed") {
      sc.nr_reclaimed++;
      if (sc.kswapd) ev.pgsteal_kswapd++;
      else ev.pgsteal_direct++;
      if (file) ev.pgsteal_file++;
      else ev.pgsteal_anon++;
      continue;
    }
    keep_page(k, p, result, stat);
    kept.push(p);
  }
  // Linux's shrink_inactive_list puts the pages it kept back after the pass, not during it: a page
  // put back at once would be a new page to the policy, which could choose it again and again (a
  // swap-in still under way), spending the whole budget on it.
  for (const p of kept) putback_lru_page(k, p);
  ev.pgactivate += stat.nr_activate[0] + stat.nr_activate[1];
  if (k.trace.vmscan) k.trace.note("vmscan", `shrink_node_policy ${policy.name}: reclaimed ${sc.nr_reclaimed} (priority ${sc.priority})`);
}
