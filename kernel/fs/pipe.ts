// Linux: fs/pipe.c. A pipe is a ring of buffers inside the kernel; each buffer is one page of RAM
// holding a run of bytes (offset, len) that were written and not yet read. Writers fill slots at
// `head`, readers empty them from `tail`:
//
//              tail                                  head
//               v                                      v
//   bufs: | page off,len | page 0,4096 | page 0,17 | (free) ... |   16 slots (PIPE_DEF_BUFFERS; F_SETPIPE_SZ changes it)
//           being read     full          last: a small write merges into it
//
// A frame is taken from the buddy allocator when a write needs a new slot (alloc_page) and given back
// when a reader empties the slot (put_page), or when the last file of the pipe is closed. Each buffer
// holds one reference on its page; the invariant checker counts them through Kernel.page_holders.
//
// pipe(7)'s rules, as pipe_read() and pipe_write() make them:
//   - a write of at most PIPE_BUF (4096) bytes goes into one slot, whole, or waits: it is atomic;
//   - a larger blocking write writes everything, sleeping whenever the ring is full; only a signal
//     cuts it short, and then it returns the bytes written so far;
//   - a read returns what is there (at least a byte), sleeping only while the pipe is empty;
//     0 (end of file) once it is empty and no writer is left;
//   - O_NONBLOCK gives -EAGAIN instead of sleeping; a write with no reader left gets SIGPIPE and -EPIPE.
//
// Sleeping in the middle of a write. Linux's pipe_write() sleeps inside the kernel and goes on where
// it stopped. vmos has no kernel stacks to sleep on: a call that sleeps returns, and the task runs
// its ecall again when woken (SYSCALL_RESTART). That fits while nothing has been written (Linux
// returns -ERESTARTSYS then too). Once part of a large write is in the pipe it does not: running the
// call again from the start would write those bytes twice, and a signal must not turn the call into
// -EINTR, since Linux returns the bytes written. So such a writer sleeps *as if its write had been
// short*: pc after the ecall, a0 = the bytes written so far, which is what a signal makes it return.
// vmos keeps the call's progress (partial_write). When a reader makes room (or the last reader
// leaves), the wake-up turns the task back into one inside the call (resume_partial_write): pc on
// the ecall again, a0 the fd again, and the repeated call carries on from its progress.

import { BUG_ON } from "../bug.js";
import type { Kernel } from "../kernel.js";
import { PAGE_SIZE, type page } from "../mm/page.js";
import { alloc_page, put_page } from "../mm/page_alloc.js";
import { notify_parent_hooks } from "../proc/exit.js";
import { send_signal, signal_pending } from "../proc/signal.js";
import { SI_USER, SIGPIPE } from "../proc/signal_types.js";
import type { task_struct } from "../proc/task.js";
import { sleep_current, wake_up_process } from "../sched/core.js";
import { EAGAIN, EBADF, EBUSY, EFAULT, EINVAL, ENOMEM, EPIPE } from "../syscalls/errno.js";
import { SYSCALL_RESTART } from "../syscalls/types.js";
import { file, FMODE_READ, FMODE_WRITE, type file_operations } from "./file.js";
import { iov_iter } from "./iov_iter.js";
import { O_NONBLOCK, O_RDONLY, O_WRONLY } from "./vfs.js";

/** Linux: PIPE_DEF_BUFFERS, the slots of a new pipe: 16 pages, 64 KiB. */
const PIPE_DEF_BUFFERS = 16;
/** Linux: O_DIRECT (asm-generic fcntl.h). On a pipe (pipe2, F_SETFL) it means packet mode. */
export const O_DIRECT = 0o40000;

// Linux: pipe_buffer flags.
const PIPE_BUF_FLAG_PACKET = 0x08; // read as a packet: a read takes it whole, or what fits of it
const PIPE_BUF_FLAG_CAN_MERGE = 0x10; // a later small write may append to it

