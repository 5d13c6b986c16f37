// Reference strings from files. Two formats, told apart by the first line:
//
//   plain: one page per line, decimal or 0x-hexadecimal, optionally followed (with or without a
//   space) by flags: W (the reference writes) and F (the page is file-backed), in either case.
//       7
//       0x1f W
//       3w
//
//   `# vmos refs v1` (what `vmos run --record-refs FILE` writes): after that header, one reference
//   per line as `PID VPN [FLAGS]`, PID in decimal, VPN (the virtual page number, va >> 12) in
//   0x-hexadecimal or decimal, FLAGS as above. The simulator names the page (PID, VPN), printed as
//   `PID:0xVPN`; processes' pages are distinct even at the same VPN (shared memory is not
//   recognised as shared).
//       # vmos refs v1
//       1 0x10
//       1 0x7ffff w
//       2 0x10 wf
//
// In both, blank lines and lines starting with `#` are skipped. Pages get dense ids in order of
// first appearance.

import type { RefString } from "./refs.js";

export const REFS_HEADER = "# vmos refs v1";

export interface TraceError {
  line: number;
  message: string;
}

export type TraceResult = { ok: true; refs: RefString } | { ok: false; error: TraceError };

const VPN_LIMIT = 1 << 20; // Sv32: 20-bit virtual page numbers
const PAGE_RE = /^(0x[0-9a-f]+|\d+)\s*([wf]*)$/i;
const REF_RE = /^(\d+)\s+(0x[0-9a-f]+|\d+)(?:\s+([wf]+))?$/i;

/** Parse a trace file's text. Errors name the first bad line. */
export function parseTrace(text: string): TraceResult {
  const lines = text.split(/\r?\n/);
  const versioned = lines.find((l) => l.trim() !== "")?.trim() === REFS_HEADER;
  const idOf = new Map<number, number>();
  const labels: string[] = [];
  const file: number[] = [];
  const pidOf: number[] = [];
  const pages: number[] = [];
  const writes: number[] = [];
  let anyWrite = false;
  let anyFile = false;

  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    let key: number;
    let label: string;
    let flags: string;
    let pid = 0;
    if (versioned) {
      const m = REF_RE.exec(line);
      if (m === null) return fail(n, `expected 'PID VPN [w][f]', found '${line}'`);
      pid = Number(m[1]);
      const vpn = Number(m[2]);
      if (vpn >= VPN_LIMIT) return fail(n, `VPN ${m[2]} is beyond Sv32's 20 bits`);
      key = pid * VPN_LIMIT + vpn;
      label = `${pid}:0x${vpn.toString(16)}`;
      flags = m[3] ?? "";
    } else {
      const m = PAGE_RE.exec(line);
      if (m === null) return fail(n, `expected a page number with optional W or F, found '${line}'`);
      key = Number(m[1]);
      if (!Number.isSafeInteger(key)) return fail(n, `page number ${m[1]} is too large`);
      label = m[1]!;
      flags = m[2]!;
    }
    let id = idOf.get(key);
    if (id === undefined) {
      id = labels.length;
      idOf.set(key, id);
      labels.push(label);
      file.push(0);
      pidOf.push(pid);
    }
    const lower = flags.toLowerCase();
    const w = lower.includes("w") ? 1 : 0;
    if (lower.includes("f")) file[id] = 1;
    anyWrite ||= w === 1;
    anyFile ||= lower.includes("f");
    pages.push(id);
    writes.push(w);
  }
  return {
    ok: true,
    refs: {
      pages: Int32Array.from(pages),
      ids: labels.length,
      writes: anyWrite ? Uint8Array.from(writes) : undefined,
      fileBacked: anyFile ? Uint8Array.from(file) : undefined,
      pids: versioned ? Int32Array.from(pidOf) : undefined,
      label: (id) => labels[id]!,
    },
  };
}

function fail(index: number, message: string): TraceResult {
  return { ok: false, error: { line: index + 1, message } };
}
