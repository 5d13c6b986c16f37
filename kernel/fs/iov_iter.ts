// Linux: lib/iov_iter.c and include/uapi/linux/uio.h. An iov_iter walks a vector of user buffers
// (struct iovec) as one stream of bytes, so that a file's read_iter/write_iter moves data without
// caring how the caller cut it up: read() and write() pass one buffer, readv() and writev() many.
//
//   iov: | base0, len0 | base1, 0 (skipped) | base2, len2 |
//            ^ seg, iov_offset: where the next byte goes or comes from; count: bytes left

import type { task_struct } from "../proc/task.js";
import { copy_from_user, copy_to_user } from "../syscalls/uaccess.js";

/** Linux: include/uapi/linux/uio.h struct iovec: one user buffer of a readv/writev. */
export interface iovec {
  iov_base: number;
  iov_len: number;
}

/**
 * Linux: struct iov_iter over user iovecs (ITER_IOVEC): where the next byte of a read goes, or the
 * next byte of a write comes from. `count` is what is left; zero-length segments are skipped.
 */
export class iov_iter {
  private seg = 0;
  private iov_offset = 0;

  constructor(readonly iov: readonly iovec[], public count: number) {}

  /** One buffer, as read() and write() pass it. */
  static single(buf: number, len: number): iov_iter {
    return new iov_iter([{ iov_base: buf, iov_len: len }], len);
  }

  /** Linux: iov_iter_advance(): skip `n` bytes (n <= count). */
  advance(n: number): void {
    this.count -= n;
    while (n > 0) {
      const seg = this.iov[this.seg]!;
      const step = Math.min(n, seg.iov_len - this.iov_offset);
      this.iov_offset += step;
      n -= step;
      if (this.iov_offset === seg.iov_len) {
        this.seg++;
        this.iov_offset = 0;
      }
    }
  }

  /** The user buffers under the next `n` bytes, as [address, length] runs (n <= count). */
  private *runs(n: number): Generator<[number, number]> {
    let seg = this.seg, off = this.iov_offset;
    while (n > 0) {
      const s = this.iov[seg]!;
      const step = Math.min(n, s.iov_len - off);
      if (step > 0) yield [(s.iov_base + off) >>> 0, step];
      n -= step;
      seg++;
      off = 0;
    }
  }

  /** Linux: copy_page_from_iter(), all or nothing: the next `n` bytes, or null on a fault (nothing consumed). */
  copy_from_user(task: task_struct, n: number): Uint8Array | null {
    const out = new Uint8Array(n);
    let done = 0;
    for (const [va, len] of this.runs(n)) {
      const bytes = copy_from_user(task.mm!, task, va, len);
      if (bytes === null) return null;
      out.set(bytes, done);
      done += len;
    }
    this.advance(n);
    return out;
  }

  /** Linux: copy_page_to_iter(): store `src` (at most count bytes); returns the bytes stored before any fault. */
  copy_to_user(task: task_struct, src: Uint8Array): number {
    let done = 0;
    for (const [va, len] of this.runs(src.length)) {
      const missed = copy_to_user(task.mm!, task, va, src.subarray(done, done + len));
      done += len - missed;
      if (missed > 0) break;
    }
    this.advance(done);
    return done;
  }
}
