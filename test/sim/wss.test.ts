// Denning's working set W(t, tau) over a reference string (src/sim/wss.ts): hand-worked strings, the
// one-pass count against the definition on random strings (fast-check), sampling, and one process
// cut out of a `# vmos refs v1` trace.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/sim/patterns.js";
import { refString } from "../../src/sim/refs.js";
import { parseTrace } from "../../src/sim/trace.js";
import { defaultSampleEvery, pidsInOrder, processRefs, workingSetSizes } from "../../src/sim/wss.js";

/** |W(t, tau)| for every t = 1..length, from the definition: distinct pages among references t-tau+1..t. */
function naive(pages: readonly number[], tau: number): number[] {
  return pages.map((_, i) => new Set(pages.slice(Math.max(0, i + 1 - tau), i + 1)).size);
}

/** Every |W(t, tau)| of `pages` (sampled at every reference). */
const sizes = (pages: number[], tau: number): number[] => Array.from(workingSetSizes(refString(pages), tau, 1).sizes);

function trace(text: string) {
  const r = parseTrace(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.refs;
}

describe("workingSetSizes", () => {
  it("counts the distinct pages of the last tau references (1,2,1,3,4,1 with tau 3)", () => {
    // t  window (refs t-2..t)  W
    // 1  1                     {1}      1   (fewer than tau references so far: the window is all of them)
    // 2  1 2                   {1,2}    2
    // 3  1 2 1                 {1,2}    2
    // 4  2 1 3                 {1,2,3}  3
    // 5  1 3 4                 {1,3,4}  3
    // 6  3 4 1                 {1,3,4}  3
    const ws = workingSetSizes(refString([1, 2, 1, 3, 4, 1]), 3);
    expect(Array.from(ws.times)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(ws.sizes)).toEqual([1, 2, 2, 3, 3, 3]);
    expect(ws.mean).toBeCloseTo(14 / 6, 12);
    expect([ws.max, ws.maxAt]).toEqual([3, 4]);
  });

  it("grows at a change of locality, while the window holds both phases (1,2,3 then 4, tau 4)", () => {
    // Locality {1,2,3} for six references, then {4}, then back to 1.
    // t   1  2  3  4  5  6  7  8  9 10 11
    // ref 1  2  3  1  2  3  4  4  4  4  1
    // window (last 4)            W
    // t=4  1 2 3 1               {1,2,3}     3
    // t=6  3 1 2 3               {1,2,3}     3
    // t=7  1 2 3 4               {1,2,3,4}   4   the old locality and the new: the peak
    // t=8  2 3 4 4               {2,3,4}     3
    // t=9  3 4 4 4               {3,4}       2
    // t=10 4 4 4 4               {4}         1
    // t=11 4 4 4 1               {1,4}       2
    // mean (1+2+3+3+3+3+4+3+2+1+2)/11 = 27/11
    const ws = workingSetSizes(refString([1, 2, 3, 1, 2, 3, 4, 4, 4, 4, 1]), 4);
    expect(Array.from(ws.sizes)).toEqual([1, 2, 3, 3, 3, 3, 4, 3, 2, 1, 2]);
    expect(ws.mean).toBeCloseTo(27 / 11, 12);
    expect([ws.max, ws.maxAt]).toEqual([4, 7]);
  });

  it("is 1 throughout with tau 1, and the distinct pages so far when tau covers the whole string", () => {
    const pages = [5, 5, 2, 7, 2, 5, 9];
    expect(sizes(pages, 1)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(sizes(pages, 7)).toEqual([1, 1, 2, 3, 3, 3, 4]);
    expect(sizes(pages, 1000)).toEqual([1, 1, 2, 3, 3, 3, 4]);
  });

  it("is min(t, tau) on a loop over more pages than tau, and the loop's size once tau covers it", () => {
    const loop = generate({ pattern: "loop", pages: 8, length: 40, seed: 0 });
    expect(Array.from(workingSetSizes(loop, 5, 1).sizes)).toEqual(Array.from({ length: 40 }, (_, i) => Math.min(i + 1, 5)));
    expect(Array.from(workingSetSizes(loop, 12, 1).sizes)).toEqual(Array.from({ length: 40 }, (_, i) => Math.min(i + 1, 8)));
  });

  it("an empty string has no samples and a mean and maximum of 0", () => {
    expect(workingSetSizes(refString([]), 3)).toEqual({ tau: 3, sampleEvery: 1, times: new Int32Array(0), sizes: new Int32Array(0), mean: 0, max: 0, maxAt: 0 });
  });

  it("rejects a window or a sample interval below 1", () => {
    expect(() => workingSetSizes(refString([1]), 0)).toThrow(RangeError);
    expect(() => workingSetSizes(refString([1]), 1.5)).toThrow(RangeError);
    expect(() => workingSetSizes(refString([1]), 1, 0)).toThrow(RangeError);
  });

  it("agrees with the definition on random strings, at every t and at every sample", () => {
    const pages = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(pages, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 }), (r, tau, every) => {
        const want = naive(r, tau);
        const all = workingSetSizes(refString(r), tau, 1);
        expect(Array.from(all.sizes)).toEqual(want);
        expect(all.mean).toBeCloseTo(want.reduce((a, b) => a + b, 0) / want.length, 9);
        expect(all.max).toBe(Math.max(...want));
        expect(all.maxAt).toBe(want.indexOf(all.max) + 1);
        const sampled = workingSetSizes(refString(r), tau, every);
        const times = want.map((_, i) => i + 1).filter((t) => t % every === 0 || t === r.length);
        expect(Array.from(sampled.times)).toEqual(times);
        expect(Array.from(sampled.sizes)).toEqual(times.map((t) => want[t - 1]));
        expect([sampled.mean, sampled.max]).toEqual([all.mean, all.max]); // over every t, not the samples
      }),
    );
  });

  it("takes time linear in the length, whatever the window", () => {
    // A million references over 100,000 pages with a window of half a million: counting the window
    // afresh at every t would take about 10^11 steps.
    const r = generate({ pattern: "random", pages: 100_000, length: 1_000_000, seed: 1 });
    const start = performance.now();
    const ws = workingSetSizes(r, 500_000);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(ws.max).toBeLessThanOrEqual(100_000);
    expect(ws.sizes.length).toBe(100);
  });
});