/** Linux: struct pipe_buffer: `len` bytes at `offset` in `page`. */
class pipe_buffer {
  constructor(
    readonly page: page,
    public offset: number,
    public len: number,
    readonly flags: number,
  ) {}
}

/** Linux: wait_queue_head_t: the tasks asleep until something about the pipe changes. */
type wait_queue_head = Set<task_struct>;

/** Linux: struct pipe_inode_info. */
export class pipe_inode_info {
  /** Linux: head and tail, counters that only grow; slot = counter & (ring_size - 1). */
  head = 0;
  tail = 0;
  /**
   * Linux: max_usage (slots a writer may fill) and ring_size (slots in bufs, a power of two); both
   * change with F_SETPIPE_SZ (pipe_set_size).
   */
  max_usage = PIPE_DEF_BUFFERS;
  ring_size = PIPE_DEF_BUFFERS;
  bufs: (pipe_buffer | null)[] = new Array<pipe_buffer | null>(PIPE_DEF_BUFFERS).fill(null);
  /** Linux: readers, writers: open files for each end; files: open files of the pipe. */
  readers = 0;
  writers = 0;
  files = 0;
  /** Linux: rd_wait (readers waiting for data), wr_wait (writers waiting for room). */
  readonly rd_wait: wait_queue_head = new Set();
  readonly wr_wait: wait_queue_head = new Set();

  constructor(
    /** The kernel whose frames the buffers use (release() gets no Kernel). */
    readonly kernel: Kernel,
    /** Linux: the pipefs inode number, as in "pipe:[ino]". */
    readonly ino: number,
  ) {}
}

const pipe_empty = (p: pipe_inode_info): boolean => p.head === p.tail;
const pipe_full = (p: pipe_inode_info): boolean => p.head - p.tail >= p.max_usage;
const slot = (p: pipe_inode_info, counter: number): number => counter & (p.ring_size - 1);

/** Every live pipe of each kernel, for the invariant checker; and pipefs's next inode number. */
interface pipefs {
  pipes: Set<pipe_inode_info>;
  next_ino: number;
}
const pipefs_of = new WeakMap<Kernel, pipefs>();

/** The kernel's pipes, registering their pages with the checker the first time (one holder per kernel). */
function pipefs(k: Kernel): pipefs {
  let fs = pipefs_of.get(k);
  if (fs === undefined) {
    const pipes = new Set<pipe_inode_info>();
    fs = { pipes, next_ino: 1 };
    pipefs_of.set(k, fs);
    k.page_holders.push({ name: "pipe buffers", pages: () => pipe_pages(pipes) });
  }
  return fs;
}

function* pipe_pages(pipes: Set<pipe_inode_info>): Iterable<page> {
  for (const p of pipes) for (let i = p.tail; i !== p.head; i++) yield p.bufs[slot(p, i)]!.page;
}

/** The pipe behind a file of pipefifo_fops (Linux: file->private_data). */
export function get_pipe_info(f: file): pipe_inode_info | null {
  return f.private_data instanceof pipe_inode_info ? f.private_data : null;
}

/** The wait queue each sleeping task went to sleep on (a task sleeps in one place at a time). */
const waiting_on = new WeakMap<task_struct, wait_queue_head>();

/** Linux: prepare_to_wait() + schedule(): sleep on `q` until a wake_up of it. */
function pipe_wait(k: Kernel, task: task_struct, q: wait_queue_head, why: string): void {
  q.add(task);
  waiting_on.set(task, q);
  sleep_current(k, task, why);
}

/** Linux: finish_wait(): the task runs again; it is no longer waiting on the pipe. */
function finish_wait(task: task_struct, pipe: pipe_inode_info): void {
  pipe.rd_wait.delete(task);
  pipe.wr_wait.delete(task);
  waiting_on.delete(task);
}

