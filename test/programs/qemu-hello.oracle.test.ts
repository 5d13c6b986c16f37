// A program assembled by vmos is a real Linux riscv32 executable: qemu-riscv32 runs it.

import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { assemble } from "../../src/asm/index.js";
import { describeOracle, QEMU } from "../helpers/oracle.js";

describeOracle("programs assembled by vmos run under qemu-riscv32", [QEMU], () => {
  it("hello.s prints its greeting and exits 0", () => {
    const path = join(import.meta.dirname, "../../programs/hello.s");
    const { elf } = assemble([{ name: path, text: readFileSync(path, "utf8") }]);
    const exe = join(mkdtempSync(join(tmpdir(), "vmos-qemu-")), "hello");
    writeFileSync(exe, elf!);
    chmodSync(exe, 0o755);
    const r = spawnSync(QEMU, [exe], { encoding: "utf8", timeout: 10_000 });
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: "Hello from vmos!\n" });
  });
});
