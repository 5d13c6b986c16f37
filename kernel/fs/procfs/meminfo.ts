// Linux: fs/proc/meminfo.c meminfo_proc_show(): the whole machine's memory, one "Label: N kB" line
// each, in Linux 5.15's order, for a riscv32 kernel: no HIGHMEM, no transparent huge pages (64-bit
// only on riscv), no hugetlbfs, no CMA, no memory-failure handling, so none of their lines.
// Values vmos has no source for yet (slab, kernel stacks, vmalloc, per-CPU) are 0, as they would be
// on a kernel without that feature. Swap is the swap areas' (swapfile.ts): 0 without a swap device.

import type { Kernel } from "../../kernel.js";
import { seq_file, show_val_kb } from "../seq_file.js";
import { live_mms, node_page_state, si_mem_available } from "./page_state.js";
import { VM_ACCOUNT } from "../../mm/vma.js";
import { nr_swap_pages, total_swap_pages } from "../../mm/swapfile.js";

/** Linux: sysctl_overcommit_ratio's default: CommitLimit is half of RAM plus swap. */
const OVERCOMMIT_RATIO = 50;
/**
 * Linux: VMALLOC_TOTAL >> 10 on rv32 5.15: VMALLOC_END - VMALLOC_START = (PAGE_OFFSET - 1) -
 * (PAGE_OFFSET - 512 MiB), one byte short of 512 MiB.
 */
const VMALLOC_TOTAL_KB = Math.floor(((512 << 20) - 1) / 1024);

/**
 * Linux: vm_memory_committed(): pages promised to processes that could all be touched at once, the
 * VM_ACCOUNT mappings (private writable memory: data, bss, heap, stack, anonymous mmaps).
 */
export function vm_memory_committed(k: Kernel): number {
  let pages = 0;
  for (const mm of live_mms(k)) {
    for (let v = mm.mmap; v !== null; v = v.vm_next) if (v.vm_flags & VM_ACCOUNT) pages += (v.vm_end - v.vm_start) / 4096;
  }
  return pages;
}

/** Linux: /proc/meminfo. */
export function proc_meminfo(k: Kernel): string {
  const s = node_page_state(k);
  const m = new seq_file();
  const totalram = k.zone.managed_pages;
  const swapcache = s.nr_swapcached;
  const swap_total = total_swap_pages(k);
  show_val_kb(m, "MemTotal:       ", totalram);
  show_val_kb(m, "MemFree:        ", s.nr_free_pages);
  show_val_kb(m, "MemAvailable:   ", si_mem_available(k, s));
  show_val_kb(m, "Buffers:        ", 0);
  show_val_kb(m, "Cached:         ", Math.max(s.nr_file_pages - swapcache, 0));
  show_val_kb(m, "SwapCached:     ", swapcache);
  show_val_kb(m, "Active:         ", s.nr_active_anon + s.nr_active_file);
  show_val_kb(m, "Inactive:       ", s.nr_inactive_anon + s.nr_inactive_file);
  show_val_kb(m, "Active(anon):   ", s.nr_active_anon);
  show_val_kb(m, "Inactive(anon): ", s.nr_inactive_anon);
  show_val_kb(m, "Active(file):   ", s.nr_active_file);
  show_val_kb(m, "Inactive(file): ", s.nr_inactive_file);
  show_val_kb(m, "Unevictable:    ", s.nr_unevictable);
  show_val_kb(m, "Mlocked:        ", s.nr_mlock);
  show_val_kb(m, "SwapTotal:      ", swap_total);
  show_val_kb(m, "SwapFree:       ", nr_swap_pages(k));
  show_val_kb(m, "Dirty:          ", s.nr_dirty);
  show_val_kb(m, "Writeback:      ", s.nr_writeback);
  show_val_kb(m, "AnonPages:      ", s.nr_anon_pages);
  show_val_kb(m, "Mapped:         ", s.nr_mapped);
  show_val_kb(m, "Shmem:          ", s.nr_shmem);
  show_val_kb(m, "KReclaimable:   ", 0);
  show_val_kb(m, "Slab:           ", 0);
  show_val_kb(m, "SReclaimable:   ", 0);
  show_val_kb(m, "SUnreclaim:     ", 0);
  m.put_decimal_ull_width("KernelStack:    ", 0, 8);
  m.puts(" kB\n");
  show_val_kb(m, "PageTables:     ", s.nr_page_table_pages);
  show_val_kb(m, "NFS_Unstable:   ", 0);
  show_val_kb(m, "Bounce:         ", 0);
  show_val_kb(m, "WritebackTmp:   ", 0);
  show_val_kb(m, "CommitLimit:    ", Math.floor((totalram * OVERCOMMIT_RATIO) / 100) + swap_total);
  show_val_kb(m, "Committed_AS:   ", vm_memory_committed(k));
  m.put_decimal_ull_width("VmallocTotal:   ", VMALLOC_TOTAL_KB, 8);
  m.puts(" kB\n");
  show_val_kb(m, "VmallocUsed:    ", 0);
  show_val_kb(m, "VmallocChunk:   ", 0);
  show_val_kb(m, "Percpu:         ", 0);
  return m.toString();
}
