// Linux: mm/oom_kill.c, the OOM killer. When reclaim finds nothing more to free and an allocation
// still cannot be met, one process is killed so the rest can go on:
//
//   __alloc_pages_slowpath ── try_to_free_pages made no progress ──> out_of_memory()
//   a fault's VM_FAULT_OOM (trap.ts) ─────────────────────────────> pagefault_out_of_memory()
//
//   out_of_memory: the current task already dying (SIGKILL pending)? let it use the reserve and exit.
//                  another victim killed earlier still holding its memory (asleep)? reap it, kill
//                  no one new (Linux: oom_evaluate_task's abort on tsk_is_oom_victim).
//                  else select_bad_process(): the highest oom_badness() (RSS + swap entries + page
//                  tables), never init (pid 1) or a kernel thread; ties go to the newer process;
//                  oom_kill_process(): print the report, count oom_kill, send SIGKILL.
//
// Linux's oom_reaper then frees the victim's memory without waiting for it to run. vmos's does the
// same by finishing the victim's exit at once (do_exit), so the allocation that called the OOM killer
// can be retried right away; a victim that is the current task dies on its way back to user mode.
//
// With no killable process (only init is left) Linux panics: "Out of memory and no killable
// processes...". vmos prints Linux's panic line and kills init with SIGKILL, so the run ends with
// status 137 (128 + SIGKILL) and everything is torn down as at any other end.

import type { Kernel } from "../kernel.js";
import { do_exit } from "../proc/exit.js";
import { force_sig, SIGKILL } from "../proc/signal.js";
import { sigismember } from "../proc/signal_types.js";
import type { task_struct } from "../proc/task.js";
import { get_mm_counter, get_mm_rss, MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS, type mm_struct } from "./mm_types.js";
import { reclaim_ops } from "./page_alloc.js";
import { try_to_free_pages } from "./vmscan.js";

/** Linux: OOM_SCORE_ADJ_MIN: a task with this oom_score_adj is never chosen. */
export const OOM_SCORE_ADJ_MIN = -1000;

/** What out_of_memory() did: killed another task (memory is back), chose the current one, or found none. */
export type OomResult = "other" | "current" | "none";

/** Linux: fatal_signal_pending(): SIGKILL is pending, so the task will die before it runs user code. */
export function fatal_signal_pending(t: task_struct): boolean {
  return sigismember(t.sig.pending.signal, SIGKILL);
}

/** Linux: oom_unkillable_task(): init (is_global_init) and kernel threads (PF_KTHREAD) are never chosen. */
function oom_unkillable_task(t: task_struct): boolean {
  return t.pid === 1 || t.kthread !== null;
}

/** Linux: mm_pgtables_bytes() / PAGE_SIZE: page-table pages of the address space. */
function pgtables_pages(mm: mm_struct): number {
  return mm.pgtables_bytes / 4096;
}

/**
 * Linux: oom_badness(): how much killing `t` would free, in pages: resident pages, swap entries and
 * page tables, plus oom_score_adj (vmos: always 0) per mille of `totalpages`. -Infinity (Linux:
 * LONG_MIN) for a task that may not be killed or has no memory (a zombie).
 */
export function oom_badness(t: task_struct, totalpages: number): number {
  const mm = t.mm;
  if (oom_unkillable_task(t) || mm === null) return -Infinity;
  const adj = t.oom_score_adj;
  if (adj === OOM_SCORE_ADJ_MIN) return -Infinity;
  const points = get_mm_rss(mm) + get_mm_counter(mm, MM_SWAPENTS) + pgtables_pages(mm);
  return points + adj * Math.floor(totalpages / 1000);
}

/**
 * Linux: select_bad_process() -> oom_evaluate_task() over every process, in creation order: the task
 * with the most points; a later task with equal points replaces the earlier one, as in Linux.
 */
function select_bad_process(k: Kernel, totalpages: number): task_struct | null {
  let chosen: task_struct | null = null;
  let chosen_points = -Infinity;
  for (const t of k.tasks.values()) {
    const points = oom_badness(t, totalpages);
    if (points === -Infinity || points < chosen_points) continue;
    chosen = t;
    chosen_points = points;
  }
  return chosen;
}

/** Linux: the oom_rs ratelimit of dump_header(): at most 10 reports per 5 s of (simulated) time. */
const ratelimits = new WeakMap<Kernel, { begin: number; printed: number }>();
function oom_ratelimit(k: Kernel): boolean {
  const now = k.machine.clock.cycles;
  let rs = ratelimits.get(k);
  if (rs === undefined || now - rs.begin >= 5_000_000_000) ratelimits.set(k, (rs = { begin: now, printed: 0 }));
  return rs.printed++ < 10;
}

const kb = (pages: number): number => pages * 4;

/**
 * Linux: dump_header() -> dump_tasks(): who asked, and every candidate's memory in pages, the inputs
 * of oom_badness(). (Linux also dumps the stack and the zone's state: see /proc/zoneinfo and --stats.)
 */
