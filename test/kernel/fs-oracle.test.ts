// The file-system calls against Linux itself: one program, run under vmos with a temporary tree as
// its `/` and under qemu-riscv32 (real Linux system calls) with an identical tree as its working
// directory, must give the same results. Only relative names that stay inside the tree are used
// (qemu-user's `/` is the host's), and only what does not depend on the host is compared: every
// return value and errno, statx's type, mode, size, links and block size, listings as sets, link
// targets and file contents afterwards. RENAME_EXCHANGE is left out: hostfs refuses it (-EINVAL, as
// Linux's 9p does) where the host's own filesystem would do it.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { QEMU, describeOracle } from "../helpers/oracle.js";
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, dirents, O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR,
  RENAME_NOREPLACE, type Ref, Script, type ScriptResult, statx, SYS, u64, W_OK, X_OK,
} from "./fs-syscalls.helpers.js";

/** The same starting tree in each directory. */
function tree(dir: string): void {
  fs.writeFileSync(join(dir, "f"), "hello world", { mode: 0o644 });
  fs.chmodSync(join(dir, "f"), 0o644);
  fs.writeFileSync(join(dir, "exe"), "#!", { mode: 0o755 });
  fs.chmodSync(join(dir, "exe"), 0o755);
  fs.mkdirSync(join(dir, "d/sub"), { recursive: true });
  fs.writeFileSync(join(dir, "d/x"), "x");
  fs.writeFileSync(join(dir, "d/y"), "yy");
  fs.symlinkSync("f", join(dir, "l"));
  fs.symlinkSync("d", join(dir, "dl"));
}

