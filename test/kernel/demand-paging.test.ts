// Demand paging: nothing is loaded until touched; reads of untouched anonymous memory share the zero
// page; each first write costs one minor fault and one frame; everything comes back at exit.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { exit, runSource, START } from "../helpers/kernel.js";

/** Touch `pages` pages of a 256-page bss, one word each, by load or store; exit with the loaded sum. */
function touch(pages: number, op: "lw" | "sw"): string {
  return `${START}
  la t0, buf
  li t1, ${pages}
  li a0, 0
1: beqz t1, 2f
  ${op === "lw" ? "lw t2, 0(t0)\n  add a0, a0, t2" : "sw t1, 0(t0)"}
  li t3, 4096
  add t0, t0, t3
  addi t1, t1, -1
  j 1b
2:
${exit("a0")}
  .bss
buf: .zero 256 * 4096
`;
}

describe("demand paging", () => {
  it("maps nothing until it is touched: RSS is text + stack only for a program that touches nothing", () => {
    const r = runSource(touch(0, "sw"));
    expect(r.status).toBe(0);
    expect(r.init.maxrss).toBeLessThanOrEqual(3);
  });

  it("costs one minor fault and one page of RSS per page written", () => {
    const base = runSource(touch(0, "sw"));
    const r = runSource(touch(100, "sw"));
    expect(r.init.min_flt - base.init.min_flt).toBe(100);
    expect(r.init.maxrss - base.init.maxrss).toBe(100);
  });

  it("maps the shared zero page for reads of untouched anonymous memory: zeros, and no RSS", () => {
    const r = runSource(touch(100, "lw"), { trace: ["fault"] });
    expect(r.status).toBe(0); // the sum of 100 zero words
    expect(r.init.min_flt).toBeGreaterThanOrEqual(100);
    expect(r.init.maxrss).toBeLessThanOrEqual(3);
    expect(r.trace).toContain("(zero page)");
  });

  it("copies the zero page on the first write after a read (wp_page_copy)", () => {
    const r = runSource(`${START}
  la t0, buf
  lw t1, 0(t0)
  li t2, 42
  sw t2, 4(t0)
  lw a0, 4(t0)
  add a0, a0, t1
${exit("a0")}
  .bss
buf: .zero 4096
`, { trace: ["fault"] });
    expect(r.status).toBe(42);
    expect(r.trace).toMatch(/do_wp_page\(\) \{\n.*wp_page_copy zero page -> pfn/);
  });

  it("gives every frame back when the program exits", () => {
    const r = runSource(touch(200, "sw"));
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("reads data from the ELF image on demand and copies it on the first write (do_cow_fault)", () => {
    const r = runSource(`${START}
  la t0, value
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  lw a0, 0(t0)
${exit("a0")}
  .data
value: .word 41
`, { trace: ["fault"] });
    expect(r.status).toBe(42);
    expect(r.trace).toContain("do_read_fault");
    expect(r.trace).toContain("do_wp_page");
  });
});
