// Kernel events as an indented call graph, in the style of ftrace's function_graph tracer:
//
//   pid 1  cycle     1234 | do_page_fault(addr=0x00012000 write) {
//   pid 1  cycle     1234 |   find_vma = 0x00011000-0x00013000
//   pid 1  cycle     1240 |   handle_mm_fault() {
//   ...
//   pid 1  cycle     1300 | }
//
// A function with nothing inside it prints on one line: `name(args) = result;`.

import type { TraceEvent, TraceSink } from "../../kernel/trace.js";

export class GraphTraceSink implements TraceSink {
  private depth = 0;
  /** An `enter` not printed yet: if its `exit` comes next, both fit on one line. */
  private pending: TraceEvent | undefined;

  constructor(private readonly write: (line: string) => void) {}

  private line(e: TraceEvent, depth: number, text: string): void {
    this.write(`pid ${String(e.pid).padEnd(3)} cycle ${String(e.cycle).padStart(10)} | ${"  ".repeat(depth)}${text}\n`);
  }

  private flushPending(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.line(p, this.depth, `${p.name}(${p.detail}) {`);
    this.depth++;
  }

  event(e: TraceEvent): void {
    if (e.kind === "exit" && this.pending !== undefined && this.pending.name === e.name) {
      const p = this.pending;
      this.pending = undefined;
      this.line(p, this.depth, `${p.name}(${p.detail})${e.detail ? ` ${e.detail}` : ""};`);
      return;
    }
    this.flushPending();
    if (e.kind === "enter") {
      this.pending = e;
    } else if (e.kind === "exit") {
      this.depth = Math.max(0, this.depth - 1);
      this.line(e, this.depth, `}${e.detail ? ` ${e.detail}` : ""}  /* ${e.name} */`);
    } else {
      this.line(e, this.depth, e.name);
    }
  }

  close(): void {
    this.flushPending();
  }
}
