// Linux: fs/proc/root.c, base.c, generic.c: the /proc directory tree.
//
//   /proc/meminfo  /proc/vmstat  /proc/buddyinfo  /proc/swaps  /proc/zoneinfo    the whole machine
//   /proc/self -> /proc/<caller's pid>
//   /proc/<pid>/{maps,smaps,smaps_rollup,status,stat,statm,cmdline}   any task not yet reaped
//
// Snapshot at open: Linux's seq_file builds a /proc file's text as read() asks for it, a page at a
// time, and a reader that uses one big buffer (as cat does) gets a consistent snapshot, but one that
// reads in small pieces may see the process change between them. vmos builds the whole text when the
// file is opened and read() copies from that snapshot, so every read of one open file sees the same
// moment. To see the process again, open the file again (or llseek to 0: Linux would regenerate
// there, vmos does not). For a zombie the memory files are empty, as in Linux (its mm is gone).

import type { Kernel } from "../../kernel.js";
import type { task_struct } from "../../proc/task.js";
import { EINVAL, ENOENT, ENOTDIR } from "../../syscalls/errno.js";
import { file, FMODE_LSEEK, FMODE_READ, simple_read_from_buffer, SEEK_CUR, SEEK_SET, type file_operations } from "../file.js";
import type { dentry } from "../vfs.js";
import { proc_pid_stat, proc_pid_status } from "./array.js";
import { proc_pid_cmdline } from "./base.js";
import { proc_meminfo } from "./meminfo.js";
import { proc_swaps } from "./swaps.js";
import { proc_pid_maps, proc_pid_smaps, proc_pid_smaps_rollup, proc_pid_statm } from "./task_mmu.js";
import { proc_buddyinfo, proc_vmstat, proc_zoneinfo } from "./vmstat.js";

/** Linux: seq_lseek(): only SEEK_SET and SEEK_CUR, to any position >= 0 (past the end reads 0 bytes). */
function seq_lseek(f: file, offset: bigint, whence: number): bigint {
  if (whence === SEEK_CUR) offset += f.f_pos;
  else if (whence !== SEEK_SET) return BigInt(-EINVAL);
  if (offset < 0n || offset > 0x7fff_ffff_ffff_ffffn) return BigInt(-EINVAL); // negative, or a loff_t that wrapped
  f.f_pos = offset;
  return offset;
}

/** Linux: the file_operations of a seq_file-backed /proc file (seq_read + seq_lseek). */
const proc_seq_fops: file_operations = { read: simple_read_from_buffer, llseek: seq_lseek };

const encoder = new TextEncoder();

/** A /proc file whose text `show` produces: a dentry that snapshots it at open. */
function proc_file(path: string, show: (k: Kernel) => string | Uint8Array): dentry {
  return {
    kind: "file",
    path,
    open: (k) => {
      const text = show(k);
      return new file(path, typeof text === "string" ? encoder.encode(text) : text, proc_seq_fops, FMODE_READ | FMODE_LSEEK);
    },
  };
}

/** Linux: tgid_base_stuff[], the files of /proc/PID that vmos has. */
const PID_FILES: Record<string, (k: Kernel, t: task_struct) => string | Uint8Array> = {
  cmdline: (k, t) => proc_pid_cmdline(k, t),
  maps: (_k, t) => proc_pid_maps(t.mm),
  smaps: (_k, t) => proc_pid_smaps(t.mm),
  smaps_rollup: (_k, t) => proc_pid_smaps_rollup(t.mm),
  stat: (_k, t) => proc_pid_stat(t),
  statm: (_k, t) => proc_pid_statm(t.mm),
  status: (k, t) => proc_pid_status(k, t),
};

/** The files directly in /proc (Linux: proc_create_single() calls in each subsystem's init). */
const ROOT_FILES: Record<string, (k: Kernel) => string> = {
  buddyinfo: proc_buddyinfo,
  meminfo: proc_meminfo,
  swaps: proc_swaps,
  vmstat: proc_vmstat,
  zoneinfo: proc_zoneinfo,
};

/** Names `vmos run --proc` and tests may ask for: the machine's files and the per-process ones. */
export const PROC_ROOT_FILES: readonly string[] = Object.keys(ROOT_FILES);
export const PROC_PID_FILES: readonly string[] = Object.keys(PID_FILES);

/**
 * Linux: fs/proc/base.c name_to_int() + find_task_by_pid_ns(): the task a /proc directory name
 * stands for. Decimal digits without a leading zero; "self" is the caller.
 */
function proc_pid_lookup(k: Kernel, caller: task_struct, name: string): task_struct | null {
  if (name === "self") return caller;
  if (!/^[1-9][0-9]{0,9}$/.test(name)) return null;
  return k.tasks.get(Number(name)) ?? null;
}

/**
 * Look up `names` (the path's components after "proc") for `caller`: a directory, a file, -ENOENT for
 * a name that does not exist, -ENOTDIR for a name under a file.
 */
export function proc_lookup(k: Kernel, caller: task_struct, names: string[]): dentry | number {
  if (names.length === 0) return { kind: "dir", path: "/proc" };
  const [first, ...rest] = names as [string, ...string[]];
  const root_show = ROOT_FILES[first];
  if (root_show !== undefined) return rest.length === 0 ? proc_file(`/proc/${first}`, root_show) : -ENOTDIR;
  const t = proc_pid_lookup(k, caller, first);
  if (t === null) return -ENOENT;
  const dir = `/proc/${t.pid}`;
  if (rest.length === 0) return { kind: "dir", path: dir };
  const [name, ...below] = rest as [string, ...string[]];
  const show = PID_FILES[name];
  if (show === undefined) return -ENOENT;
  if (below.length > 0) return -ENOTDIR;
  return proc_file(`${dir}/${name}`, (kk) => show(kk, t));
}

/**
 * The text of a /proc file as a reader would get it now, for the host side (`vmos run --proc`, tests):
 * `name` is a /proc root file ("meminfo") or, with `task`, one of its /proc/PID files ("maps").
 * Returns null for an unknown name.
 */
export function proc_file_text(k: Kernel, name: string, task: task_struct | null): string | null {
  let out: string | Uint8Array;
  if (task === null) {
    const show = ROOT_FILES[name];
    if (show === undefined) return null;
    out = show(k);
  } else {
    const show = PID_FILES[name];
    if (show === undefined) return null;
    out = show(k, task);
  }
  return typeof out === "string" ? out : new TextDecoder().decode(out);
}