/**
 * Linux: wake_up_interruptible_all(): wake every task still asleep on `q`. A task that a signal woke
 * meanwhile, and that may now sleep somewhere else, is only taken off the queue. Writers that slept
 * in the middle of a write on `pipe` are put back inside their call first.
 */
function wake_up_all(k: Kernel, q: wait_queue_head, pipe: pipe_inode_info): void {
  for (const t of [...q]) {
    q.delete(t);
    if (waiting_on.get(t) !== q || t.state !== "TASK_INTERRUPTIBLE") continue;
    waiting_on.delete(t);
    if (q === pipe.wr_wait) resume_partial_write(k, t);
    wake_up_process(k, t);
  }
}

/** A write that slept after putting part of its bytes into the pipe (see the top of this file). */
interface partial_write {
  pipe: pipe_inode_info;
  file: file;
  /** The ecall's address, and every register as the call saw them (a0 = the fd). */
  pc: number;
  regs: Int32Array;
  /** Bytes the whole call moves, and bytes already in the pipe. */
  count: number;
  written: number;
  /** The wake-up put the task back on its ecall: the next pipe_write is this call going on. */
  resumed: boolean;
}
const partial_writes = new WeakMap<task_struct, partial_write>();

/**
 * Sleep in the middle of a write, `written` of its bytes in the pipe: the task leaves the call as
 * if the write had been short (a0 = written) unless a wake-up resumes it. `task` must be current.
 */
function sleep_mid_write(k: Kernel, task: task_struct, pipe: pipe_inode_info, f: file, from: iov_iter, written: number): number {
  BUG_ON(k.current !== task, "pipe_write: sleeping task is not current (its registers are not the CPU's)");
  const cpu = k.machine.cpu;
  const count = written + from.count;
  partial_writes.set(task, { pipe, file: f, pc: (cpu.pc - 4) >>> 0, regs: cpu.x.slice(), count, written, resumed: false });
  pipe_wait(k, task, pipe.wr_wait, `pipe_write: pipe:[${pipe.ino}] is full, ${written} of ${count} bytes written`);
  cpu.x[10] = written; // what the task sees if a signal ends the sleep: Linux's short write
  return written;
}

/**
 * Put a task asleep in the middle of a pipe write back inside the call: pc on its ecall and its
 * registers as the call saw them, so that when it runs the write goes on. Nothing happens if the
 * task is not asleep there (its registers are not the ones sleep_mid_write left).
 */
function resume_partial_write(k: Kernel, t: task_struct): void {
  const w = partial_writes.get(t);
  if (w === undefined || w.resumed || t.state !== "TASK_INTERRUPTIBLE" || k.current === t) return;
  if (t.regs.pc !== ((w.pc + 4) >>> 0) || t.regs.x[10] !== w.written) return;
  t.regs.x.set(w.regs);
  t.regs.pc = w.pc;
  w.resumed = true;
  if (k.trace.sched) k.trace.note("sched", `pipe_write of ${t.comm}[${t.pid}] resumes at ${w.written} of ${w.count} bytes`);
}

// Linux wakes a parent for a child's exit only if it waits in wait() (__wake_up_parent); vmos's
// exit_notify wakes the parent whatever it sleeps in. A parent asleep in the middle of a pipe write
// must not take that for a signal: it goes back inside its write and sleeps again there.
notify_parent_hooks.push((k, _child, parent) => resume_partial_write(k, parent));

/**
 * The progress a resumed write made before it slept, if `task` is running that write again now
 * (same ecall, same registers, same file and length): the iterator skips those bytes. 0 otherwise.
 * Either way the record is used up.
 */
function take_partial_write(k: Kernel, task: task_struct, f: file, from: iov_iter): number {
  const w = partial_writes.get(task);
  if (w === undefined) return 0;
  partial_writes.delete(task);
  const cpu = k.machine.cpu;
  if (!w.resumed || w.file !== f || w.count !== from.count || w.pc !== ((cpu.pc - 4) >>> 0)) return 0;
  if (!w.regs.every((v, i) => v === cpu.x[i])) return 0;
  from.advance(w.written);
  return w.written;
}

