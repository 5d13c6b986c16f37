// chevrotain, loaded from the single-file bundle that the package ships beside its entry point.
// Why: the package entry (lib/src/api.js) imports lodash-es as ~600 separate ES modules, which costs
// ~280 ms at every `vmos` start; lib/chevrotain.mjs is the same release's code in one file (~10 ms).
// Types still come from the package itself.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

const entry = createRequire(import.meta.url).resolve("chevrotain"); // .../chevrotain/lib/src/api.js
const bundle: typeof Chevrotain = await import(pathToFileURL(join(dirname(entry), "..", "chevrotain.mjs")).href);

export const { createToken, Lexer, EmbeddedActionsParser } = bundle;
export type { IToken, TokenType } from "chevrotain";
