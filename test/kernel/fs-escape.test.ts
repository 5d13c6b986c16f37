// A guest trying to get out of its root directory, every way we could think of. The host side is
//
//   outer/                 a fresh temporary directory
//     SENTINEL             "OUTSIDE": must never be read, changed or removed
//     outside-dir/file     "OUTSIDE": the same
//     root/                the guest's `/`
//       SENTINEL           "inside": where a confined "../SENTINEL" lands
//       abs-out -> outer/SENTINEL (absolute)      rel-out -> ../SENTINEL
//       dir-out -> outer/outside-dir (absolute)   rel-dir-out -> ../outside-dir
//       to-slash -> /      chain -> rel-out      sub/deep -> ../../../SENTINEL
//
// After each run: the files outside are exactly as they were, and nothing new appeared outside root.

import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kernel } from "../../kernel/kernel.js";
import {
  AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, dirents, E, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY,
  O_RDWR, O_TRUNC, O_WRONLY, Script, statx, SYS, u64,
} from "./fs-syscalls.helpers.js";

let outer: string, root: string;
/** The host's view of everything outside root, taken before the run. */
let before: string;

/** Every path under outer except root's contents, with each file's content and each link's target. */
function outsideSnapshot(): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (p === root) continue;
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out.push(`${p} -> ${fs.readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${p}/ ${st.mode.toString(8)}`);
        walk(p);
      } else out.push(`${p}: ${fs.readFileSync(p, "utf8")} ${st.mode.toString(8)} ${st.nlink} ${st.mtimeMs}`);
    }
  };
  walk(outer);
  return out.join("\n");
}

beforeEach(() => {
  outer = fs.mkdtempSync(join(os.tmpdir(), "vmos-escape-"));
  root = join(outer, "root");
  fs.mkdirSync(join(outer, "outside-dir"));
  fs.writeFileSync(join(outer, "SENTINEL"), "OUTSIDE");
  fs.writeFileSync(join(outer, "outside-dir/file"), "OUTSIDE");
  fs.mkdirSync(join(root, "sub"), { recursive: true });
  fs.writeFileSync(join(root, "SENTINEL"), "inside");
  fs.writeFileSync(join(root, "in"), "in");
  fs.symlinkSync(join(outer, "SENTINEL"), join(root, "abs-out"));
  fs.symlinkSync("../SENTINEL", join(root, "rel-out"));
  fs.symlinkSync(join(outer, "outside-dir"), join(root, "dir-out"));
  fs.symlinkSync("../outside-dir", join(root, "rel-dir-out"));
  fs.symlinkSync("/", join(root, "to-slash"));
  fs.symlinkSync("rel-out", join(root, "chain"));
  fs.symlinkSync("../../../SENTINEL", join(root, "sub/deep"));
  before = outsideSnapshot();
});
afterEach(() => {
  expect(outsideSnapshot()).toBe(before);
  fs.rmSync(outer, { recursive: true, force: true });
});

/** open(name, flags) then read up to 16 bytes into a buffer named `buf`; returns [open, read] refs. */
function openRead(s: Script, name: string | Uint8Array, buf: string, flags = O_RDONLY, raw = false): [ReturnType<Script["call"]>, ReturnType<Script["call"]>] {
  const fd = s.call(SYS.openat, AT_FDCWD, s.str(name, raw), flags, 0o644);
  return [fd, s.call(SYS.read, fd, s.buf(buf, 16), 16)];
}