/** Linux: send_sig(SIGPIPE, current, 0): the writer signals itself, as a user would (SI_USER). */
function send_sigpipe(k: Kernel, task: task_struct): void {
  send_signal(k, { si_signo: SIGPIPE, si_errno: 0, si_code: SI_USER, si_pid: task.pid, si_uid: 0 }, task);
}

/**
 * Linux: fs/pipe.c pipe_read(): copy up to `to.count` bytes out of the pipe, oldest first; a buffer
 * read to its end is freed with its frame. Returns the bytes read; 0 at end of file (empty, and no
 * writer left); -EAGAIN if empty with O_NONBLOCK; -EFAULT if nothing could be stored. An empty pipe
 * with a writer puts the task to sleep (SYSCALL_RESTART). From a packet pipe (O_DIRECT) a read takes
 * one packet at most, and what of it does not fit is dropped.
 */
export function pipe_read(k: Kernel, task: task_struct, f: file, to: iov_iter): number {
  const pipe = get_pipe_info(f)!;
  let total_len = to.count;
  if (total_len === 0) return 0;
  finish_wait(task, pipe);
  const ram = k.machine.ram;
  const was_full = pipe_full(pipe);
  let ret = 0;
  for (;;) {
    if (!pipe_empty(pipe)) {
      const i = slot(pipe, pipe.tail);
      const buf = pipe.bufs[i]!;
      const chars = Math.min(buf.len, total_len);
      const copied = to.copy_to_user(task, ram.readBytes(buf.page.pfn * PAGE_SIZE + buf.offset, chars));
      if (copied < chars) {
        if (ret === 0) ret = -EFAULT;
        break;
      }
      ret += chars;
      buf.offset += chars;
      buf.len -= chars;
      if (buf.flags & PIPE_BUF_FLAG_PACKET) {
        total_len = chars;
        buf.len = 0;
      }
      if (buf.len === 0) {
        put_page(k.zone, buf.page); // Linux: anon_pipe_buf_release()
        pipe.bufs[i] = null;
        pipe.tail++;
      }
      total_len -= chars;
      if (total_len === 0) break;
      if (!pipe_empty(pipe)) continue;
    }
    if (pipe.writers === 0) break;
    if (ret !== 0) break;
    if (f.f_flags & O_NONBLOCK) {
      ret = -EAGAIN;
      break;
    }
    if (was_full) wake_up_all(k, pipe.wr_wait, pipe);
    pipe_wait(k, task, pipe.rd_wait, `pipe_read: pipe:[${pipe.ino}] is empty`);
    return SYSCALL_RESTART;
  }
  if (was_full) wake_up_all(k, pipe.wr_wait, pipe);
  return ret;
}

/**
 * Linux: fs/pipe.c pipe_write(): append `from.count` bytes. The tail of the data (count % 4096)
 * first fills up the last buffer if it fits there whole; then each new slot gets a fresh page and
 * up to 4096 bytes. Returns the bytes written, all of them unless O_NONBLOCK or a signal cut it
 * short; -EPIPE (and SIGPIPE) with no reader; -EAGAIN when full with O_NONBLOCK; -EFAULT if nothing
 * could be read from the user; -ENOMEM when no frame is free. A full pipe puts the task to sleep:
 * SYSCALL_RESTART before any byte is written, sleep_mid_write() after.
 */
