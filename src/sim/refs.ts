// A reference string as the simulator runs it: the page of every reference as a dense id (so that
// per-page state is a typed array, not a map), which references write, which pages are file-backed,
// and how to print a page. Built by patterns.ts (generated strings) and trace.ts (files).

export interface RefString {
  /** The page of each reference: an id in [0, ids). */
  readonly pages: Int32Array;
  /** Size of the id space (every id in pages is below it). */
  readonly ids: number;
  /** 1 where the reference is a write (it dirties the page); absent when none is. */
  readonly writes?: Uint8Array;
  /** Per id, 1 if the page is file-backed (else anonymous); absent when none is. */
  readonly fileBacked?: Uint8Array;
  /** Per id, the process whose page it is (`# vmos refs v1` traces); absent for strings without pids. */
  readonly pids?: Int32Array;
  /** The page's name as the user wrote it: "7", "0x1f", "12:0x10" (pid:vpn). */
  label(id: number): string;
}

/** Distinct pages referenced. */
export function distinctPages(refs: RefString): number {
  const seen = new Uint8Array(refs.ids);
  let n = 0;
  for (const p of refs.pages) {
    if (seen[p] === 0) n++;
    seen[p] = 1;
  }
  return n;
}

/** A reference string from page numbers (small, for tests): pages as their own ids; writes optional. */
export function refString(pages: readonly number[], writes?: readonly boolean[]): RefString {
  const ids = pages.reduce((a, b) => Math.max(a, b + 1), 0);
  return {
    pages: Int32Array.from(pages),
    ids,
    writes: writes === undefined ? undefined : Uint8Array.from(writes, (w) => (w ? 1 : 0)),
    label: (id) => String(id),
  };
}
