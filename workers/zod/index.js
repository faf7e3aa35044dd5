// The Worker bundle's "zod" (wrangler.toml [alias]). @hono/zod-openapi passes zod's `z` namespace
// to a function as a value, so a bundler must keep every property of it, and one of them is
// `locales`: all 60-odd translations of zod's messages, about 260 KiB of the minified Worker. The
// API answers in English (its problem details are written in en-AU), and zod registers English by
// default from its schemas module, so the bundle gets zod without that namespace. Tests and tools
// use zod itself; test/platform/bundle-aliases.test.ts checks that this module exports the same names.
import * as z from "./classic.js";

export * from "./classic.js";
export { z, z as default };
