// vm.max_map_count (65530): a process may have that many VMAs plus one, as in Linux, after which
// mmap is -ENOMEM and so is anything that would split a VMA (mprotect, munmap of a middle part);
// unmapping whole VMAs frees slots again. Run for real, 65531 mappings, and with a lowered limit.

import { describe, expect, it } from "vitest";
import { check_kernel } from "../../kernel/mm/check.js";
import { do_mmap, do_munmap } from "../../kernel/mm/mmap.js";
import { do_mprotect_pkey } from "../../kernel/mm/mprotect.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { DEFAULT_MAX_MAP_COUNT, set_sysctl_max_map_count } from "../../kernel/mm/vma_merge.js";
import { bootProcess, C, err, mmap, run, sc, scs, show } from "./mm-syscalls.helpers.js";

const ENOMEM = 12;
const PAGE = 4096;

/** Guest code: map one page at a time, alternating PROT_READ and PROT_NONE so nothing merges, until mmap fails; print how many worked and the error. */
const FILL = `  li s1, 0
  li s3, PROT_READ
1:
${mmap(0, PAGE, "s3", "MAP_ANON_PRIVATE")}  li t0, -4096
  bgeu a0, t0, 2f
  addi s1, s1, 1
  xori s3, s3, PROT_READ
  j 1b
2:  mv s2, a0
  mv a0, s1
${show}  mv a0, s2
${show}`;

describe("max_map_count", () => {
  it("allows 65531 VMAs, then refuses new mappings and splits, and frees slots on munmap", () => {
    const { k, mm, task } = bootProcess();
    const three = do_mmap(mm, task, 0x5000_0000, 3 * PAGE, C.PROT_RW!, C.MAP_ANON_PRIVATE! | C.MAP_FIXED!, 0);
    let last = 0;
    for (let i = 0; ; i++) {
      const r = do_mmap(mm, task, 0, PAGE, i % 2 ? C.PROT_NONE! : C.PROT_READ!, C.MAP_ANON_PRIVATE!, 0);
      if (r < 0) {
        expect(r).toBe(-ENOMEM);
        break;
      }
      last = r;
    }
    // do_mmap checks map_count > 65530 before adding one: the count stops one above the limit.
    expect(mm.map_count).toBe(DEFAULT_MAX_MAP_COUNT + 1);
    expect(do_mprotect_pkey(mm, task, three + PAGE, PAGE, C.PROT_READ!)).toBe(-ENOMEM);
    expect(do_munmap(mm, three + PAGE, PAGE)).toBe(-ENOMEM);
    expect(do_munmap(mm, three, PAGE)).toBe(0); // the head: no split needed
    expect(do_munmap(mm, last, PAGE)).toBe(0);
    expect(do_mmap(mm, task, 0, PAGE, C.PROT_READ!, C.MAP_ANON_PRIVATE!, 0)).toBeGreaterThan(0);
    check_kernel(k);
  });

  it("stops a program's mmaps at 65531 VMAs with -ENOMEM, and every frame comes back", { timeout: 60_000 }, () => {
    const { out, r } = run(FILL, { check: false });
    expect(r.status).toBe(0);
    expect(out[1]).toBe(err(ENOMEM));
    // The program itself has a few VMAs (text, data, stack, vDSO...); together they reach 65531.
    expect(out[0]).toBeGreaterThan(DEFAULT_MAX_MAP_COUNT - 10);
    expect(out[0]).toBeLessThan(DEFAULT_MAX_MAP_COUNT);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("follows a lowered vm.max_map_count: mmap, mprotect and munmap splits give -ENOMEM", () => {
    const { out } = run(`${mmap("0x50000000", 3 * PAGE, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}${FILL}
${scs("SYS_MPROTECT", "0x50001000", PAGE, "PROT_READ")}${scs("SYS_MUNMAP", "0x50001000", PAGE)}${scs("SYS_MUNMAP", "0x50002000", PAGE)}
${sc("SYS_MMAP2", 0, PAGE, "PROT_RW", "MAP_ANON_PRIVATE", -1, 0)}  sltu a0, zero, a0
${show}`, { setup: (k) => set_sysctl_max_map_count(k, 20) });
    expect(out.slice(1)).toEqual([err(ENOMEM), err(ENOMEM), err(ENOMEM), 0, 1]);
    expect(out[0]).toBeLessThan(20);
  });
});
