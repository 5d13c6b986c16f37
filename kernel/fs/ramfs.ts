// Files whose bytes the kernel holds in memory, not on the host directory: a program given to the
// kernel as bytes (the CLI's assembled .s files, tests' programs), and the [vdso] page. Linux has no
// exact counterpart; the nearest is an initramfs file or a memfd. They are read-only and reach the
// guest only through mappings and exec, so their data goes through the page cache like any file's:
// two processes running the same program share its text frames.

import type { Kernel } from "../kernel.js";
import { address_space, inode, S_IFREG, super_block, type address_space_operations, type inode_operations } from "./inode.js";

/** The anonymous filesystem of in-memory files (device 00:00 in /proc/PID/maps, as Linux's pseudo filesystems). */
const sbs = new WeakMap<Kernel, super_block>();

function ramfs_sb(k: Kernel): super_block {
  let sb = sbs.get(k);
  if (sb === undefined) sbs.set(k, (sb = new super_block(k, "ramfs", 0, 0)));
  return sb;
}

const ramfs_aops: address_space_operations = {
  readpage(k: Kernel, mapping: address_space, index: number, pfn: number): number {
    const bytes = mapping.host.i_private as Uint8Array;
    const start = Math.min(index * 4096, bytes.length);
    const ram = k.machine.ram;
    ram.zeroFrame(pfn);
    const data = bytes.subarray(start, Math.min(start + 4096, bytes.length));
    if (data.length > 0) ram.writeBytes(pfn * 4096, data);
    return 0; // memory: no I/O time
  },
  writepage: () => -30, // -EROFS: nothing writes these files
  direct_read(_k: Kernel, mapping: address_space, pos: number, dst: Uint8Array): number {
    const bytes = (mapping.host.i_private as Uint8Array).subarray(pos, pos + dst.length);
    dst.set(bytes);
    return bytes.length;
  },
};

const ramfs_iops: inode_operations = {};

let next_ino = 1;

/**
 * A read-only in-memory file holding `bytes`. `ino` 0 keeps Linux's "no inode" look for special
 * mappings ([vdso]); otherwise a number unique in this process. The caller holds one reference.
 */
export function ramfs_inode(k: Kernel, bytes: Uint8Array, ino = next_ino++): inode {
  const node = new inode(ramfs_sb(k), ino, S_IFREG | 0o555, ramfs_iops, ramfs_aops);
  node.i_size = bytes.length;
  node.i_nlink = 0; // no name anywhere: evicted when the last holder lets go
  node.i_private = bytes;
  return node;
}
