// Linux: struct file, reduced to what exec needs now: an executable's bytes, read page by page when a
// file-backed VMA faults. The VFS, the page cache and writeback arrive with the filesystem issue.

import type { Kernel } from "../kernel.js";

/** Linux: struct file (with its inode's data, which for now is the whole file in memory). */
export class file {
  /** Linux: f_count. Mappings hold a reference, as Linux's vma->vm_file does. */
  f_count = 1;

  constructor(readonly path: string, readonly data: Uint8Array) {}
}

/** Linux: get_file(). */
export function get_file(f: file): file {
  f.f_count++;
  return f;
}

/** Linux: fput(). */
export function fput(f: file): void {
  f.f_count--;
}

/**
 * Linux: a_ops->readpage(): fill frame `pfn` with page `index` of the file; bytes past the end of the
 * file read as zero (so a mapping that runs past EOF sees zeros, as Linux's last page does).
 */
export function file_readpage(k: Kernel, f: file, index: number, pfn: number): void {
  const ram = k.machine.ram;
  const start = index * 4096;
  const bytes = f.data.subarray(Math.min(start, f.data.length), Math.min(start + 4096, f.data.length));
  ram.zeroFrame(pfn);
  if (bytes.length > 0) ram.writeBytes(pfn * 4096, bytes);
}
