// The board's reference clock (src/hw/refclock.ts): with it on, every page-granular reference is
// counted, in order, the fetch page included between data pages; with it off, the CPU's fast path
// runs as before and nothing is counted.

import { describe, expect, it } from "vitest";
import { ReferenceClock } from "../../src/hw/refclock.js";
import { ASID, program, rig, runToTrap } from "./helpers.js";

/** Loads from `a` then `b` (two data pages), twice, then ecall. */
const TWO_PAGES = program(`
  la t0, a
  la t1, b
  lw t2, 0(t0)
  lw t2, 4(t0)
  lw t2, 0(t1)
  lw t2, 0(t0)
`, `a: .word 1, 2
  .balign 4096
b: .word 3`);

/** Run TWO_PAGES with the clock on; the references as [vpn, frame] pairs. */
function recorded(): { refs: [number, number][]; clock: ReferenceClock; vpn: (sym: string) => number } {
  const r = rig(TWO_PAGES);
  const clock = r.m.refs;
  const refs: [number, number][] = [];
  clock.onReference = (key, pfn) => refs.push([key & 0xfffff, pfn]);
  r.m.cpu.setReferenceClock(clock);
  expect(runToTrap(r.m)).toBe(8);
  return { refs, clock, vpn: (sym) => r.sym(sym) >>> 12 };
}

describe("the reference clock", () => {
  it("counts each page reference once per run of references to it, the code page between data pages", () => {
    const { refs, clock, vpn } = recorded();
    const code = vpn("_start"), a = vpn("a"), b = vpn("b");
    // la/la are fetches only; then each load is the data page followed by the fetch page again.
    expect(refs.map(([v]) => v)).toEqual([code, a, code, a, code, b, code, a, code]);
    expect(clock.time).toBe(9);
  });

  it("stamps each frame with the time of its last reference", () => {
    const { refs, clock } = recorded();
    const frameOf = new Map(refs.map(([v, pfn]) => [v, pfn]));
    const [code, a, b] = [...new Set(refs.map(([v]) => v))] as [number, number, number];
    expect(clock.lastUse[frameOf.get(code)!]).toBe(9);
    expect(clock.lastUse[frameOf.get(a)!]).toBe(8);
    expect(clock.lastUse[frameOf.get(b)!]).toBe(6);
    const others = [...clock.lastUse].filter((t, pfn) => t !== 0 && ![...frameOf.values()].includes(pfn));
    expect(others).toEqual([]);
  });

  it("keys references by address space", () => {
    const { refs } = recorded();
    const r = rig(TWO_PAGES);
    const keys: number[] = [];
    r.m.refs.onReference = (key) => keys.push(key);
    r.m.cpu.setReferenceClock(r.m.refs);
    runToTrap(r.m);
    expect(keys.every((key) => key >>> 20 === ASID)).toBe(true);
    expect(keys.length).toBe(refs.length);
  });

  it("is off unless switched on: the fast path runs and nothing is counted", () => {
    const r = rig(TWO_PAGES);
    let calls = 0;
    r.m.refs.onReference = () => calls++;
    runToTrap(r.m);
    expect(calls).toBe(0);
    expect(r.m.refs.time).toBe(0);
    expect(r.m.tlb.hits).toBeGreaterThan(0);
  });

  it("switched on after the TLB was filled, still sees every access (the TLB is flushed)", () => {
    const r = rig(TWO_PAGES);
    r.m.cpu.run(2); // la t0 fills the fetch page's entry with fast-path tags
    r.m.cpu.setReferenceClock(r.m.refs);
    runToTrap(r.m);
    expect(r.m.refs.time).toBeGreaterThanOrEqual(8);
  });

  it("switched off again, stops counting", () => {
    const r = rig(TWO_PAGES);
    r.m.cpu.setReferenceClock(r.m.refs);
    r.m.cpu.run(3);
    const t = r.m.refs.time;
    r.m.cpu.setReferenceClock(null);
    runToTrap(r.m);
    expect(r.m.refs.time).toBe(t);
  });
});
