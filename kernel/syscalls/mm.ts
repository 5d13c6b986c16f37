// System calls of the mm area: the memory-mapping calls of Linux's riscv32 ABI and vmos's debug calls
// vmos_page_info and vmos_pageout. Each handler only decodes registers; the work is in kernel/mm, in the file named
// after Linux's (mm/mmap.c -> mmap.ts, mm/mprotect.c -> mprotect.ts, ...). Lengths and addresses are
// unsigned longs: the handlers pass them on as unsigned 32-bit numbers; flags stay as they came.

import { do_madvise } from "../mm/madvise.js";
import { sys_mincore } from "../mm/mincore.js";
import { sys_mlock, sys_mlock2, sys_mlockall, sys_munlock, sys_munlockall } from "../mm/mlock.js";
import { sys_brk, sys_mmap2, sys_munmap } from "../mm/mmap.js";
import { sys_mprotect } from "../mm/mprotect.js";
import { sys_mremap } from "../mm/mremap.js";
import { sys_msync } from "../mm/msync.js";
import { sys_vmos_page_info, sys_vmos_pageout, VMOS_PAGE_INFO, VMOS_PAGEOUT } from "../mm/page_info.js";
import type { SyscallTable } from "./types.js";

const u = (x: number): number => x >>> 0;

export const MM_SYSCALLS: SyscallTable = {
  214: (_k, t, a) => sys_brk(t.mm!, u(a[0]!), t), // with the task, so pages populated for mlockall count as its faults
  215: (_k, t, a) => sys_munmap(t.mm!, u(a[0]!), u(a[1]!)),
  216: (_k, t, a) => sys_mremap(t.mm!, t, u(a[0]!), u(a[1]!), u(a[2]!), a[3]!, u(a[4]!)),
  222: (_k, t, a) => sys_mmap2(t.mm!, t, u(a[0]!), u(a[1]!), a[2]!, a[3]!, a[4]!, u(a[5]!)),
  226: (_k, t, a) => sys_mprotect(t.mm!, t, u(a[0]!), u(a[1]!), a[2]!),
  227: (_k, t, a) => sys_msync(t.mm!, u(a[0]!), u(a[1]!), a[2]!),
  228: (_k, t, a) => sys_mlock(t.mm!, t, u(a[0]!), u(a[1]!)),
  229: (_k, t, a) => sys_munlock(t.mm!, u(a[0]!), u(a[1]!)),
  230: (_k, t, a) => sys_mlockall(t.mm!, t, a[0]!),
  231: (_k, t) => sys_munlockall(t.mm!),
  232: (_k, t, a) => sys_mincore(t.mm!, t, u(a[0]!), u(a[1]!), u(a[2]!)),
  233: (_k, t, a) => do_madvise(t.mm!, t, u(a[0]!), u(a[1]!), a[2]!),
  284: (_k, t, a) => sys_mlock2(t.mm!, t, u(a[0]!), u(a[1]!), a[2]!),
  [VMOS_PAGE_INFO]: (_k, t, a) => sys_vmos_page_info(t.mm!, t, u(a[0]!), u(a[1]!)),
  [VMOS_PAGEOUT]: (_k, t, a) => sys_vmos_pageout(t.mm!, u(a[0]!)),
};