describe("sampling", () => {
  it("samples every reference up to 100 references, else about 100 times, always at the last reference", () => {
    expect([1, 100, 101, 10_000, 12_345].map(defaultSampleEvery)).toEqual([1, 1, 2, 100, 124]);
    const ws = workingSetSizes(generate({ pattern: "loop", pages: 10, length: 12_345, seed: 0 }), 5);
    expect(ws.times.length).toBe(100);
    expect([ws.times[0], ws.times[98], ws.times[99]]).toEqual([124, 12_276, 12_345]);
    expect(Array.from(workingSetSizes(refString([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 3, 4).times)).toEqual([4, 8, 10]);
  });
});

describe("one process of a `# vmos refs v1` trace", () => {
  const text = "# vmos refs v1\n2 0x10\n1 0x10\n1 0x11\n2 0x20\n1 0x10\n2 0x10\n1 0x12\n";

  it("finds each page's pid, and the pids in order of first reference", () => {
    const refs = trace(text);
    const pids = refs.pids!;
    expect(Array.from(pids)).toEqual([2, 1, 1, 2, 1]); // ids: 2:0x10, 1:0x10, 1:0x11, 2:0x20, 1:0x12
    expect(pidsInOrder(refs, pids)).toEqual([2, 1]);
  });

  it("has no pids in a plain trace or a generated string", () => {
    expect(trace("1\n2\n1\n").pids).toBeUndefined();
    expect(generate({ pattern: "zipf", pages: 10, length: 20, seed: 0 }).pids).toBeUndefined();
  });

  it("measures a process in its own virtual time: other processes' references do not age its pages", () => {
    const refs = trace(text);
    const pids = refs.pids!;
    const one = processRefs(refs, pids, 1);
    expect(Array.from(one.pages, one.label)).toEqual(["1:0x10", "1:0x11", "1:0x10", "1:0x12"]);
    // pid 1's own string is 0x10 0x11 0x10 0x12; with tau 2: {10} {10,11} {10,11} {10,12}.
    expect(Array.from(workingSetSizes(one, 2).sizes)).toEqual([1, 2, 2, 2]);
    const two = processRefs(refs, pids, 2);
    // pid 2: 0x10 0x20 0x10: {10} {10,20} {10,20}.
    expect(Array.from(workingSetSizes(two, 2).sizes)).toEqual([1, 2, 2]);
    expect(processRefs(refs, pids, 7).pages.length).toBe(0);
  });

  it("keeps each kept reference's write flag", () => {
    const refs = trace("# vmos refs v1\n1 0x10 w\n2 0x10 w\n1 0x11\n1 0x10 w\n");
    const one = processRefs(refs, refs.pids!, 1);
    expect(Array.from(one.writes!)).toEqual([1, 0, 1]);
  });
});
