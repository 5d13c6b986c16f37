// Kernel events as Chrome trace event JSON (the format Perfetto, ui.perfetto.dev, opens): enter/exit
// become "B"/"E" duration events and notes become instant events, on a timeline of simulated
// microseconds (cycles / 1000 at 1 GHz), one track per pid.

import type { TraceEvent, TraceSink } from "../../kernel/trace.js";

export class ChromeTraceSink implements TraceSink {
  private first = true;

  /** `write` receives the JSON text in pieces; the last piece comes from close(). */
  constructor(private readonly write: (text: string) => void) {
    this.write('{"displayTimeUnit":"ns","traceEvents":[\n');
  }

  event(e: TraceEvent): void {
    const ph = e.kind === "enter" ? "B" : e.kind === "exit" ? "E" : "i";
    const record: Record<string, unknown> = { name: e.name, cat: e.category, ph, ts: e.cycle / 1000, pid: 1, tid: e.pid };
    if (e.detail) record.args = { detail: e.detail };
    if (ph === "i") record.s = "t";
    this.write(`${this.first ? "" : ",\n"}${JSON.stringify(record)}`);
    this.first = false;
  }

  close(): void {
    this.write("\n]}\n");
  }
}

/** Send every event to each of `sinks`. */
export class TeeTraceSink implements TraceSink {
  constructor(private readonly sinks: TraceSink[]) {}

  event(e: TraceEvent): void {
    for (const s of this.sinks) s.event(e);
  }

  close(): void {
    for (const s of this.sinks) s.close();
  }
}
