// Linux: mm/vmstat.c. /proc/vmstat (vmstat_show: every counter as "name value", in the order of
// vmstat_text[]) and /proc/buddyinfo (frag_show_print: free blocks per order).
//
// The list is Linux 5.15's for vmos's configuration (below): lines for features that are configured
// out are absent, as on such a kernel; counters of features vmos lacks (compaction, NUMA, workingset
// shadow entries...) read 0. Any counter named here that appears in k.vm_events (faults, swap I/O) or
// in the zone's reclaim events (k.zone.lruvec.events: LRU moves, pgscan/pgsteal, allocstall, kswapd,
// oom_kill; counted where Linux counts them, in mm/swap.c, vmscan.c and oom_kill.c) is printed from there.
//
// /proc/zoneinfo (zoneinfo_show) is here too, as in Linux: each zone's watermarks and counters.

import type { Kernel } from "../../kernel.js";
import { page_cache_stats } from "../../mm/filemap.js";
import { kswapd_state } from "../../mm/kswapd.js";
import { high_wmark_pages, low_wmark_pages, MAX_ORDER, MAX_RECLAIM_RETRIES, min_wmark_pages } from "../../mm/page_alloc.js";
import { seq_file } from "../seq_file.js";
import { node_page_state, totalreserve_pages, type node_stat } from "./page_state.js";

/**
 * The kernel configuration the lists follow: riscv32, one node (no NUMA), ZONE_NORMAL and the
 * always-present, empty ZONE_MOVABLE (no ZONE_DMA or DMA32 on rv32, no HIGHMEM), swap configured,
 * no zsmalloc, compaction, migration, THP, hugetlbfs, CMA, balloon or KSM.
 */
const CONFIG = { SWAP: true };
const ZONES = ["normal", "movable"];

/** Linux: the zone_stat_item names (nr_zspages only with CONFIG_ZSMALLOC). */
const ZONE_ITEMS = [
  "nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file", "nr_zone_active_file",
  "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock", "nr_bounce", "nr_free_cma",
];

/** Linux: the node_stat_item names. */
const NODE_ITEMS = [
  "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file", "nr_unevictable",
  "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon", "nr_isolated_file", "workingset_nodes",
  "workingset_refault_anon", "workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
  "workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim", "nr_anon_pages", "nr_mapped",
  "nr_file_pages", "nr_dirty", "nr_writeback", "nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages",
  "nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped", "nr_anon_transparent_hugepages",
  "nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written", "nr_kernel_misc_reclaimable",
  "nr_foll_pin_acquired", "nr_foll_pin_released", "nr_kernel_stack", "nr_page_table_pages",
  ...(CONFIG.SWAP ? ["nr_swapcached"] : []),
];

/** Linux: the vm_event_item names (TEXTS_FOR_ZONES expands per zone). */
const EVENT_ITEMS = [
  "pgpgin", "pgpgout", "pswpin", "pswpout",
  ...ZONES.map((z) => `pgalloc_${z}`), ...ZONES.map((z) => `allocstall_${z}`), ...ZONES.map((z) => `pgskip_${z}`),
  "pgfree", "pgactivate", "pgdeactivate", "pglazyfree", "pgfault", "pgmajfault", "pglazyfreed", "pgrefill",
  "pgreuse", "pgsteal_kswapd", "pgsteal_direct", "pgdemote_kswapd", "pgdemote_direct", "pgscan_kswapd",
  "pgscan_direct", "pgscan_direct_throttle", "pgscan_anon", "pgscan_file", "pgsteal_anon", "pgsteal_file",
  "pginodesteal", "slabs_scanned", "kswapd_inodesteal", "kswapd_low_wmark_hit_quickly",
  "kswapd_high_wmark_hit_quickly", "pageoutrun", "pgrotated", "drop_pagecache", "drop_slab", "oom_kill",
  "unevictable_pgs_culled", "unevictable_pgs_scanned", "unevictable_pgs_rescued", "unevictable_pgs_mlocked",
  "unevictable_pgs_munlocked", "unevictable_pgs_cleared", "unevictable_pgs_stranded",
  ...(CONFIG.SWAP ? ["swap_ra", "swap_ra_hit"] : []),
];

/** Linux: vm_dirty_ratio and dirty_background_ratio, the defaults (percent of dirtyable memory). */
const VM_DIRTY_RATIO = 20, DIRTY_BACKGROUND_RATIO = 10;

/**
 * Linux: mm/page-writeback.c global_dirty_limits(): how many dirty page-cache pages the kernel allows
 * (nr_dirty_threshold) and where background writeback starts (nr_dirty_background_threshold), as
 * ratios of the dirtyable memory: free pages above the reserve, plus the file LRU pages.
 */
function global_dirty_limits(k: Kernel, s: node_stat): { thresh: number; bg_thresh: number } {
  let available = s.nr_free_pages;
  available -= Math.min(available, totalreserve_pages(k));
  available += s.nr_inactive_file + s.nr_active_file;
  available += 1; // "Ensure that we never return 0"
  const ratio = Math.floor((VM_DIRTY_RATIO * 4096) / 100);
  const bg_ratio = Math.floor((DIRTY_BACKGROUND_RATIO * 4096) / 100);
  const thresh = Math.floor((ratio * available) / 4096);
  let bg_thresh = Math.floor((bg_ratio * available) / 4096);
  if (bg_thresh >= thresh) bg_thresh = Math.floor(thresh / 2);
  return { thresh, bg_thresh };
}

