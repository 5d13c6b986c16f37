#!/usr/bin/env node
// Entry point of the `vmos` command. Runs the CLI bundled into one file, dist/vmos.mjs (built by
// `npm ci` through the `prepare` script: tsc, then esbuild), when it is newer than every source
// file; otherwise runs the TypeScript sources through tsx, so an edited checkout never runs stale
// code. Why a bundle: Node 20 loads ~200 ES modules one by one (resolve, read, compile, link), which
// took about 100 ms of the 300 a `vmos run programs/hello.s` takes; one file takes a few.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "vmos.mjs");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  if (!existsSync(compiled)) return false;
  const built = statSync(compiled).mtimeMs;
  return ["src", "kernel"].every((d) => !existsSync(join(root, d)) || newestSource(join(root, d)) <= built);
}

if (compiledIsFresh()) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "src", "cli", "main.ts")).href);
}