function dump_header(k: Kernel, gfp: number, order: number, victim: task_struct | null): void {
  const cur = k.current;
  const gfp_name = gfp === 0 ? "" : gfp === 0xcc0 ? "GFP_KERNEL" : "GFP_HIGHUSER_MOVABLE";
  k.console.log(`${cur?.comm ?? "swapper"} invoked oom-killer: gfp_mask=0x${gfp.toString(16)}(${gfp_name}), order=${order}, oom_score_adj=${cur?.oom_score_adj ?? 0}`);
  k.console.log("Tasks state (memory values in pages):");
  k.console.log("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
  for (const t of k.tasks.values()) {
    const mm = t.mm;
    if (mm === null || oom_unkillable_task(t)) continue;
    const cols = [`[${String(t.pid).padStart(7)}]`, "0".padStart(5), String(t.pid).padStart(5),
      String(mm.total_vm).padStart(8), String(get_mm_rss(mm)).padStart(8), String(mm.pgtables_bytes).padStart(8),
      String(get_mm_counter(mm, MM_SWAPENTS)).padStart(8)];
    k.console.log(`${cols.join(" ")}         ${String(t.oom_score_adj).padStart(5)} ${t.comm}`);
  }
  if (victim !== null) {
    k.console.log(`oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=${victim.comm},pid=${victim.pid},uid=0`);
  }
}

/** The three RSS figures of the kill message and the reaper's line. */
function rss_text(mm: mm_struct): string {
  return `anon-rss:${kb(get_mm_counter(mm, MM_ANONPAGES))}kB, file-rss:${kb(get_mm_counter(mm, MM_FILEPAGES))}kB, ` +
    `shmem-rss:${kb(get_mm_counter(mm, MM_SHMEMPAGES))}kB`;
}

/**
 * Linux: oom_kill_process() -> __oom_kill_process(): report, count oom_kill, SIGKILL the victim and
 * every other process sharing its mm. Unless the victim is the current task, reap it at once (Linux's
 * oom_reaper; vmos finishes its exit). Returns which of the two it was.
 */
function oom_kill_process(k: Kernel, victim: task_struct, gfp: number, order: number): OomResult {
  const mm = victim.mm!;
  if (oom_ratelimit(k)) dump_header(k, gfp, order, victim);
  k.zone.lruvec.events.oom_kill++;
  k.console.log(`Out of memory: Killed process ${victim.pid} (${victim.comm}) total-vm:${kb(mm.total_vm)}kB, ` +
    `${rss_text(mm)}, UID:0 pgtables:${mm.pgtables_bytes >> 10}kB oom_score_adj:${victim.oom_score_adj}`);
  if (k.trace.vmscan) k.trace.note("vmscan", `out_of_memory: SIGKILL to ${victim.comm}[${victim.pid}]`);
  const cur = k.current;
  const doomed = [...k.tasks.values()].filter((t) => t.mm === mm && !oom_unkillable_task(t));
  let hits_current = false;
  for (const t of doomed) {
    force_sig(k, SIGKILL, t);
    if (t === cur) hits_current = true;
  }
  if (hits_current) return "current";
  return oom_reap_task(k, victim);
}

/**
 * A process killed earlier (SIGKILL pending) that still holds its memory because it has not run
 * since: it sleeps, waiting for a swap-in, say. Not the current task, which dies on its way out.
 */
function dying_victim(k: Kernel): task_struct | null {
  for (const t of k.tasks.values()) {
    if (t !== k.current && t.mm !== null && !oom_unkillable_task(t) && fatal_signal_pending(t)) return t;
  }
  return null;
}

/**
 * Linux: oom_reap_task(): give the victim's memory back without waiting for it to run (vmos:
 * finish the exit of every task sharing its mm). Returns "other", or "none" with no task running
 * (a kernel test calling mm code directly): the mm in use is then unknown, the victim dies when
 * it next runs, and this allocation fails.
 */
function oom_reap_task(k: Kernel, victim: task_struct): OomResult {
  if (k.current === null) return "none";
  const mm = victim.mm!;
  for (const t of [...k.tasks.values()].filter((t) => t.mm === mm && !oom_unkillable_task(t))) do_exit(k, t, SIGKILL);
  k.console.log(`oom_reaper: reaped process ${victim.pid} (${victim.comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`);
  return "other";
}

/**
 * Linux: out_of_memory(). Called when reclaim could not free enough for an allocation of 2^order
 * pages with `gfp` (0 from a page fault). Kills the worst process, or lets an already dying current
 * task take the reserve. With no killable process: Linux's panic line, then SIGKILL for init.
 */
export function out_of_memory(k: Kernel, gfp: number, order: number): OomResult {
  const cur = k.current;
  // Linux: task_will_free_mem(current): a dying task gets the memory it needs to exit.
  if (cur !== null && cur.mm !== null && fatal_signal_pending(cur)) return "current";
  // Linux: oom_evaluate_task() aborts the selection when it meets a victim not yet reaped
  // (tsk_is_oom_victim without MMF_OOM_SKIP): its memory is on its way back. Killing again would
  // take a second process for one shortage. vmos reaps that victim now, as the oom_reaper would.
  const dying = dying_victim(k);
  if (dying !== null) return oom_reap_task(k, dying);
  const victim = select_bad_process(k, k.zone.managed_pages);
  if (victim !== null) return oom_kill_process(k, victim, gfp, order);
  if (oom_ratelimit(k)) dump_header(k, gfp, order, null);
  k.console.log("Kernel panic - not syncing: Out of memory and no killable processes...");
  const init = k.tasks.get(1);
  if (init === undefined || init.mm === null) return "none";
  force_sig(k, SIGKILL, init);
  if (init === cur) return "current";
  if (cur !== null) do_exit(k, init, SIGKILL);
  return "none";
}

/**
 * Linux 5.15: pagefault_out_of_memory(), for a fault that returned VM_FAULT_OOM to trap.ts. A task
 * already dying just goes on to die. Otherwise (vmos: page tables are allocated without reclaim) try
 * direct reclaim first, then the OOM killer; either way the task returns to user mode and retries the
 * faulting instruction, unless it was the one killed.
 */
export function pagefault_out_of_memory(k: Kernel, task: task_struct): void {
  if (fatal_signal_pending(task)) return;
  if (try_to_free_pages(k, 0, 0) > 0) return;
  out_of_memory(k, 0, 0);
}

reclaim_ops.out_of_memory = out_of_memory;
reclaim_ops.dying = (k) => k.current !== null && fatal_signal_pending(k.current);
