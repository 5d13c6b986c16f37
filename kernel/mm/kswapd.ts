// Linux: mm/vmscan.c kswapd(), balance_pgdat(), wakeup_kswapd(): the background reclaimer.
//
//   free pages   high ─┬─────────────────── kswapd goes back to sleep here (pgdat_balanced)
//                      │  kswapd reclaims
//                low  ─┼─────────────────── an allocation that finds free <= low wakes kswapd
//                      │  allocations still succeed; kswapd is catching up
//                min  ─┼─────────────────── below, an allocating task reclaims itself (direct
//                      │                     reclaim, vmscan.ts try_to_free_pages), then the OOM killer
//                  0  ─┘  only the reserve: page tables, pipe buffers, and an OOM victim on its way out
//
// kswapd0 is a kernel thread (sched/kthread.ts) that the scheduler runs like a process: each turn is
// one balance_pgdat() (priority 12 down to 1, until free pages are above high), after which it
// sleeps if the zone is balanced, or if it failed MAX_RECLAIM_RETRIES times in a row (Linux:
// kswapd_failures: "hopeless node, leave it to direct reclaim"); otherwise it stays runnable and
// reclaims again on its next turn, while the processes run in between.
//
// Linux starts kswapd0 at boot (kswapd_init, after kthreadd, pid 2); vmos starts it the first time an
// allocation wakes it, and it takes the next pid then. So a run that never falls below the low
// watermark has no kswapd and its processes get the same pids as before reclaim existed (init 1, its
// first child 2...); a run that does gets kswapd0 with the pid after the last process created.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { kthread_run, kthread_sleep, kthread_wake } from "../sched/kthread.js";
import { high_wmark_pages, low_wmark_pages, MAX_RECLAIM_RETRIES, reclaim_ops, zone_watermark_ok } from "./page_alloc.js";
import { check_move_unevictable_pages } from "./mlock.js";
import { check_lru_lists, LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from "./swap.js";
import { total_swap_pages } from "./swapfile.js";
import {
  DEF_PRIORITY, DEFAULT_SWAPPINESS, SWAP_CLUSTER_MAX, inactive_is_low, new_scan_control, shrink_active_list, shrink_node,
} from "./vmscan.js";

/** Linux: the kswapd fields of pglist_data, and the vm.swappiness sysctl. */
class kswapd_info {
  /** Linux: pgdat->kswapd. null until the first wakeup. */
  task: task_struct | null = null;
  /** Linux: pgdat->kswapd_failures: balance_pgdat() runs in a row that reclaimed nothing. */
  kswapd_failures = 0;
  /** Linux: vm_swappiness (0..200). */
  swappiness = DEFAULT_SWAPPINESS;
  /** Times an allocation woke kswapd from sleep, for --stats. */
  wakeups = 0;
}

const states = new WeakMap<Kernel, kswapd_info>();

/** The kernel's kswapd state (created on first use). */
export function kswapd_state(k: Kernel): kswapd_info {
  let s = states.get(k);
  if (s === undefined) states.set(k, (s = new kswapd_info()));
  return s;
}

/** Linux: current_is_kswapd(): reclaim is running in kswapd, not in an allocating task. */
export function current_is_kswapd(k: Kernel): boolean {
  const t = states.get(k)?.task;
  return t !== undefined && t !== null && k.current === t;
}

/** Linux: pgdat_balanced(): free pages are above the high watermark (kswapd may sleep). */
export function pgdat_balanced(k: Kernel, order: number): boolean {
  return zone_watermark_ok(k.zone, order, high_wmark_pages(k.zone));
}

/**
 * Linux: wakeup_kswapd(), from the allocator's slow path: wake kswapd0 (starting it the first time)
 * unless the zone is balanced or kswapd has given up (MAX_RECLAIM_RETRIES failures; direct reclaim
 * that succeeds lets it try again).
 */
export function wakeup_kswapd(k: Kernel, order: number): void {
  const s = kswapd_state(k);
  if (s.kswapd_failures >= MAX_RECLAIM_RETRIES || pgdat_balanced(k, order)) return;
  if (s.task === null) s.task = kthread_run(k, "kswapd0", kswapd);
  else if (s.task.state !== "TASK_INTERRUPTIBLE") return;
  else kthread_wake(k, s.task);
  s.wakeups++;
  if (k.trace.vmscan) {
    const z = k.zone;
    k.trace.note("vmscan", `wakeup_kswapd: kswapd0[${s.task.pid}] woken (free ${z.free_pages} <= low ${low_wmark_pages(z)}, high ${high_wmark_pages(z)})`);
  }
}

/**
 * Linux: age_active_anon(): with swap, keep some anon pages inactive even when no anon is being
 * reclaimed, so they can be referenced before reclaim gets to them.
 */
function age_active_anon(k: Kernel, sc: ReturnType<typeof new_scan_control>): void {
  if (total_swap_pages(k) === 0 || k.zone.lruvec.policy !== null) return; // a --policy has no active lists
  if (inactive_is_low(k.zone.lruvec, LRU_INACTIVE_ANON)) shrink_active_list(k, SWAP_CLUSTER_MAX, sc, LRU_ACTIVE_ANON);
}

/**
 * Linux 5.15: balance_pgdat(): reclaim until free pages are above the high watermark, at priority 12,
 * then lower (scanning twice as much each time) when a pass freed nothing or scanned too little for
 * the goal, down to 1. Counts pageoutrun once. Returns the pages freed.
 */
export function balance_pgdat(k: Kernel, order: number): number {
  const z = k.zone;
  const s = kswapd_state(k);
  z.lruvec.events.pageoutrun++;
  check_move_unevictable_pages(k);
  const sc = new_scan_control(k, 0, 0xcc0, order);
  if (k.trace.vmscan) k.trace.enter("vmscan", "balance_pgdat", `free=${z.free_pages} high=${high_wmark_pages(z)}`);
  do {
    if (pgdat_balanced(k, order)) break;
    const reclaimed_before = sc.nr_reclaimed;
    age_active_anon(k, sc);
    if (sc.priority < DEF_PRIORITY - 2) sc.may_writepage = true;
    sc.nr_scanned = 0;
    // Linux: kswapd_shrink_node(): aim at the high watermark, at least a batch; no need to raise
    // the priority if this pass scanned that many pages already.
    sc.nr_to_reclaim = Math.max(high_wmark_pages(z), SWAP_CLUSTER_MAX);
    shrink_node(k, sc);
    const raise_priority = sc.nr_scanned < sc.nr_to_reclaim;
    if (raise_priority || sc.nr_reclaimed === reclaimed_before) sc.priority--;
  } while (sc.priority >= 1);
  if (sc.nr_reclaimed === 0) s.kswapd_failures++;
  if (k.trace.vmscan) k.trace.exit("vmscan", "balance_pgdat", `= ${sc.nr_reclaimed} (free=${z.free_pages}, priority ${sc.priority})`);
  if (k.options.check) check_lru_lists(k);
  return sc.nr_reclaimed;
}

/**
 * Linux: kswapd(), one turn of its loop: balance the zone, then sleep if it is balanced or reclaim
 * is hopeless (kswapd_try_to_sleep); otherwise stay runnable for another turn.
 */
function kswapd(k: Kernel, t: task_struct): void {
  const s = kswapd_state(k);
  balance_pgdat(k, 0);
  if (!pgdat_balanced(k, 0) && s.kswapd_failures < MAX_RECLAIM_RETRIES) return;
  kthread_sleep(k, t);
  if (k.trace.vmscan) {
    const z = k.zone;
    k.trace.note("vmscan", `kswapd0[${t.pid}] sleeps (free ${z.free_pages}, high ${high_wmark_pages(z)}${s.kswapd_failures >= MAX_RECLAIM_RETRIES ? ", gave up" : ""})`);
  }
}

reclaim_ops.wakeup_kswapd = wakeup_kswapd;
