// mlocked pages never leave memory: mlock() moves them to the unevictable list (kernel/mm/mlock.ts,
// swap.ts), reclaim never scans it, and they keep their frames however short memory gets; munlock()
// gives them back to the evictable lists. /proc/meminfo's Unevictable and Mlocked follow.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { check_lru } from "../../kernel/mm/swap.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { touch } from "./reclaim-helpers.js";
import { C, dump, info, kb, mmap, PI, runSwap, sc, show } from "./swap-helpers.js";

const LOCKED = 16;

/** For each locked page i from s1: print its first word, its pfn and its vmos_page_info flags. Clobbers s2, s3. */
const report = `  li s2, 0
2: slli s3, s2, 12
  add s3, s3, s1
  lw a0, 0(s3)
${show}${info("s3", 0, 1)}  addi s2, s2, 1
  li t0, ${LOCKED}
  bne s2, t0, 2b
`;

describe("mlocked pages", () => {
  it("keep their frames and contents while 400 pages are swapped through a 1 MiB machine", () => {
    const { r, out, files } = runSwap(`${mmap(0, LOCKED * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${sc("SYS_MLOCK", "s1", LOCKED * 4096)}${show}
  li t1, 0
  mv t0, s1
3: addi t1, t1, 1
  sw t1, 0(t0)
  li t2, 4096
  add t0, t0, t2
  li t2, ${LOCKED}
  bne t1, t2, 3b
${report}${dump("meminfo")}${mmap(0, 400 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s4, a0
${touch("s4", 400, 2)}${dump("meminfo")}${report}${sc("SYS_MUNLOCK", "s1", LOCKED * 4096)}${show}${dump("meminfo")}`,
    { mem: 1 << 20, swap: 4 << 20 });
    expect(out[0]).toBe(0); // mlock
    const before = out.slice(1, 1 + 3 * LOCKED), after = out.slice(1 + 3 * LOCKED, 1 + 6 * LOCKED);
    for (let i = 0; i < LOCKED; i++) {
      const [word, pfn, flags] = after.slice(3 * i, 3 * i + 3);
      expect(word, `page ${i}`).toBe(i + 1);
      expect(pfn, `page ${i}`).toBe(before[3 * i + 1]); // never left its frame
      expect(flags! & (PI.PRESENT | PI.SWAP), `page ${i}`).toBe(PI.PRESENT);
    }
    expect(out.at(-1)).toBe(0); // munlock
    const [locked, pressed, unlocked] = files as [string, string, string];
    expect(kb(locked, "Mlocked")).toBe(LOCKED * 4);
    expect(kb(locked, "Unevictable")).toBe(LOCKED * 4);
    expect(kb(pressed, "Mlocked")).toBe(LOCKED * 4);
    expect(kb(unlocked, "Mlocked")).toBe(0);
    expect(kb(unlocked, "Unevictable")).toBe(0);
    const ev = r.kernel.zone.lruvec.events;
    expect(ev.unevictable_pgs_mlocked).toBeGreaterThanOrEqual(LOCKED);
    expect(ev.unevictable_pgs_munlocked).toBe(LOCKED);
    expect(r.kernel.vm_events.pswpout).toBeGreaterThan(300); // the pressure was real
    expect(r.status).toBe(0);
    expect(check_lru(r.kernel.zone.lruvec, r.kernel.mem_map)).toBeNull();
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
    expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
  });

  it("of a MAP_LOCKED mapping go straight to the unevictable list, and leave it when the process exits", () => {
    const { r, files } = runSwap(`${mmap(0, LOCKED * 4096, "PROT_RW", C.MAP_ANON_PRIVATE! | C.MAP_LOCKED!)}  mv s1, a0
${dump("meminfo")}`, { mem: 1 << 20, swap: 4 << 20 });
    expect(kb(files[0]!, "Unevictable")).toBe(LOCKED * 4); // populated and locked by mmap itself
    expect(r.status).toBe(0);
    expect(r.kernel.zone.lruvec.nr[4]).toBe(0); // LRU_UNEVICTABLE: empty again
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});
