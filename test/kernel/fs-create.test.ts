// openat(O_CREAT) details Linux gets right and a first version of vmos did not: the umask (and the
// umask syscall), creation through a dangling symbolic link, and creating in a directory that was
// removed under the caller.

import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AT_FDCWD, AT_REMOVEDIR, E, O_CREAT, O_EXCL, O_RDWR, O_WRONLY, Script, SYS } from "./fs-syscalls.helpers.js";
import { tempRootEach } from "../helpers/roots.js";

let root = "";
tempRootEach("vmos-create-", (dir) => (root = dir));
const at = (...names: string[]): string => join(root, ...names);
const mode = (...names: string[]): number => fs.statSync(at(...names)).mode & 0o777;
const SYS_UMASK = 166;

describe("openat(O_CREAT)", () => {
  it("applies the umask: 022 at first, then what umask(2) set; umask returns the old mask", () => {
    const s = new Script();
    s.call(SYS.openat, AT_FDCWD, s.str("a"), O_CREAT | O_WRONLY, 0o666);
    const old = s.call(SYS_UMASK, 0o077);
    const again = s.call(SYS_UMASK, 0o077);
    s.call(SYS.openat, AT_FDCWD, s.str("b"), O_CREAT | O_WRONLY, 0o666);
    s.call(SYS.mkdirat, AT_FDCWD, s.str("d"), 0o777);
    const r = s.run({ root });
    expect([r.res(old), r.res(again)]).toEqual([0o022, 0o077]);
    expect([mode("a"), mode("b"), mode("d")]).toEqual([0o644, 0o600, 0o700]);
  });

  it("through a dangling symbolic link creates the link's target; with O_EXCL it is -EEXIST", () => {
    fs.symlinkSync("target", at("link"));
    const s = new Script();
    const excl = s.call(SYS.openat, AT_FDCWD, s.str("link"), O_CREAT | O_EXCL | O_RDWR, 0o644);
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("link"), O_CREAT | O_RDWR, 0o644);
    s.call(SYS.write, fd, s.str("via link"), 8);
    const r = s.run({ root });
    expect(r.res(excl)).toBe(E.EEXIST);
    expect(r.res(fd)).toBe(3);
    expect(fs.readFileSync(at("target"), "utf8")).toBe("via link");
    expect(fs.lstatSync(at("link")).isSymbolicLink()).toBe(true);
  });

  it("in a working directory that was removed is -ENOENT", () => {
    fs.mkdirSync(at("gone"));
    const s = new Script();
    s.call(SYS.chdir, s.str("gone"));
    s.call(SYS.unlinkat, AT_FDCWD, s.str("/gone"), AT_REMOVEDIR);
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("f"), O_CREAT | O_RDWR, 0o644);
    const r = s.run({ root });
    expect(r.res(fd)).toBe(E.ENOENT);
    expect(fs.existsSync(at("gone"))).toBe(false);
  });
});

describe("shutdown", () => {
  it("lets go of every host file handle the filesystem took, however many files the guest touched", () => {
    fs.writeFileSync(at("in"), "data");
    const s = new Script();
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("in"), O_RDWR, 0);
    s.call(SYS.read, fd, s.buf("b", 4), 4);
    s.call(SYS.openat, AT_FDCWD, s.str("out"), O_CREAT | O_WRONLY, 0o644);
    s.call(SYS.mkdirat, AT_FDCWD, s.str("d"), 0o755);
    const r = s.run({ root });
    expect(r.buf("b")).toEqual(new TextEncoder().encode("data"));
    expect(r.run!.kernel.machine.hostdir!.openHandles).toBe(0);
  });
});

describe("/proc/self/status", () => {
  it("shows the umask the process set", () => {
    const s = new Script();
    s.call(SYS_UMASK, 0o027);
    const fd = s.call(SYS.openat, AT_FDCWD, s.str("/proc/self/status"), 0, 0);
    s.call(SYS.read, fd, s.buf("status", 32), 32);
    const r = s.run({ root });
    expect(r.text("status").split("\n")[1]).toBe("Umask:\t0027");
  });
});