export function pipe_write(k: Kernel, task: task_struct, f: file, from: iov_iter): number {
  const pipe = get_pipe_info(f)!;
  if (from.count === 0) return 0;
  finish_wait(task, pipe);
  let ret = take_partial_write(k, task, f, from);
  const ram = k.machine.ram;
  const was_empty = pipe_empty(pipe);
  if (ret === 0) {
    if (pipe.readers === 0) {
      send_sigpipe(k, task);
      return -EPIPE;
    }
    // Merge the tail of the data into the last buffer, if it fits there whole.
    const chars = from.count & (PAGE_SIZE - 1);
    if (chars !== 0 && !was_empty) {
      const buf = pipe.bufs[slot(pipe, pipe.head - 1)]!;
      const offset = buf.offset + buf.len;
      if (buf.flags & PIPE_BUF_FLAG_CAN_MERGE && offset + chars <= PAGE_SIZE) {
        const data = from.copy_from_user(task, chars);
        if (data === null) return -EFAULT;
        ram.writeBytes(buf.page.pfn * PAGE_SIZE + offset, data);
        buf.len += chars;
        ret = chars;
      }
    }
  }
  while (from.count > 0) {
    if (pipe.readers === 0) {
      send_sigpipe(k, task);
      if (ret === 0) ret = -EPIPE;
      break;
    }
    if (!pipe_full(pipe)) {
      const p = alloc_page(k.zone);
      if (p === null) {
        if (ret === 0) ret = -ENOMEM;
        break;
      }
      // Linux puts the slot in the ring before copying: if the copy faults, the empty buffer stays
      // for a reader to drop or a later write to fill.
      const flags = f.f_flags & O_DIRECT ? PIPE_BUF_FLAG_PACKET : PIPE_BUF_FLAG_CAN_MERGE;
      const buf = new pipe_buffer(p, 0, 0, flags);
      pipe.bufs[slot(pipe, pipe.head)] = buf;
      pipe.head++;
      const n = Math.min(PAGE_SIZE, from.count);
      const data = from.copy_from_user(task, n);
      if (data === null) {
        if (ret === 0) ret = -EFAULT;
        break;
      }
      ram.writeBytes(p.pfn * PAGE_SIZE, data);
      buf.len = n;
      ret += n;
      continue;
    }
    if (f.f_flags & O_NONBLOCK) {
      if (ret === 0) ret = -EAGAIN;
      break;
    }
    if (signal_pending(task)) {
      if (ret === 0) ret = SYSCALL_RESTART; // Linux: -ERESTARTSYS
      break;
    }
    if (was_empty) wake_up_all(k, pipe.rd_wait, pipe);
    if (ret === 0) {
      pipe_wait(k, task, pipe.wr_wait, `pipe_write: pipe:[${pipe.ino}] is full`);
      return SYSCALL_RESTART;
    }
    return sleep_mid_write(k, task, pipe, f, from, ret);
  }
  if (was_empty) wake_up_all(k, pipe.rd_wait, pipe);
  return ret;
}

/**
 * Linux: fs/pipe.c pipe_release(): one end's file is closed for good. When the last reader or the
 * last writer goes (and the other side is still there), everyone asleep on the pipe wakes up to see
 * EOF or EPIPE. The last file frees the pipe and every page still in it.
 */
function pipe_release(f: file): void {
  const pipe = get_pipe_info(f)!;
  const k = pipe.kernel;
  if (f.f_mode & FMODE_READ) pipe.readers--;
  if (f.f_mode & FMODE_WRITE) pipe.writers--;
  if ((pipe.readers === 0) !== (pipe.writers === 0)) {
    wake_up_all(k, pipe.rd_wait, pipe);
    wake_up_all(k, pipe.wr_wait, pipe);
  }
  if (--pipe.files > 0) return;
  // Linux: put_pipe_info() -> free_pipe_info().
  for (let i = pipe.tail; i !== pipe.head; i++) put_page(k.zone, pipe.bufs[slot(pipe, i)]!.page);
  pipe.bufs.fill(null);
  pipe.tail = pipe.head;
  pipefs(k).pipes.delete(pipe);
}