/** The program: every call the tests cover, on relative names; `listed` is the listing's length. */
function program(): { s: Script; listed: Ref } {
  const s = new Script();
  const st = (name: string, buf: string, flags = 0): void => void s.call(SYS.statx, AT_FDCWD, s.str(name), flags, 0x7ff, s.buf(buf, 256));
  st("f", "st_f");
  st("l", "st_l", AT_SYMLINK_NOFOLLOW);
  st("l", "st_lf");
  st("dl", "st_dl");
  st("d", "st_d");
  s.call(SYS.readlinkat, AT_FDCWD, s.str("l"), s.buf("rl", 16), 16);
  s.call(SYS.readlinkat, AT_FDCWD, s.str("f"), s.buf("rl2", 16), 16);
  s.call(SYS.mkdirat, AT_FDCWD, s.str("newdir"), 0o750);
  st("newdir", "st_nd");
  s.call(SYS.mkdirat, AT_FDCWD, s.str("newdir"), 0o750);
  s.call(SYS.mkdirat, AT_FDCWD, s.str("f/x"), 0o750);
  s.call(SYS.mkdirat, AT_FDCWD, s.str("l"), 0o750);
  for (const [name, flags] of [["d", 0], ["d", AT_REMOVEDIR], ["f", AT_REMOVEDIR], [".", AT_REMOVEDIR], ["d/..", AT_REMOVEDIR],
    ["f/", 0], ["dl", AT_REMOVEDIR], ["nope", 0], ["newdir", AT_REMOVEDIR]] as const) {
    s.call(SYS.unlinkat, AT_FDCWD, s.str(name), flags);
  }
  const g = s.call(SYS.openat, AT_FDCWD, s.str("g"), O_CREAT | O_RDWR, 0o644);
  s.call(SYS.write, g, s.str("0123456789"), 10);
  s.call(SYS.ftruncate64, g, u64(4));
  s.call(SYS.pwrite64, g, s.str("AB"), 2, u64(6));
  s.call(SYS.pread64, g, s.buf("pr", 16), 16, u64(0));
  s.call(SYS.pread64, g, s.buf("pr2", 16), 16, 0, 1);
  s.call(SYS.statx, g, s.str(""), AT_EMPTY_PATH, 0x7ff, s.buf("st_g", 256));
  const ro = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_RDONLY, 0);
  s.call(SYS.ftruncate64, ro, u64(0));
  s.call(SYS.ftruncate64, 99, u64(0));
  s.call(SYS.ftruncate64, g, u64(-1));
  s.call(SYS.pread64, ro, s.buf("pr3", 16), 4, u64(-1));
  s.call(SYS.pwrite64, ro, s.str("x"), 1, u64(0));
  s.call(SYS.truncate64, s.str("d"), u64(0));
  s.call(SYS.truncate64, s.str("l"), u64(5));
  s.call(SYS.truncate64, s.str("nope"), u64(5));
  s.call(SYS.fsync, g);
  s.call(SYS.fdatasync, g);
  s.call(SYS.fsync, 77);
  s.call(SYS.sync);
  s.call(SYS.renameat2, AT_FDCWD, s.str("g"), AT_FDCWD, s.str("h"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("h"), AT_FDCWD, s.str("f"), RENAME_NOREPLACE);
  s.call(SYS.renameat2, AT_FDCWD, s.str("d"), AT_FDCWD, s.str("d/sub/z"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("d/sub"), AT_FDCWD, s.str("d"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("f"), AT_FDCWD, s.str("d"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("d"), AT_FDCWD, s.str("f"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("f/"), AT_FDCWD, s.str("q"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("."), AT_FDCWD, s.str("q"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("f"), AT_FDCWD, s.str("l"), 0);
  s.call(SYS.renameat2, AT_FDCWD, s.str("h"), AT_FDCWD, s.str("d/moved"), 0);
  s.call(SYS.symlinkat, s.str("target"), AT_FDCWD, s.str("s2"));
  s.call(SYS.symlinkat, s.str("target"), AT_FDCWD, s.str("s2"));
  s.call(SYS.readlinkat, AT_FDCWD, s.str("s2"), s.buf("rl3", 16), 16);
  s.call(SYS.linkat, AT_FDCWD, s.str("d/moved"), AT_FDCWD, s.str("hard"), 0);
  s.call(SYS.linkat, AT_FDCWD, s.str("d"), AT_FDCWD, s.str("hard2"), 0);
  st("hard", "st_hard");
  for (const [name, mode] of [["l", X_OK], ["exe", X_OK], ["d", X_OK], ["l", W_OK], ["nope", 0]] as const) {
    s.call(SYS.faccessat, AT_FDCWD, s.str(name), mode);
  }
  s.call(SYS.faccessat2, AT_FDCWD, s.str("l"), 0, 0x4000);
  s.call(SYS.chdir, s.str("d/sub"));
  s.call(SYS.chdir, s.str("nope"));
  s.call(SYS.chdir, s.str("../x"));
  s.call(SYS.chdir, s.str(".."));
  const x = s.call(SYS.openat, AT_FDCWD, s.str("x"), O_RDONLY, 0);
  s.call(SYS.fchdir, x);
  const dd = s.call(SYS.openat, AT_FDCWD, s.str("."), O_RDONLY | O_DIRECTORY, 0);
  s.call(SYS.chdir, s.str(".."));
  const listed = s.call(SYS.getdents64, dd, s.buf("ents", 1024), 1024);
  s.call(SYS.getdents64, dd, s.buf("ents2", 64), 64);
  s.call(SYS.getdents64, x, s.buf("ents2", 64), 64);
  s.call(SYS.getdents64, 88, s.buf("ents2", 64), 64);
  const dd2 = s.call(SYS.openat, AT_FDCWD, s.str("d"), O_RDONLY | O_DIRECTORY, 0);
  s.call(SYS.getdents64, dd2, s.buf("ents2", 64), 20);
  return { s, listed };
}

/** What a run shows of itself apart from addresses, inode numbers, times and owners. */
function observe(r: ScriptResult, listed: Ref, dir: string): unknown {
  const stat = (b: string): unknown => {
    const x = statx(r.buf(b));
    return { basic: x.mask & 0x7ff, mode: x.mode.toString(8), size: x.size, nlink: x.nlink, blksize: x.blksize };
  };
  const listing = dirents(r.buf("ents"), r.res(listed)).map((e) => `${e.name}:${e.type}`).sort();
  const files: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = join(d, name);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) files[prefix + name] = `-> ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) walk(p, `${prefix + name}/`);
      else files[prefix + name] = `${fs.readFileSync(p, "latin1")} ${(st.mode & 0o7777).toString(8)}`;
    }
  };
  walk(dir, "");
  return {
    results: r.results,
    stats: ["st_f", "st_l", "st_lf", "st_dl", "st_d", "st_nd", "st_g", "st_hard"].map(stat),
    text: ["rl", "pr", "rl3"].map((b) => r.text(b)),
    listing,
    files,
  };
}

let vmosRoot: string, qemuRoot: string;
beforeAll(() => {
  vmosRoot = fs.mkdtempSync(join(os.tmpdir(), "vmos-oracle-fs-"));
  qemuRoot = fs.mkdtempSync(join(os.tmpdir(), "vmos-oracle-fs-"));
  tree(vmosRoot);
  tree(qemuRoot);
});
afterAll(() => {
  fs.rmSync(vmosRoot, { recursive: true, force: true });
  fs.rmSync(qemuRoot, { recursive: true, force: true });
});

describeOracle("file-system calls against qemu-riscv32", [QEMU], () => {
  it("give the same results, statx fields, listings, link targets and files as Linux", () => {
    const { s, listed } = program();
    const exe = join(os.tmpdir(), `vmos-oracle-fs-${process.pid}`);
    fs.writeFileSync(exe, s.elf(), { mode: 0o755 });
    const q = spawnSync(QEMU, [exe], { cwd: qemuRoot, env: {}, encoding: "utf8", timeout: 60_000 });
    fs.rmSync(exe);
    expect(q.status).toBe(0);
    const vmos = s.run({ root: vmosRoot });
    expect(vmos.run!.status).toBe(0);
    expect(observe(vmos, listed, vmosRoot)).toEqual(observe(s.parse(q.stdout), listed, qemuRoot));
  });
});
