// The filesystem on the board's host-directory device (src/hw/hostdir.ts): Linux's 9p or virtiofs
// client, reduced. Each inode holds a device handle (a 9P fid); names are looked up one component at
// a time (the VFS resolves ".", ".." and symbolic links itself, inside the guest's root); file data
// moves a page at a time between the device and the page cache, costing COST.filePage of simulated
// time per page. The inode cache (super_block.s_inodes, by host inode number) makes every name of a
// file, and every open of it, reach the same inode and so the same cached pages.

import { COST } from "../../src/hw/clock.js";
import { HostDir, type HostAttr } from "../../src/hw/hostdir.js";
import type { Kernel } from "../kernel.js";
import {
  address_space, current_time, evict, inode, S_IFDIR, S_IFLNK, S_IFREG, S_IFCHR, super_block,
  type address_space_operations, type inode_operations,
} from "./inode.js";

/** Linux: MKDEV(0, 0x2e)-like anonymous device numbers are per boot; vmos's host directory is "00:1e". */
const HOSTFS_MAJOR = 0, HOSTFS_MINOR = 0x1e;

const DT_DIR = 4, DT_REG = 8, DT_LNK = 10, DT_UNKNOWN = 0;

/** A hostfs inode's private part: the device and the handle. */
interface hostfs_private {
  dev: HostDir;
  handle: number;
}

function priv(node: inode): hostfs_private {
  return node.i_private as hostfs_private;
}

function mode_of(attr: HostAttr): number {
  const type = attr.type === "dir" ? S_IFDIR : attr.type === "symlink" ? S_IFLNK : attr.type === "file" ? S_IFREG : S_IFCHR;
  return type | attr.perm;
}

const hostfs_aops: address_space_operations = {
  readpage(k: Kernel, mapping: address_space, index: number, pfn: number): number {
    const { dev, handle } = priv(mapping.host);
    const buf = new Uint8Array(4096);
    const n = dev.read(handle, index * 4096, buf);
    if (n < 0) return n;
    k.machine.ram.writeBytes(pfn * 4096, buf); // the rest past EOF stays zero
    k.machine.clock.advance(COST.filePage);
    return 1;
  },
  direct_read(k: Kernel, mapping: address_space, pos: number, dst: Uint8Array): number {
    const { dev, handle } = priv(mapping.host);
    k.machine.clock.advance(COST.filePage * Math.ceil(dst.length / 4096));
    return dev.read(handle, pos, dst);
  },
  writepage(k: Kernel, mapping: address_space, index: number, pfn: number, len: number): number {
    const { dev, handle } = priv(mapping.host);
    const n = dev.write(handle, index * 4096, k.machine.ram.readBytes(pfn * 4096, len));
    k.machine.clock.advance(COST.filePage);
    return n < 0 ? n : 0;
  },
};

/** Linux: iget5_locked(): the cached inode for host inode `attr.ino`, or a new one holding `handle`. */
function hostfs_iget(k: Kernel, sb: super_block, dev: HostDir, handle: number, attr: HostAttr): inode {
  const cached = sb.s_inodes.get(attr.ino);
  if (cached !== undefined && (cached.i_mode & 0o170000) === (mode_of(attr) & 0o170000)) {
    dev.forget(handle); // the cached inode has its own handle
    cached.i_count++;
    return cached;
  }
  const node = new inode(sb, attr.ino, mode_of(attr), hostfs_iops, hostfs_aops);
  node.i_private = { dev, handle } satisfies hostfs_private;
  node.i_size = attr.size;
  node.i_nlink = attr.nlink;
  node.i_atime = attr.atimeNs;
  node.i_mtime = attr.mtimeNs;
  node.i_ctime = attr.ctimeNs;
  sb.s_inodes.set(attr.ino, node);
  return node;
}

