/**
 * Whether the operations' summaries and descriptions are compiled in. The OpenAPI document is
 * generated at build time (in Node, where this is true) and served as a static asset, so the
 * Worker never reads them: wrangler.toml defines `__OPENAPI_DOCS__` as false, and the bundler
 * drops every `...(OPENAPI_DOCS && { summary, description })` with its text: the operations'
 * (about 8 KiB gzip) and the schema fields' in `.openapi({...})` (about 7 KiB). Routes still declare
 * their documentation beside their schemas, where it is reviewed.
 */
declare const __OPENAPI_DOCS__: boolean | undefined;

export const OPENAPI_DOCS: boolean = typeof __OPENAPI_DOCS__ === "undefined" ? true : __OPENAPI_DOCS__;