/**
 * Linux: pipefifo_fops (read_iter, write_iter, release; no llseek: a pipe has no position, -ESPIPE).
 * read and write take one buffer; readv and writev hand the whole vector to read_iter/write_iter, so
 * a vector is one pipe operation, atomic up to PIPE_BUF, as in Linux.
 */
export const pipefifo_fops: file_operations & {
  read_iter: typeof pipe_read;
  write_iter: typeof pipe_write;
} = {
  read: (k, task, f, buf, count) => pipe_read(k, task, f, iov_iter.single(buf, count)),
  write: (k, task, f, buf, count) => pipe_write(k, task, f, iov_iter.single(buf, count)),
  read_iter: pipe_read,
  write_iter: pipe_write,
  release: pipe_release,
};

/**
 * Linux: fs/pipe.c create_pipe_files(): a new, empty pipe and its two files: [read end, write end].
 * The read end is O_RDONLY, the write end O_WRONLY, both O_NONBLOCK if `flags` has it; O_DIRECT
 * (packet mode) goes to the write end only, which is where Linux looks for it. Neither can seek.
 * No frame is allocated until data arrives.
 */
export function create_pipe_files(k: Kernel, flags: number): [file, file] {
  const fs = pipefs(k);
  const pipe = new pipe_inode_info(k, fs.next_ino++);
  fs.pipes.add(pipe);
  const name = `pipe:[${pipe.ino}]`;
  const wf = new file(name, new Uint8Array(0), pipefifo_fops, FMODE_WRITE);
  wf.f_flags = O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT));
  wf.private_data = pipe;
  const rf = new file(name, new Uint8Array(0), pipefifo_fops, FMODE_READ);
  rf.f_flags = O_RDONLY | (flags & O_NONBLOCK);
  rf.private_data = pipe;
  pipe.readers = 1;
  pipe.writers = 1;
  pipe.files = 2;
  return [rf, wf];
}

/** Linux: the fcntl commands of pipe_fcntl(). */
export const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;

/** Linux: round_pipe_size(): a size F_SETPIPE_SZ asks for, as whole pages, a power of two; 0 if too big. */
function round_pipe_size(size: number): number {
  if (size > 2 ** 31) return 0;
  if (size < PAGE_SIZE) return PAGE_SIZE;
  return 2 ** Math.ceil(Math.log2(size));
}

/**
 * Linux 5.15: pipe_fcntl(): F_GETPIPE_SZ gives the capacity in bytes; F_SETPIPE_SZ (pipe_set_size)
 * makes it `arg` bytes rounded up to a power-of-two number of pages and returns the new capacity:
 * -EINVAL above 2^31 bytes, -EBUSY if more slots are in use than the new size has. The 1 MiB
 * pipe-max-size and the per-user page limits do not apply: they spare root (CAP_SYS_RESOURCE), and
 * every task is root. -EBADF for a file that is not a pipe.
 */
export function pipe_fcntl(k: Kernel, f: file, cmd: number, arg: number): number {
  const pipe = get_pipe_info(f);
  if (pipe === null) return -EBADF;
  if (cmd === F_GETPIPE_SZ) return pipe.max_usage * PAGE_SIZE;
  const slots = round_pipe_size(arg >>> 0) / PAGE_SIZE;
  if (slots === 0) return -EINVAL;
  // Linux: pipe_resize_ring(): the buffers in use move, in order, to the start of a new ring.
  const used = pipe.head - pipe.tail;
  if (slots < used) return -EBUSY;
  const bufs = new Array<pipe_buffer | null>(slots).fill(null);
  for (let i = 0; i < used; i++) bufs[i] = pipe.bufs[slot(pipe, pipe.tail + i)]!;
  pipe.bufs = bufs;
  pipe.tail = 0;
  pipe.head = used;
  pipe.ring_size = pipe.max_usage = slots;
  wake_up_all(k, pipe.wr_wait, pipe); // there may be room now
  return pipe.max_usage * PAGE_SIZE;
}
