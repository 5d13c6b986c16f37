// The guest's fds 0-2 are the host's stdin, stdout and stderr, written and read synchronously
// (the machine is synchronous). Pipes may be non-blocking: EAGAIN waits a little and tries again.

import { readSync, writeSync } from "node:fs";
import type { ConsoleIo } from "../../kernel/kernel.js";

const pause = new Int32Array(new SharedArrayBuffer(4));

function retryOnEagain<T>(f: () => T): T {
  for (;;) {
    try {
      return f();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Atomics.wait(pause, 0, 0, 5); // wait 5 ms without burning the CPU
    }
  }
}

export function hostConsole(log: (line: string) => void): ConsoleIo {
  return {
    write(fd, data) {
      let done = 0;
      while (done < data.length) done += retryOnEagain(() => writeSync(fd, data, done, data.length - done));
    },
    read(max) {
      const buf = Buffer.alloc(max);
      try {
        const n = retryOnEagain(() => readSync(0, buf, 0, max, null));
        return buf.subarray(0, n);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EOF") return new Uint8Array(0);
        throw err;
      }
    },
    log,
  };
}

/** A console that discards what the guest writes and gives it end-of-file on stdin (OPT's recording run, experiments, benchmarks, tests). */
export function silentConsole(): ConsoleIo {
  return { write() {}, read: () => new Uint8Array(0), log() {} };
}
