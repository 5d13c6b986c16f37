// Kernel tracing, in the spirit of ftrace's function_graph tracer: kernel functions announce entry
// and exit, and notable facts in between, so a student can watch a page fault go from
// do_page_fault() down to the PTE write. Events go to a sink (src/trace formats them); with tracing
// off nothing is built: every call site is guarded by a plain boolean (`if (trace.fault) ...`).

/** Event categories, chosen with --trace=fault,syscall,tlb,sched,mm,signal,vmscan. */
export type TraceCategory = "fault" | "syscall" | "tlb" | "sched" | "mm" | "signal" | "vmscan";

export const TRACE_CATEGORIES: readonly TraceCategory[] = ["fault", "syscall", "tlb", "sched", "mm", "signal", "vmscan"];

/** One event. `enter`/`exit` bracket a kernel function; `note` is a leaf fact inside one. */
export interface TraceEvent {
  kind: "enter" | "exit" | "note";
  category: TraceCategory;
  /** Kernel function name (enter/exit), or the fact's text (note). */
  name: string;
  /** Arguments or result, already formatted (`addr=0x00012000 cause=store`). */
  detail: string;
  pid: number;
  /** Simulated cycle count when the event happened. */
  cycle: number;
}

export interface TraceSink {
  event(e: TraceEvent): void;
  /** Called once when the machine stops. */
  close(): void;
}

/**
 * The kernel's tracer. Read the category flags before building an event:
 *   if (trace.fault) trace.enter("fault", "do_page_fault", `addr=${hex(addr)}`);
 */
export class Tracer {
  fault = false;
  syscall = false;
  tlb = false;
  sched = false;
  mm = false;
  signal = false;
  /** Reclaim: kswapd waking and sleeping, balance_pgdat and direct reclaim, what each list gave, OOM kills. */
  vmscan = false;
  /** Who is running and what time it is; the kernel keeps these current. */
  pid = 0;
  cycle: () => number = () => 0;

  constructor(private readonly sink?: TraceSink, categories: readonly TraceCategory[] = []) {
    if (sink) for (const c of categories) this[c] = true;
  }

  enter(category: TraceCategory, name: string, detail = ""): void {
    this.sink!.event({ kind: "enter", category, name, detail, pid: this.pid, cycle: this.cycle() });
  }

  exit(category: TraceCategory, name: string, detail = ""): void {
    this.sink!.event({ kind: "exit", category, name, detail, pid: this.pid, cycle: this.cycle() });
  }

  note(category: TraceCategory, text: string): void {
    this.sink!.event({ kind: "note", category, name: text, detail: "", pid: this.pid, cycle: this.cycle() });
  }

  close(): void {
    this.sink?.close();
  }
}

/** `0x0001b000`: addresses in traces and messages are 8 hex digits, as Linux prints them on rv32. */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}
