// The linux policy's moves, as mm/swap.c and mm/vmscan.c make them, worked by hand. Lists are
// written head (newest) first; "PG" = PG_referenced, "A" = the PTE accessed bit (host R).

import { describe, expect, it } from "vitest";
import { linux } from "../../../kernel/mm/policy/linux.js";
import { run, ScriptedHost } from "./helpers.js";

function setup(keys: number[], file: number[] = []): { p: ReturnType<typeof linux>; host: ScriptedHost } {
  const host = new ScriptedHost();
  for (const k of file) host.F.add(k);
  const p = linux({ frames: keys.length, seed: 0 });
  for (const k of keys) p.insert(k, host);
  return { p, host };
}

describe("linux", () => {
  it("looks twice at a mapped page: the fault's A bit alone does not save it, a second use does", () => {
    // In the simulator every fault leaves A set. 1 2 3: inactive 3 2 1, all A.
    // 4: tail 1 (A, no PG) keep + PG; 2, 3 likewise; 1 again: no A, PG: reclaim 1 -> inactive 4 3 2.
    // 2 hits (A). 5: tail 2: A and PG: activate (active: 2); tail 3: no A, PG: reclaim 3.
    // 6: 4 and 5 kept once (A from their faults), then 4 reclaimed. 7: 5 (PG, no A) reclaimed.
    // 8: 6 kept once, 7 kept once, 6 reclaimed. Page 2 stays active throughout.
    expect(run("linux", [1, 2, 3, 4, 2, 5, 6, 7, 8], 3)).toEqual({ faults: 8, victims: [1, 3, 4, 5, 6], writebacks: 0 });
  });

  it("page_check_references: A bit -> keep and set PG; A and PG -> activate; neither -> reclaim", () => {
    const { p, host } = setup([1, 2, 3]); // inactive 3 2 1
    host.R.add(1).add(2).add(3);
    expect(p.victim(host)).toBe(1); // each kept once (PG set), then 1 has PG but no A: anon -> reclaim
    p.insert(4, host); // inactive 4 3 2
    host.R.add(2);
    expect(p.victim(host)).toBe(3); // 2: A and PG -> active; 3: PG, no A -> reclaim
    expect(p.victim(host)).toBe(4); // inactive 4, active 2: not low; 4 has nothing
    expect(p.victim(host)).toBe(2); // inactive empty: 2 deactivated, then reclaimed
    expect(p.victim(host)).toBeNull();
  });

  it("mark_page_accessed activates on the second use; the active list shrinks only when inactive runs low", () => {
    const { p, host } = setup([1, 2, 3, 4]);
    for (const k of [1, 2, 3]) {
      p.markAccessed!(k, host); // inactive,unreferenced -> inactive,referenced
      p.markAccessed!(k, host); // -> active,unreferenced
    }
    // active 3 2 1, inactive 4: low (1 < 3): deactivate 1 -> inactive 1 4; 2 < 2 is not low.
    expect(p.victim(host)).toBe(4);
    // inactive 1, active 3 2: deactivate 2 -> inactive 2 1; reclaim 1 (PG was cleared on activation).
    expect(p.victim(host)).toBe(1);
    expect(p.victim(host)).toBe(2);
    expect(p.victim(host)).toBe(3);
  });

  it("scans file pages before anonymous ones in the ratio 140 : 60 (vm_swappiness)", () => {
    const anon = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const file = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    const { p, host } = setup([...anon, ...file], file);
    // pages scanned (anon, file) before each choice; file while file * 60 <= anon * 140:
    // (0,0) F | (0,1) A | (1,1) F | (1,2) F | (1,3) A | (2,3) F | (2,4) F | (2,5) A | (3,5) F | (3,6) F
    const victims = Array.from({ length: 10 }, () => p.victim(host));
    expect(victims).toEqual([11, 1, 12, 13, 2, 14, 15, 3, 16, 17]);
  });

  it("keeps a dirty file page whose only mark is PG_referenced (PAGEREF_RECLAIM_CLEAN)", () => {
    const { p, host } = setup([1, 2], [1, 2]); // inactive 2 1
    host.D.add(1);
    p.markAccessed!(1, host);
    expect(p.victim(host)).toBe(2); // 1: PG, dirty: kept (PG cleared); 2: reclaim
    expect(p.victim(host)).toBe(1); // now nothing saves it; the host writes it back

    const clean = setup([1, 2], [1, 2]);
    clean.p.markAccessed!(1, clean.host);
    expect(clean.p.victim(clean.host)).toBe(1); // clean: reclaimed at once
  });
});