describe("the guest cannot leave its root", () => {
  it("'..' chains, absolute paths and the host's own path all land inside", () => {
    const s = new Script();
    const names = ["../SENTINEL", "../../../../SENTINEL", "/../SENTINEL", "/..//../.././SENTINEL", `../${"../".repeat(50)}SENTINEL`,
      "sub/../../SENTINEL", "/proc/../../SENTINEL", "/proc/self/../../../SENTINEL", "/proc/1/../../../SENTINEL"];
    const reads = names.map((n, i) => openRead(s, n, `b${i}`));
    const host = s.call(SYS.openat, AT_FDCWD, s.str(join(outer, "SENTINEL")), O_RDONLY, 0);
    const hostDir = s.call(SYS.openat, AT_FDCWD, s.str(join(outer, "outside-dir/file")), O_RDONLY, 0);
    const r = s.run({ root });
    names.forEach((_, i) => expect(r.text(`b${i}`)).toBe("inside"));
    expect(reads.every(([, rd]) => r.res(rd) === 6)).toBe(true);
    expect([r.res(host), r.res(hostDir)]).toEqual([E.ENOENT, E.ENOENT]);
  });

  it("host symbolic links pointing outside resolve inside the guest's root: absolute, relative, chained, to /", () => {
    const s = new Script();
    const reads = ["abs-out", "rel-out", "chain", "sub/deep", "to-slash/SENTINEL", "to-slash/to-slash/../SENTINEL"].map((n, i) => openRead(s, n, `l${i}`));
    const dirs = ["dir-out/file", "rel-dir-out/file", "dir-out/../SENTINEL"].map((n) => s.call(SYS.openat, AT_FDCWD, s.str(n), O_RDONLY, 0));
    const st = s.call(SYS.statx, AT_FDCWD, s.str("abs-out"), 0, 0x7ff, s.buf("st", 256));
    const lst = s.call(SYS.statx, AT_FDCWD, s.str("abs-out"), AT_SYMLINK_NOFOLLOW, 0x7ff, s.buf("lst", 256));
    const r = s.run({ root });
    expect(reads.map(([fd]) => r.res(fd))).toEqual([E.ENOENT, 3, 4, 5, 6, 7]); // abs-out's target does not exist inside
    for (let i = 1; i < 6; i++) expect(r.text(`l${i}`)).toBe("inside");
    expect(dirs.map((d) => r.res(d))).toEqual([E.ENOENT, E.ENOENT, E.ENOENT]);
    expect([r.res(st), r.res(lst)]).toEqual([E.ENOENT, 0]);
    expect(statx(r.buf("lst")).mode & 0o170000).toBe(0o120000);
  });

  it("writing, truncating and creating through links and '..' never touches a file outside", () => {
    const s = new Script();
    const res = [
      s.call(SYS.openat, AT_FDCWD, s.str("abs-out"), O_WRONLY | O_TRUNC, 0),
      s.call(SYS.openat, AT_FDCWD, s.str("abs-out"), O_WRONLY | O_CREAT, 0o644),
      s.call(SYS.openat, AT_FDCWD, s.str("dir-out/new"), O_WRONLY | O_CREAT, 0o644),
      s.call(SYS.openat, AT_FDCWD, s.str("rel-dir-out/new"), O_WRONLY | O_CREAT | O_EXCL, 0o644),
      s.call(SYS.truncate64, s.str("abs-out"), u64(0)),
      s.call(SYS.truncate64, s.str("dir-out/file"), u64(0)),
      s.call(SYS.mkdirat, AT_FDCWD, s.str("dir-out/newdir"), 0o755),
      s.call(SYS.symlinkat, s.str("x"), AT_FDCWD, s.str("dir-out/newlink")),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("dir-out/file"), 0),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("rel-dir-out/file"), 0),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("dir-out/"), AT_REMOVEDIR),
      s.call(SYS.linkat, AT_FDCWD, s.str("abs-out"), AT_FDCWD, s.str("hard"), AT_SYMLINK_FOLLOW),
      s.call(SYS.linkat, AT_FDCWD, s.str("in"), AT_FDCWD, s.str("dir-out/stolen"), 0),
      s.call(SYS.renameat2, AT_FDCWD, s.str("dir-out/file"), AT_FDCWD, s.str("taken"), 0),
      s.call(SYS.renameat2, AT_FDCWD, s.str("in"), AT_FDCWD, s.str("dir-out/planted"), 0),
    ];
    // Writes that are allowed land inside: "../SENTINEL" is /SENTINEL.
    const [fd] = openRead(s, "../../SENTINEL", "x", O_RDWR | O_TRUNC);
    s.call(SYS.write, fd, s.str("rewritten"), 9);
    const r = s.run({ root });
    // The second follows the dangling link, as Linux does, to create its target inside the guest's
    // root: ENOENT, for the guest has no such directory.
    expect(res.map((x) => r.res(x))).toEqual([
      E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOTDIR,
      E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT,
    ]);
    expect(fs.readFileSync(join(root, "SENTINEL"), "utf8")).toBe("rewritten");
  });

  it("mkdirat, unlinkat and renameat2 with escaping names act inside", () => {
    fs.writeFileSync(join(root, "victim"), "v");
    const s = new Script();
    const res = [
      s.call(SYS.mkdirat, AT_FDCWD, s.str("../../made"), 0o755),
      s.call(SYS.mkdirat, AT_FDCWD, s.str("/../../outside-dir/made"), 0o755),
      s.call(SYS.renameat2, AT_FDCWD, s.str("victim"), AT_FDCWD, s.str("../../../moved"), 0),
      s.call(SYS.renameat2, AT_FDCWD, s.str("/sub"), AT_FDCWD, s.str("../outside-dir"), 0),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("../SENTINEL"), 0),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("../../outside-dir/file"), 0),
      s.call(SYS.unlinkat, AT_FDCWD, s.str("abs-out"), 0), // the link itself, inside
      s.call(SYS.renameat2, AT_FDCWD, s.str("rel-out"), AT_FDCWD, s.str("../renamed-link"), 0),
    ];
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([0, E.ENOENT, 0, 0, 0, E.ENOENT, 0, 0]);
    expect(fs.existsSync(join(root, "made"))).toBe(true);
    expect(fs.readFileSync(join(root, "moved"), "utf8")).toBe("v");
    expect(fs.statSync(join(root, "outside-dir")).isDirectory()).toBe(true); // /sub, renamed inside
    expect(fs.existsSync(join(root, "SENTINEL"))).toBe(false);
    expect(fs.readlinkSync(join(root, "renamed-link"))).toBe("../SENTINEL");
  });

  it("chdir('..') at the root stays there; getcwd says '/'; a dirfd plus '../..' stays inside", () => {
    const s = new Script();
    for (let i = 0; i < 5; i++) s.call(SYS.chdir, s.str(".."));
    s.call(SYS.getcwd, s.buf("cwd", 64), 64);
    openRead(s, "SENTINEL", "a");
    const sub = s.call(SYS.openat, AT_FDCWD, s.str("sub"), O_RDONLY | O_DIRECTORY, 0);
    const viaFd = s.call(SYS.openat, sub, s.str("../../../SENTINEL"), O_RDONLY, 0);
    s.call(SYS.read, viaFd, s.buf("b", 16), 16);
    s.call(SYS.chdir, s.str("to-slash/../sub/../.."));
    s.call(SYS.getcwd, s.buf("cwd2", 64), 64);
    const mk = s.call(SYS.mkdirat, sub, s.str("../../../x"), 0o755);
    const r = s.run({ root });
    expect([r.text("cwd"), r.text("a"), r.text("b"), r.text("cwd2"), r.res(mk)]).toEqual(["/", "inside", "inside", "/", 0]);
    expect(fs.existsSync(join(root, "x"))).toBe(true);
  });

  it("listing a link to the outside lists the guest's own directories, never the host's", () => {
    const s = new Script();
    const d1 = s.call(SYS.openat, AT_FDCWD, s.str("dir-out"), O_RDONLY | O_DIRECTORY, 0);
    const d2 = s.call(SYS.openat, AT_FDCWD, s.str("to-slash"), O_RDONLY | O_DIRECTORY, 0);
    const n = s.call(SYS.getdents64, d2, s.buf("ents", 2048), 2048);
    const d3 = s.call(SYS.openat, AT_FDCWD, s.str("/.."), O_RDONLY | O_DIRECTORY, 0);
    const m = s.call(SYS.getdents64, d3, s.buf("ents2", 2048), 2048);
    const r = s.run({ root });
    expect(r.res(d1)).toBe(E.ENOENT);
    const names = [".", "..", ...[...fs.readdirSync(root), "proc"].sort()];
    expect(dirents(r.buf("ents"), r.res(n)).map((e) => e.name)).toEqual(names);
    expect(dirents(r.buf("ents2"), r.res(m)).map((e) => e.name)).toEqual(names);
  });

  it("long names: up to PATH_MAX they resolve inside, past it ENAMETOOLONG; a NUL ends the name", () => {
    const s = new Script();
    const long = `${"../".repeat(1360)}SENTINEL`; // 4088 bytes
    const [ok] = openRead(s, long, "long");
    const tooLong = s.call(SYS.openat, AT_FDCWD, s.str(`${"../".repeat(1400)}SENTINEL`), O_RDONLY, 0);
    const [nul] = openRead(s, new TextEncoder().encode("in\0/../../SENTINEL\0"), "nul", O_RDONLY, true);
    const mk = s.call(SYS.mkdirat, AT_FDCWD, s.str(new TextEncoder().encode("d\0../../x\0"), true), 0o755);
    const r = s.run({ root });
    expect([r.res(ok), r.text("long")]).toEqual([3, "inside"]);
    expect(r.res(tooLong)).toBe(E.ENAMETOOLONG);
    expect([r.res(nul) > 0, r.text("nul")]).toEqual([true, "in"]);
    expect(r.res(mk)).toBe(0);
    expect(fs.statSync(join(root, "d")).isDirectory()).toBe(true);
  });

  it("links the guest makes point inside the guest, whatever they say", () => {
    const s = new Script();
    s.call(SYS.symlinkat, s.str(join(outer, "SENTINEL")), AT_FDCWD, s.str("mine-abs"));
    s.call(SYS.symlinkat, s.str("../../SENTINEL"), AT_FDCWD, s.str("mine-rel"));
    s.call(SYS.symlinkat, s.str(join(outer, "outside-dir")), AT_FDCWD, s.str("mine-dir"));
    const [abs] = openRead(s, "mine-abs", "a", O_RDWR);
    const [rel] = openRead(s, "mine-rel", "b");
    const creat = s.call(SYS.openat, AT_FDCWD, s.str("mine-dir/new"), O_CREAT | O_WRONLY, 0o644);
    const hard = s.call(SYS.linkat, AT_FDCWD, s.str("mine-abs"), AT_FDCWD, s.str("hard"), AT_SYMLINK_FOLLOW);
    const r = s.run({ root });
    expect([r.res(abs), r.res(rel), r.text("b"), r.res(creat), r.res(hard)]).toEqual([E.ENOENT, 3, "inside", E.ENOENT, E.ENOENT]);
  });

  it("/proc offers no way out: no cwd, root or exe links, nothing writable", () => {
    const s = new Script();
    const res = ["/proc/self/cwd", "/proc/self/root", "/proc/self/exe", "/proc/1/root/SENTINEL", "/proc/self/cwd/../SENTINEL"]
      .map((n) => s.call(SYS.openat, AT_FDCWD, s.str(n), O_RDONLY, 0));
    const r = s.run({ root });
    expect(res.map((x) => r.res(x))).toEqual([E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT]);
  });

  it("a directory swapped for a link to the outside behind the guest's back leads nowhere", () => {
    fs.mkdirSync(join(root, "swap"));
    fs.writeFileSync(join(root, "swap/mine"), "mine");
    // Right after the guest's first lookup of "swap", the host replaces it with a link to outside-dir.
    const setup = (k: Kernel): void => {
      const dev = k.machine.hostdir!;
      const lookup = dev.lookup.bind(dev);
      let swapped = false;
      dev.lookup = (dir, name) => {
        const r = lookup(dir, name);
        if (name === "swap" && !swapped) {
          swapped = true;
          fs.renameSync(join(root, "swap"), join(root, "swap-old"));
          fs.symlinkSync(join(outer, "outside-dir"), join(root, "swap"));
        }
        return r;
      };
    };
    const s = new Script();
    const dfd = s.call(SYS.openat, AT_FDCWD, s.str("swap"), O_RDONLY | O_DIRECTORY, 0);
    const res = [
      s.call(SYS.openat, dfd, s.str("file"), O_RDONLY, 0),
      s.call(SYS.openat, dfd, s.str("evil"), O_CREAT | O_WRONLY, 0o644),
      s.call(SYS.mkdirat, dfd, s.str("evil-dir"), 0o755),
      s.call(SYS.unlinkat, dfd, s.str("file"), 0),
      s.call(SYS.renameat2, dfd, s.str("file"), AT_FDCWD, s.str("taken"), 0),
      s.call(SYS.symlinkat, s.str("x"), dfd, s.str("evil-link")),
      s.call(SYS.linkat, AT_FDCWD, s.str("in"), dfd, s.str("evil-hard"), 0),
      s.call(SYS.statx, dfd, s.str("file"), 0, 0x7ff, s.buf("st", 256)),
    ];
    const n = s.call(SYS.getdents64, dfd, s.buf("ents", 1024), 1024);
    const r = s.run({ root, setup });
    expect(r.res(dfd)).toBe(3);
    expect(res.map((x) => r.res(x))).toEqual([E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT, E.ENOENT]);
    const listed = r.res(n) > 0 ? dirents(r.buf("ents"), r.res(n)).map((e) => e.name) : [];
    expect(listed).not.toContain("file");
  });
});