/** Every counter's value by name: the zone and node states, then the events the kernel counts. */
function vmstat_values(k: Kernel): Map<string, number> {
  const s = node_page_state(k);
  const v = new Map<string, number>();
  const zone: Record<string, number> = {
    nr_free_pages: s.nr_free_pages, nr_zone_inactive_anon: s.nr_inactive_anon, nr_zone_active_anon: s.nr_active_anon,
    nr_zone_inactive_file: s.nr_inactive_file, nr_zone_active_file: s.nr_active_file,
    nr_zone_unevictable: s.nr_unevictable, nr_zone_write_pending: s.nr_dirty + s.nr_writeback, nr_mlock: s.nr_mlock,
  };
  for (const [name, value] of Object.entries(zone)) v.set(name, value);
  for (const [name, value] of Object.entries(s)) if (name !== "nr_free_pages" && name !== "nr_mlock") v.set(name, value);
  const { thresh, bg_thresh } = global_dirty_limits(k, s);
  v.set("nr_dirty_threshold", thresh);
  v.set("nr_dirty_background_threshold", bg_thresh);
  // Linux counts pgalloc and pgfree per page in the page allocator, boot-time frees included.
  v.set("pgalloc_normal", k.zone.pgalloc);
  v.set("pgfree", k.zone.pgfree);
  for (const [name, value] of Object.entries(k.vm_events)) if (typeof value === "number") v.set(name, value);
  // The page cache's counters: pages dirtied and written back (node items), KiB read from and
  // written to files (Linux counts sectors in submit_bio and halves them here), activations.
  const pc = page_cache_stats(k);
  v.set("nr_dirtied", pc.nr_dirtied);
  v.set("nr_written", pc.nr_written);
  v.set("pgpgin", pc.pgpgin);
  v.set("pgpgout", pc.pgpgout);
  for (const [name, value] of Object.entries(k.zone.lruvec.events)) v.set(name, value);
  return v;
}

/** Linux: /proc/vmstat, ending with the deprecated "nr_unstable 0" that vmstat_show() appends. */
export function proc_vmstat(k: Kernel): string {
  const values = vmstat_values(k);
  const m = new seq_file();
  const names = [...ZONE_ITEMS, ...NODE_ITEMS, "nr_dirty_threshold", "nr_dirty_background_threshold", ...EVENT_ITEMS];
  for (const name of names) {
    m.puts(name);
    m.put_decimal_ull(" ", values.get(name) ?? 0);
    m.puts("\n");
  }
  m.puts("nr_unstable 0\n");
  return m.toString();
}

/**
 * Linux: /proc/buddyinfo (frag_show_print() for each populated zone): the number of free blocks of
 * each order, 0 to MAX_ORDER - 1. Multiplying each by 2^order and adding gives nr_free_pages.
 */
export function proc_buddyinfo(k: Kernel): string {
  const m = new seq_file();
  m.puts(`Node 0, zone ${k.zone.name.padStart(8, " ")} `);
  for (let order = 0; order < MAX_ORDER; order++) m.puts(`${String(k.zone.free_area[order]!.nr_free).padStart(6, " ")} `);
  m.puts("\n");
  return m.toString();
}

/**
 * Linux: mm/vmstat.c zoneinfo_show() -> zoneinfo_show_print(): for each zone its free pages, its
 * watermarks (min, low, high: see kernel/mm/page_alloc.ts and docs/reclaim.md), its size, and its
 * counters; the first zone of the node also prints the node's. ZONE_MOVABLE is present and empty.
 */
export function proc_zoneinfo(k: Kernel): string {
  const values = vmstat_values(k);
  const z = k.zone;
  const m = new seq_file();
  const item = (name: string): void => m.puts(`\n      ${name.padEnd(12)} ${values.get(name) ?? 0}`);
  const zone_head = (free: number, wmarks: number[], pages: number): void => {
    m.puts(`\n  pages free     ${free}\n        boost    0\n        min      ${wmarks[0]}\n        low      ${wmarks[1]}`);
    m.puts(`\n        high     ${wmarks[2]}\n        spanned  ${pages}\n        present  ${pages}\n        managed  ${pages}`);
    m.puts(`\n        cma      0\n        protection: (${ZONES.map(() => "0").join(", ")})`);
  };
  m.puts(`Node 0, zone ${z.name.padStart(8)}`);
  m.puts("\n  per-node stats");
  for (const name of NODE_ITEMS) item(name);
  zone_head(z.free_pages, [min_wmark_pages(z), low_wmark_pages(z), high_wmark_pages(z)], z.managed_pages);
  for (const name of ZONE_ITEMS) item(name);
  m.puts("\n  pagesets\n    cpu: 0\n              count: 0\n              high:  0\n              batch: 1");
  m.puts(`\n  node_unreclaimable:  ${kswapd_state(k).kswapd_failures >= MAX_RECLAIM_RETRIES ? 1 : 0}`);
  m.puts(`\n  start_pfn:           ${z.zone_start_pfn}\n`);
  m.puts("Node 0, zone  Movable");
  zone_head(0, [0, 0, 0], 0);
  m.puts("\n");
  return m.toString();
}
