// Diagnostics: the assembler's user interface. Errors are values with a location, collected so that one
// run reports every problem, and printed once at the edge (the CLI) in GNU's shape:
//   hello.s:3:5: error: unknown instruction 'ad'; did you mean 'add'?
//       ad a0, a1, a2
//       ^

import type { SourcePos } from "./ast.js";

export type Severity = "error" | "warning";

export interface Diagnostic extends SourcePos {
  severity: Severity;
  message: string;
}

/** Collects diagnostics for one assembly run. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];

  error(pos: SourcePos, message: string): void {
    this.list.push({ ...pos, severity: "error", message });
  }

  warning(pos: SourcePos, message: string): void {
    this.list.push({ ...pos, severity: "warning", message });
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === "error").length;
  }
}

/**
 * `file:line:col: severity: message`, then the source line and a caret under the column.
 * `sources` maps file names to their text, for the excerpt.
 */
export function formatDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
  const text = sources.get(d.file);
  if (text === undefined || d.line < 1) return head;
  const lineText = sourceLine(text, d.line);
  if (lineText === undefined) return head;
  const caretPad = lineText.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, " ");
  return `${head}\n    ${lineText}\n    ${caretPad}^`;
}

function sourceLine(text: string, line: number): string | undefined {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf("\n", start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, "");
}

/** Closest candidate to `word` by edit distance, if it is close enough to be a useful suggestion. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
