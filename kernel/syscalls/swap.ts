// swapon (224) and swapoff (225): switch the machine's swap device on and off (Linux: mm/swapfile.c
// SYSCALL_DEFINE2(swapon), SYSCALL_DEFINE1(swapoff)). The board has one swap device, and the kernel
// switches it on at boot (kernel/main.ts); these calls take it away and give it back. The work is in
// kernel/mm: the area in swapfile.ts, bringing its pages home in swapoff.ts.
//
// Where vmos differs: the guest's file tree has no /dev, so the path is not opened and matched by
// the file it names, as Linux does: it is compared with the name the area has in /proc/swaps
// ("/dev/vda2" for the memory-backed disk, the host file's path for --swap-file). Any other name is
// looked up in the guest's tree: -ENOENT and the like if it is not there, -EISDIR for a directory
// (which Linux cannot open for writing), -EINVAL for anything else (a file with no swap area in it).
// Every task runs as root (getuid is 0), so the CAP_SYS_ADMIN check always passes: no -EPERM.

import type { Kernel } from "../kernel.js";
import { path_walk, task_pwd } from "../fs/namei.js";
import { do_swapon, swap_areas, swap_device_of, SWAP_FLAGS_VALID, SWP_WRITEOK } from "../mm/swapfile.js";
import { swapoff } from "../mm/swapoff.js";
import type { task_struct } from "../proc/task.js";
import { EINVAL, EISDIR } from "./errno.js";
import { getname } from "./fs.js";
import type { SyscallTable } from "./types.js";

/**
 * Linux: getname() + file_open_name(O_RDWR) of swapon's and swapoff's path, vmos style (see the top
 * of this file): "device" when `specialfile` names the machine's swap device, else -errno: -EFAULT,
 * -ENAMETOOLONG, -ENOENT (also for ""), the lookup's errors, -EISDIR, or -EINVAL for a file.
 */
function swap_file_lookup(k: Kernel, task: task_struct, specialfile: number): "device" | number {
  const name = getname(task, specialfile);
  if (typeof name === "number") return name;
  if (name === swap_device_of(k)?.name) return "device";
  const p = path_walk(k, task, task_pwd(k, task), name, { follow: true });
  if (typeof p === "number") return p;
  // Linux: "Unable to find swap-space signature" (swapon); not an active area (swapoff).
  return p.is_dir ? -EISDIR : -EINVAL;
}

/**
 * Linux: SYSCALL_DEFINE2(swapon, specialfile, swap_flags): switch the machine's swap device on again
 * after a swapoff. -EINVAL for flags outside SWAP_FLAGS_VALID (checked first, as Linux does), the
 * lookup's errors, -EBUSY if it is on already. SWAP_FLAG_PREFER | prio sets its priority.
 */
export function sys_swapon(k: Kernel, task: task_struct, specialfile: number, swap_flags: number): number {
  if (swap_flags & ~SWAP_FLAGS_VALID) return -EINVAL;
  const found = swap_file_lookup(k, task, specialfile);
  return found === "device" ? do_swapon(k, swap_flags) : found;
}

/**
 * Linux: SYSCALL_DEFINE1(swapoff, specialfile): bring every page of the area home and switch it off
 * (kernel/mm/swapoff.ts). The lookup's errors, -EINVAL when the device is not on, -ENOMEM when
 * memory ran out first (the area stays on).
 */
export function sys_swapoff(k: Kernel, task: task_struct, specialfile: number): number {
  const found = swap_file_lookup(k, task, specialfile);
  if (found !== "device") return found;
  const si = swap_areas(k).find((a) => (a.flags & SWP_WRITEOK) !== 0);
  return si === undefined ? -EINVAL : swapoff(k, si, task);
}

export const SWAP_SYSCALLS: SyscallTable = {
  224: (k, t, a) => sys_swapon(k, t, a[0]! >>> 0, a[1]!),
  225: (k, t, a) => sys_swapoff(k, t, a[0]! >>> 0),
};
