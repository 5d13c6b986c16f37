#!/usr/bin/env node
// Entry point of the `vmos` command: runs the TypeScript CLI through tsx's loader, so there is no
// build step between editing the source and running it.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
