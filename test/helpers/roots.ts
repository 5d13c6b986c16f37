// Host directories for tests that boot vmos with one as the guest's `/` (the board's host-directory
// device), or run qemu-riscv32 in one. Two lifetimes:
//
//   const root = tempRoot({ data: "hello" });          // made on the spot, with files in it;
//   afterAll(removeRoots);                             // all of a test file's go at the end
//
//   tempRootEach("vmos-io-", (dir) => (root = dir));   // a fresh empty one around each test

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/** The directory holding this test file's tempRoot()s: made by the first one, so importing makes nothing. */
let parent: string | null = null;
let roots = 0;

/**
 * A new directory to be a guest's `/`, holding `files` (name -> contents; a Uint8Array, or text),
 * each with `mode`. Names may contain directories. Everything lives under one directory per test
 * file: removeRoots() deletes it (call it in afterAll).
 */
export function tempRoot(files: Record<string, string | Uint8Array> = {}, mode = 0o644): string {
  parent ??= mkdtempSync(join(tmpdir(), "vmos-files-"));
  const root = join(parent, `root${roots++}`);
  mkdirSync(root);
  for (const [name, data] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, data);
    chmodSync(path, mode);
  }
  return root;
}

/** Delete every directory tempRoot() made. */
export function removeRoots(): void {
  if (parent !== null) rmSync(parent, { recursive: true, force: true });
  parent = null;
}

/** A fresh empty host directory (named `prefix`...) for each test of the file, handed to `use`; removed after. */
export function tempRootEach(prefix: string, use: (dir: string) => void): void {
  let dir = "";
  beforeEach(() => use((dir = mkdtempSync(join(tmpdir(), prefix)))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
}