const hostfs_iops: inode_operations = {
  lookup(k, dir, name) {
    const { dev, handle } = priv(dir);
    const r = dev.lookup(handle, name);
    if (typeof r === "number") return r;
    return hostfs_iget(k, dir.i_sb, dev, r.handle, r.attr);
  },
  create(k, dir, name, mode) {
    const { dev, handle } = priv(dir);
    const r = dev.create(handle, name, mode & 0o7777);
    if (typeof r === "number") return r;
    dir.i_mtime = dir.i_ctime = current_time(k);
    return hostfs_iget(k, dir.i_sb, dev, r.handle, r.attr);
  },
  mkdir(k, dir, name, mode) {
    const { dev, handle } = priv(dir);
    const r = dev.mkdir(handle, name, mode & 0o7777);
    if (r === 0) dir.i_mtime = dir.i_ctime = current_time(k);
    return r;
  },
  unlink(k, dir, name) {
    return remove(k, dir, name, false);
  },
  rmdir(k, dir, name) {
    return remove(k, dir, name, true);
  },
  rename(k, old_dir, old_name, new_dir, new_name) {
    const dev = priv(old_dir).dev;
    // A file the rename replaces loses its name (and its cache entry, like an unlink).
    const victim = dev.lookup(priv(new_dir).handle, new_name);
    const r = dev.rename(priv(old_dir).handle, old_name, priv(new_dir).handle, new_name);
    if (typeof victim !== "number") {
      if (r === 0) drop_name(k, old_dir.i_sb, victim.attr.ino);
      dev.forget(victim.handle);
    }
    if (r === 0) old_dir.i_mtime = new_dir.i_mtime = current_time(k);
    return r;
  },
  symlink(k, dir, name, target) {
    const { dev, handle } = priv(dir);
    const r = dev.symlink(handle, name, target);
    if (r === 0) dir.i_mtime = dir.i_ctime = current_time(k);
    return r;
  },
  link(k, old, dir, name) {
    const r = priv(old).dev.link(priv(old).handle, priv(dir).handle, name);
    if (r === 0) {
      old.i_nlink++;
      old.i_ctime = dir.i_mtime = dir.i_ctime = current_time(k);
    }
    return r;
  },
  readlink(_k, node) {
    const { dev, handle } = priv(node);
    return dev.readlink(handle);
  },
  readdir(_k, dir) {
    const { dev, handle } = priv(dir);
    const r = dev.readdir(handle);
    if (typeof r === "number") return r;
    return r.map((e) => ({ name: e.name, ino: e.ino, type: e.type === "dir" ? DT_DIR : e.type === "file" ? DT_REG : e.type === "symlink" ? DT_LNK : DT_UNKNOWN }));
  },
  setsize(_k, node, size) {
    const { dev, handle } = priv(node);
    return dev.truncate(handle, size);
  },
  fsync(_k, node) {
    const { dev, handle } = priv(node);
    return dev.fsync(handle);
  },
  evict(_k, node) {
    const { dev, handle } = priv(node);
    if (handle !== HostDir.ROOT) dev.forget(handle);
  },
};

/** unlink/rmdir: remove the name on the device, then let the cached inode know it lost one. */
function remove(k: Kernel, dir: inode, name: string, isDir: boolean): number {
  const { dev, handle } = priv(dir);
  const found = dev.lookup(handle, name);
  const r = dev.unlink(handle, name, isDir);
  if (typeof found !== "number") {
    if (r === 0) drop_name(k, dir.i_sb, found.attr.ino);
    dev.forget(found.handle);
  }
  if (r === 0) dir.i_mtime = dir.i_ctime = current_time(k);
  return r;
}

/**
 * One name of host inode `ino` is gone. With no name left, the inode leaves the cache (a new file may
 * get its number on the host) and is evicted as soon as nobody holds it (an open file or a mapping
 * keeps it, and its data, alive: Linux's unlink-while-open).
 */
function drop_name(k: Kernel, sb: super_block, ino: number): void {
  const node = sb.s_inodes.get(ino);
  if (node === undefined) return;
  node.i_nlink = Math.max(0, node.i_nlink - 1);
  node.i_ctime = current_time(k);
  if (node.i_nlink > 0 && (node.i_mode & 0o170000) !== S_IFDIR) return;
  node.i_nlink = 0;
  sb.s_inodes.delete(ino);
  if (node.i_count === 0) evict(k, node);
}

/** Mount the device: its root directory's inode (Linux: the 9p mount's root dentry). */
export function hostfs_mount(k: Kernel, dev: HostDir): inode | number {
  const attr = dev.getattr(HostDir.ROOT);
  if (typeof attr === "number") return attr;
  const sb = new super_block(k, "hostfs", HOSTFS_MAJOR, HOSTFS_MINOR);
  return hostfs_iget(k, sb, dev, HostDir.ROOT, attr);
}

/** Every inode the filesystem has cached (for shutdown). */
export function hostfs_inodes(root: inode): inode[] {
  return [...root.i_sb.s_inodes.values()];
}
